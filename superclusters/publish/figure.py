"""Draw what each source says about each cluster's size and power, from the published tables.

One row per claim group (subject and property), one dot per claim, coloured by
article; the marker shape shows the comparator (= exact, ~ about, > more than)
and the label the time qualifier. The group's reconciliation status is printed
at the right, so disagreements are visible at a glance.

Usage: python -m superclusters.publish.figure [--root DIR] [--out figures/claims_by_source.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..inputs import CHECKOUT

PANELS = [  # (title, properties) drawn on a shared log axis per panel
    ("Accelerators, servers and nodes", ["gpu_count", "h100_equivalent_count", "server_count", "node_count", "diverted_gpu_count"]),
    ("Power and cooling (MW)", ["power_mw", "cooling_mw"]),
]
MARKERS = {"=": "o", "~": "D", ">": ">", ">=": ">", "<": "<", "<=": "<"}
COLOURS = ["#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182"]


def draw(root: Path, out: Path) -> Path:
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

    heights = [max(2.5, data[data["property"].isin(props)]["group_id"].nunique()) for _, props in PANELS]
    plt.rcParams.update({"svg.hashsalt": "ai-superclusters-2024", "font.size": 8})
    fig, axes = plt.subplots(len(PANELS), 1, figsize=(9, 1.2 + 0.55 * sum(heights)), gridspec_kw={"height_ratios": heights})
    for ax, (title, props) in zip(axes, PANELS, strict=True):
        panel = data[data["property"].isin(props)].sort_values(["property", "group_id", "claim_id"])
        labels = []
        for row_index, (_, group) in enumerate(panel.groupby("group_id", sort=False)):
            first = group.iloc[0]
            subject = hardware.get(first["hardware_id"]) if pd.notna(first["hardware_id"]) else organisations.get(first["organisation_id"], "")
            labels.append(f"{subject}: {first['property']}")
            for offset, claim in enumerate(group.itertuples()):
                y = row_index + (offset - (len(group) - 1) / 2) * min(0.14, 0.8 / len(group))
                ax.scatter(claim.value, y, marker=MARKERS[claim.comparator], s=38, color=colour[claim.article_id], edgecolor="black", linewidth=0.4, zorder=3)
                if pd.notna(claim.time_text):
                    ax.annotate(claim.time_text, (claim.value, y), xytext=(5, 2), textcoords="offset points", fontsize=6, color="#444444")
            ax.annotate(
                first["status"] + (f"\n({first['status_with_inferred']} with inferred links)" if first["status_with_inferred"] != first["status"] else ""),
                (1.02, row_index),
                xycoords=("axes fraction", "data"),
                fontsize=7,
                va="center",
                color="#b00020" if first["status"] in ("conflict", "revision", "unresolved") else "#333333",
            )
        ax.set_yticks(range(len(labels)), labels)
        ax.set_ylim(-0.6, len(labels) - 0.4)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.margins(x=0.12)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_title(title, loc="left", fontsize=9)
    handles = [
        plt.Line2D([], [], marker="o", linestyle="", color=colour[a], label=f"{a[:3]} ({lang})")
        for a, lang in zip(articles["article_id"], articles["language"], strict=True)
    ]
    handles += [
        plt.Line2D([], [], marker=m, linestyle="", color="white", markeredgecolor="black", label=label)
        for m, label in (("o", "= exact"), ("D", "~ about"), (">", "> more than"))
    ]
    fig.legend(handles=handles, loc="lower center", ncol=8, fontsize=7, frameon=False)
    fig.suptitle("What each article says: one dot per claim, status of the sources at right", fontsize=10, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.05, 0.9, 1))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return out


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
