"""`make release`: cut the release, pin it, and build the wheel from the pinned state, in that order.

1. Refuse published files the inputs no longer produce (a release is of what `make build` made).
2. Build dist/v<version>/<name>-<version>.zip, check it (SHA256SUMS, file list, frictionless, our own
   read-back) and pin its sha256 in superclusters/releases.json (publish.release).
3. Beside it: <name>.sqlite and metadata.json (every table, for SQL and Datasette; publish.sqlite), the
   Epoch-style CSV as its own download when the package has that table, and the wheel, built now, from the
   checkout whose releases.json holds the new pin: a user who installs that wheel loads the release by
   version with no sha256=.
4. SHA256SUMS over every asset and every file in the zip; everything checked again; then moved into place.

The wheel is built only when the pins are the checkout's own superclusters/releases.json (what the wheel
ships); with --pins elsewhere (tests, a dry run) the release is made without it.

Usage: python -m superclusters.build.release [--root DIR] [--dist DIR] [--pins FILE] [--repin] [--no-wheel]
       python -m superclusters.build.release --resum   # after adding an asset to dist/v<version>/ (the site's zip)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import BuildError, Problem
from ..inputs import CHECKOUT
from ..inputs.seeds import sha256_hex
from ..publish.release import build_release, release_name, resum, source_date_epoch
from .pipeline import stale_files

EPOCH_TABLE = "epoch_gpu_clusters"  # the Epoch AI GPU-clusters-style export, also offered as a download of its own


def pins_of(root: Path) -> Path:
    """The pin file a wheel built from `root` ships."""
    return root / "superclusters" / "releases.json"


def build_wheel(root: Path, out: Path) -> Path:
    """The wheel of the checkout at `root`, as it is now (pins included), built offline into `out`."""
    # The wheel's entries are dated SOURCE_DATE_EPOCH (bdist_wheel reads it), as the zip's are, so building twice gives the same bytes.
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(source_date_epoch()))
    with_wheel = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps", "--no-build-isolation", "-w", str(out), str(root)],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )
    wheels = sorted(out.glob("*.whl"))
    if with_wheel.returncode != 0 or len(wheels) != 1:
        reason = (with_wheel.stderr or with_wheel.stdout).strip()[-1500:]
        raise BuildError([Problem("wheel", "", "", f"pip wheel failed ({reason}); `make release` installs setuptools (the release group of pyproject.toml)")])
    return wheels[0]


def release_assets(root: Path, wheel: bool):
    """The step that writes the assets beside the zip into the staging folder (after the pin)."""

    def write(staging: Path) -> None:
        from ..publish.package import Package
        from ..publish.sqlite import write_sqlite

        name, version = release_name(root)
        write_sqlite(root, staging)
        package = Package.open(root)
        if EPOCH_TABLE in package.tables():
            shutil.copyfile(package.data_file(EPOCH_TABLE, "csv"), staging / f"{name}-{version}-{EPOCH_TABLE}.csv")
        if wheel:
            build_wheel(root, staging)

    return write


def cut_release(root: Path, dist: Path, pins: Path | None = None, repin: bool = False, wheel: bool | None = None) -> tuple[Path, Path]:
    """The release of the package at `root`, written to `dist` only if its published files match its inputs.

    `wheel` defaults to whether `pins` is the file the wheel ships (see the module's docstring).
    """
    stale = stale_files(root)
    if stale:
        raise BuildError([Problem(name, "", "", "out of date; run `make build` and commit before releasing") for name in stale])
    if wheel is None:
        wheel = pins is not None and pins.resolve() == pins_of(root).resolve()
    elif wheel and (pins is None or pins.resolve() != pins_of(root).resolve()):
        raise BuildError([Problem(str(pins), "", "", f"a wheel ships {pins_of(root)}; pin there (the default) or pass --no-wheel")])
    return build_release(root, dist, pins, repin, release_assets(root, wheel))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=CHECKOUT, help="package folder (default: this repository)")
    parser.add_argument("--dist", type=Path, default=None, help="output folder (default: ROOT/dist)")
    parser.add_argument("--pins", type=Path, default=None, help="where the zip's sha256 is pinned (default: ROOT/superclusters/releases.json)")
    parser.add_argument("--repin", action="store_true", help="replace an existing pin for this version (only if it was never published)")
    parser.add_argument("--no-wheel", action="store_true", help="do not build the wheel")
    parser.add_argument("--resum", action="store_true", help="only rewrite and check dist/v<version>/SHA256SUMS over the files there now")
    args = parser.parse_args(argv)
    dist = args.dist or args.root / "dist"
    pins = args.pins or pins_of(args.root)
    try:
        if args.resum:
            name, version = release_name(args.root)
            sums = resum(dist / f"v{version}", f"{name}-{version}.zip")
            print(f"wrote {sums}; checked")
            return 0
        archive, sums = cut_release(args.root, dist, pins, args.repin, wheel=False if args.no_wheel else None)
    except BuildError as exc:
        print(f"release failed, nothing written to the release folder. {exc}", file=sys.stderr)
        return 1
    digest = sha256_hex(archive.read_bytes())
    assets = sorted(line.split("  ", 1)[1] for line in sums.read_text(encoding="utf-8").splitlines() if "/" not in line.split("  ", 1)[1])
    shown = [a for a in assets if (archive.parent / a).is_file()]
    print(f"wrote {archive.parent}/: {', '.join(shown)} and {sums.name} ({archive.name}: {archive.stat().st_size} bytes, sha256 {digest}); checked")
    print(f"pinned {release_name(args.root)[1]} -> {digest} in {pins}; commit it with the release so the loader trusts this zip")
    if not any(a.endswith(".whl") for a in shown):
        print("no wheel built (the pins are not the checkout's superclusters/releases.json, or --no-wheel)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
