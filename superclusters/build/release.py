"""`make release`: refuse stale published files, then build, check and pin the release (publish.release).

Usage: python -m superclusters.build.release [--root DIR] [--dist DIR] [--pins FILE] [--repin]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import BuildError, Problem
from ..inputs import CHECKOUT
from ..inputs.seeds import sha256_hex
from ..publish.release import PINS, build_release, release_name
from .pipeline import stale_files


def cut_release(root: Path, dist: Path, pins: Path | None = None, repin: bool = False) -> tuple[Path, Path]:
    """The release of the package at `root`, written to `dist` only if its published files match its inputs."""
    stale = stale_files(root)
    if stale:
        raise BuildError([Problem(name, "", "", "out of date; run `make build` and commit before releasing") for name in stale])
    return build_release(root, dist, pins, repin)


def main(argv: list[str] | None = None) -> int:
    from ..publish import release

    parser = argparse.ArgumentParser(description=release.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = CHECKOUT
    parser.add_argument("--root", type=Path, default=here, help="package folder (default: this repository)")
    parser.add_argument("--dist", type=Path, default=None, help="output folder (default: ROOT/dist)")
    parser.add_argument("--pins", type=Path, default=PINS, help="where the zip's sha256 is pinned (default: superclusters/releases.json)")
    parser.add_argument("--repin", action="store_true", help="replace an existing pin for this version (only if it was never published)")
    args = parser.parse_args(argv)
    try:
        archive, sums = cut_release(args.root, args.dist or args.root / "dist", args.pins, args.repin)
    except BuildError as exc:
        print(f"release failed, nothing written. {exc}", file=sys.stderr)
        return 1
    digest = sha256_hex(archive.read_bytes())
    print(f"wrote {archive} ({archive.stat().st_size} bytes, sha256 {digest}) and {sums}; checked")
    print(f"pinned {release_name(args.root)[1]} -> {digest} in {args.pins}; commit it with the release so the loader trusts this zip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
