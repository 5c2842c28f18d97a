"""Draw what each source says about each cluster's size and power, from the published tables.

One line per claim, grouped by subject and property (the group's heading at left, its verdict at
right); one dot per claim, coloured by article; the marker shape shows the comparator (= exact,
~ about, > more than) and the words beside it the phase or time the figure applies to, in English.
Every claim has its own line and the x axis runs a decade past the largest value, so no two labels
share a place. CAPTION is the figure's caption wherever it is shown (the site uses it).

Usage: python -m superclusters.publish.figure [--root DIR] [--out figures/claims_by_source.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..inputs import CHECKOUT
from .words import property_label, status_badge, when

PANELS = [  # (title, properties) drawn on a shared log axis per panel
    ("Accelerators, servers and nodes", ["gpu_count", "h100_equivalent_count", "server_count", "node_count", "diverted_gpu_count"]),
    ("Power and cooling (MW)", ["power_mw", "cooling_mw"]),
]
MARKERS = {"=": "o", "~": "D", ">": ">", ">=": ">", "<": "<", "<=": "<"}
COLOURS = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182"]
DPI = 110
LINE_INCHES = 0.2  # height of one claim's line: more than a label's 6 pt, so labels never touch
GROUP_GAP = 0.7  # extra lines between groups
CAPTION = (
    "What each article says about the size and power of each system. One line per claim (one figure stated by one article), "
    "grouped by subject and property (left); dots are coloured by article, and their shape gives the comparator "
    "(circle: exact, diamond: about, triangle: more than). Beside each dot, the phase or time the figure applies to. "
    "At right, the verdict of the group: whether the articles agree, disagree, state different times or cannot be compared; "
    "where counting claims linked only by the curator's inference would change it, that verdict follows in brackets. Logarithmic scale."
)


def claim_label(claim: object) -> str:
    """The phase and time a claim applies to, in English ('initial phase, by Aug 2024'), else the seed's time words."""
    import pandas as pd

    def value(name: str) -> str:
        got = getattr(claim, name)
        return "" if got is None or (not isinstance(got, str) and pd.isna(got)) else str(got)

    phase = f"{value('phase')} phase" if value("phase") else ""
    time = when(value("time_relation"), value("time_start"), value("time_end"), value("time_precision"))
    if not time and value("time_text") and not phase:
        time = f"“{value('time_text')}”"
    return ", ".join(part for part in (phase, time) if part)


def draw(root: Path, out: Path) -> Path:
    """Draw the figure from the package at `root` and save it as `out` (deterministic bytes)."""
    import matplotlib.pyplot as plt

    fig = figure(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return out


def figure(root: Path) -> Any:
    """The matplotlib Figure, laid out (tests measure its labels)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    claims = pd.read_parquet(root / "data" / "claims.parquet")
    groups = pd.read_parquet(root / "data" / "claim_groups.parquet")
    members = pd.read_parquet(root / "data" / "claim_group_members.parquet")
    articles = pd.read_parquet(root / "data" / "articles.parquet").sort_values("article_id")
    hardware = pd.read_parquet(root / "data" / "hardware.parquet").set_index("hardware_id")["name"]
    organisations = pd.read_parquet(root / "data" / "organisations.parquet").set_index("organisation_id")["name"]
    colour = {a: COLOURS[i % len(COLOURS)] for i, a in enumerate(articles["article_id"])}
    data = claims.merge(members[["claim_id", "group_id"]], on="claim_id").merge(groups[["group_id", "status", "status_with_inferred"]], on="group_id")

    layouts = []  # per panel: [(group rows, first line)], lines used
    for _, props in PANELS:
        panel = data[data["property"].isin(props)].sort_values(["property", "group_id", "value", "article_id", "claim_id"])
        placed, line = [], 0.0
        for _, group in panel.groupby("group_id", sort=False):
            placed.append((group, line))
            noted = group.iloc[0]["status_with_inferred"] != group.iloc[0]["status"]
            line += max(len(group), 2 if noted else 1) + GROUP_GAP
        layouts.append((placed, max(line - GROUP_GAP, 1)))
    heights = [lines for _, lines in layouts]
    plt.rcParams.update({"svg.hashsalt": "ai-superclusters-2024", "font.size": 8})
    fig, axes = plt.subplots(len(PANELS), 1, figsize=(10, 1.6 + LINE_INCHES * sum(heights) + 0.5 * len(PANELS)), gridspec_kw={"height_ratios": heights})
    for ax, (title, _), (placed, lines) in zip(axes, PANELS, layouts, strict=True):
        ticks, labels, values = [], [], []
        for group, first in placed:
            head = group.iloc[0]
            subject = hardware.get(head["hardware_id"]) if pd.notna(head["hardware_id"]) else organisations.get(head["organisation_id"], "")
            noted = head["status_with_inferred"] != head["status"]
            middle = first + (max(len(group), 2 if noted else 1) - 1) / 2
            ticks.append(middle)
            labels.append(f"{subject} — {property_label(head['property'])}")
            for offset, claim in enumerate(group.itertuples()):
                y = first + offset
                values.append(claim.value)
                ax.scatter(claim.value, y, marker=MARKERS[claim.comparator], s=34, color=colour[claim.article_id], edgecolor="black", linewidth=0.4, zorder=3)
                label = claim_label(claim)
                if label:
                    ax.annotate(label, (claim.value, y), xytext=(6, 0), textcoords="offset points", fontsize=6, color="#444444", va="center")
            verdict = status_badge(head["status"]) + (f"\n({status_badge(head['status_with_inferred'])}, counting inferred links)" if noted else "")
            ax.annotate(
                verdict,
                (1.01, middle),
                xycoords=("axes fraction", "data"),
                fontsize=7,
                va="center",
                color="#b00020" if head["status"] in ("conflict", "revision", "unresolved") else "#333333",
            )
        ax.set_yticks(ticks, labels)
        ax.set_ylim(-0.7, lines - 0.3)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlim(min(values) / 1.6, max(values) * 10)  # a decade of room on the right for the time labels
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_title(title, loc="left", fontsize=9)
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=colour[a], label=f"article {a[:3]} ({lang})")
        for a, lang in zip(articles["article_id"], articles["language"], strict=True)
    ]
    handles += [
        plt.Line2D([], [], marker=m, linestyle="", color="white", markeredgecolor="black", label=label)
        for m, label in (("o", "= exact"), ("D", "~ about"), (">", "> more than"))
    ]
    fig.legend(handles=handles, loc="lower center", ncol=8, fontsize=7, frameon=False)
    fig.suptitle("What each article says: one line per claim, the verdict of the sources at right", fontsize=10, x=0.01, ha="left")
    fig.set_dpi(DPI)
    fig.tight_layout(rect=(0, 0.04, 1, 1))  # the verdicts right of the axes are inside the bounding box tight_layout fits
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = CHECKOUT
    parser.add_argument("--root", type=Path, default=root)
    parser.add_argument("--out", type=Path, default=root / "figures" / "claims_by_source.png")
    args = parser.parse_args(argv)
    try:
        print(f"wrote {draw(args.root, args.out)}")
    except (OSError, ValueError, KeyError) as exc:  # missing or unreadable tables (pyarrow's errors are ValueErrors), an unwritable --out
        print(f"figure failed, nothing written: {type(exc).__name__}: {str(exc)[:200]}; run `make build` first, and check --root and --out", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
