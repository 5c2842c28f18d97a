"""Generate a static website from the published package, so a reader can see every row inside its sentence.

The site is built ONLY from what a release carries (datapackage.json, data/,
schemas/, seeds/, figures/ and, when present, the release folder dist/v<version>/),
never from the build's inputs, so it shows exactly what was published and works on
an unpacked download. A download is not trusted: every path the descriptor, a
schema or SHA256SUMS names is checked (publish.verify.unsafe_path) before it is
read, every problem is reported at once, and the site is written into a fresh
folder and swapped in whole, so nothing is written outside --out and no half
site is left. It is driven by the package descriptor and the table schemas
rather than by a list of known tables, because tables and columns are added over
time: any table gets its table page, and

- a *span table* is any table whose schema has ``article_id``, ``char_start``
  and ``char_end``; each of its rows is highlighted in its article, as a layer
  (a table that restates other rows, with ``source_table`` and ``source_id``,
  is not one);
- *links* between tables and *entities* are found from the schemas and the data
  (references.py);
- the *profile table* (profile_facts, found by its columns) makes entity pages
  fact sheets (entities.py);
- list cells may arrive as Arrow lists or as delimiter-joined strings.

One module per page kind: articles, entities, tables, differ, downloads, home;
package.py reads the package, model.py holds what every page shares, sources.py
words a row's source and time in English, browser.py drives headless Chromium.

Offsets in the data are Unicode code points; the page's script converts them to
the UTF-16 units JavaScript uses, so ``#char=s,e`` selects exactly the quote.

Usage: python -m superclusters.site [--root DIR] [--out site] [--zip ZIP] [--screenshot PNG]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import BuildError, Problem, shown
from ..publish.figure import CAPTION
from . import tables
from .articles import _article_list, layers_css, tokens
from .articles import pages as article_pages
from .browser import chrome, screenshot
from .differ import claim_groups
from .downloads import release_downloads
from .entities import pages as entity_pages
from .home import CROISSANT, croissant_jsonld
from .model import Site, Span
from .names import safe, singular
from .package import Table, items, load_package, text
from .references import Entity

__all__ = ["Entity", "Site", "Span", "Table", "build_site", "chrome", "items", "load_package", "screenshot", "site_bytes", "text", "tokens", "zip_site"]

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
FIGURES = ("claims_by_source.png",)  # drawn by publish.figure from the published tables; shown when present


# --------------------------------------------------------------------------- rendering


def environment() -> Any:
    from jinja2 import Environment, FileSystemLoader

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["text"] = text
    env.filters["safe_id"] = safe
    env.filters["singular"] = singular
    return env


def render(site: Site) -> dict[str, bytes]:
    """Every file of the site, by its path inside the site: pages, static files and the published files themselves.

    Nothing is written here, so a problem found while rendering leaves no half-written site.
    """
    env = environment()
    files: dict[str, bytes] = {}

    def put(path: str, data: bytes) -> None:
        if path in files:  # two ids that map to one file would silently overwrite a page
            raise BuildError([Problem(path, "", "", "two pages or files of the site would have this path; expected distinct names")])
        files[path] = data

    for static in sorted(STATIC.iterdir()):
        put(f"static/{static.name}", static.read_bytes())
    for name, data in site.package.files.items():  # the published files themselves, so span URLs and downloads work on any host
        put(name, data)
    figures = []
    for name in FIGURES:
        data = site.package.optional(f"figures/{name}")
        if data is not None:
            put(f"figures/{name}", data)
            figures.append(name)
    downloads = release_downloads(site.package)
    croissant = croissant_jsonld(site.package)
    if croissant is not None:
        put(CROISSANT, croissant[0])
    for download in downloads["files"]:
        if download["copy"] is not None:
            put(download["href"], download["copy"])
    site.package.raise_if_any()

    title = site.descriptor.get("title") or site.descriptor.get("name", "dataset")
    common = {"site_title": text(title), "site": site, "tables": site.tables, "version": text(site.descriptor.get("version", ""))}

    def write(path: str, template: str, **values: Any) -> None:
        depth = path.count("/")
        put(path, env.get_template(template).render(root="../" * depth, page=path, **common, **values).encode("utf-8"))

    articles = _article_list(site)
    put("static/layers.css", layers_css(len(site.span_tables)).encode("utf-8"))
    for path, template, values in article_pages(site, articles):
        write(path, template, **values)
    for path, template, values in tables.pages(site):
        write(path, template, **values)
    for path, template, values in entity_pages(site, articles):
        write(path, template, **values)
    write("differ.html", "differ.html", groups=claim_groups(site), figures=figures, caption=CAPTION)
    write("downloads.html", "downloads.html", downloads=downloads)
    description = text(site.descriptor.get("description", ""))
    write("index.html", "index.html", articles=articles, description=description, jsonld=croissant[1] if croissant else None)
    return files


def build_site(root: Path, out: Path) -> Path:
    """Write the whole site into `out` from the package at `root`; return `out`.

    Raises BuildError, before anything is written, for a package the site may not trust (see
    package.load_package) or an `out` that is not a site this module wrote. The site is written
    into a fresh folder beside `out` and swapped in whole, so `out` is the old site or the new one.
    """
    try:
        if out.is_symlink() or (out.exists() and not out.is_dir()):
            raise BuildError([Problem(str(out), "", "", "is a link or a file; expected a folder for the site (--out)")])
        if out.exists() and any(out.iterdir()) and (not (out / "static" / "site.js").is_file() or out.resolve() == root.resolve()):
            raise BuildError([Problem(str(out), "", "", "is not empty and is not a site this module wrote; not replacing it (choose another --out)")])
    except OSError as exc:  # a name too long, a folder that cannot be listed
        raise _unwritable("--out", out, exc) from None
    files = render(Site(root))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:  # under a file, in /proc, read-only: nothing was made
        raise _unwritable("--out", out, exc) from None
    try:
        for path, data in sorted(files.items()):
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            (staging / path).write_bytes(data)
        staging.chmod(0o755)  # mkdtemp makes it private; a site is for reading
        if out.exists():
            old = out.parent / f"{staging.name}.old"
            os.replace(out, old)
            try:
                os.replace(staging, out)
            except OSError:
                os.replace(old, out)  # the old site back, whole
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile: the staging folder goes, `out` is as it was
        raise _unwritable("--out", out, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _reason(exc: OSError) -> str:
    """An OSError's reason for a message; "File exists" from a mkdir means a file stands where a folder must go."""
    return "a file stands where a folder must go" if isinstance(exc, FileExistsError) else str(exc.strerror or exc)


def _unwritable(option: str, path: Path, exc: OSError) -> BuildError:
    return BuildError([Problem(option, "", "", f"{shown(str(path))} cannot be written ({_reason(exc)}); expected a path you can create and write to")])


def zip_problem(target: Path) -> BuildError | None:
    """Why the site's zip cannot be written at `target` (--zip), checked before the site is built; None when it may."""
    try:
        if target.is_dir():
            return BuildError([Problem("--zip", "", "", f"{shown(str(target))} is a folder; expected the path of a zip file, e.g. dist/site.zip")])
        if os.path.lexists(target) and (target.is_symlink() or not target.is_file()):  # never swap out /dev/null, a FIFO or a link
            why = "is not a regular file (a link, device or FIFO); expected the path of a new or ordinary zip file"
            return BuildError([Problem("--zip", "", "", f"{shown(str(target))} {why}")])
    except OSError as exc:
        return _unwritable("--zip", target, exc)
    return None


def zip_site(out: Path, target: Path) -> Path:
    """The built site as a deterministic zip (the release's own zip rules), for attaching to a release; written
    whole or not at all (BuildError naming --zip)."""
    from ..publish.files import replace_file
    from ..publish.release import source_date_epoch, zip_bytes

    problem = zip_problem(target)
    if problem is not None:
        raise problem
    files = [(p.relative_to(out).as_posix(), p.read_bytes()) for p in sorted(out.rglob("*")) if p.is_file()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, zip_bytes(files, source_date_epoch()))  # entries at the root, as in the release zip
    except OSError as exc:
        raise _unwritable("--zip", target, exc) from None
    return target


def site_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="the published package folder (default: here, or an installed wheel's data)")
    parser.add_argument("--out", type=Path, default=Path("site"))
    parser.add_argument("--screenshot", type=Path, help="also save a PNG of an article page (needs Chromium and selenium)")
    parser.add_argument("--zip", type=Path, help="also write the site as a deterministic zip, e.g. dist/<name>-<version>-site.zip")
    args = parser.parse_args(list(argv) if argv is not None else None)
    installed = Path(__file__).resolve().parents[1] / "_data"  # an installed wheel's copy of the package
    root = args.root or (installed if not Path("datapackage.json").is_file() and (installed / "datapackage.json").is_file() else Path("."))
    try:
        import jinja2  # noqa: F401
    except ImportError:
        print("the site needs Jinja2: pip install 'ai-superclusters-2024[site]' (in a checkout, make site)", file=sys.stderr)
        return 1
    try:
        if args.zip and (problem := zip_problem(args.zip)) is not None:
            raise problem
        out = build_site(root, args.out)
    except BuildError as exc:
        print(f"site failed, nothing written. {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}/ ({site_bytes(out) // 1024} KB)")
    if args.zip:
        try:
            print(f"wrote {zip_site(out, args.zip)}")
        except BuildError as exc:
            print(f"site zip failed, nothing written to --zip. {exc}", file=sys.stderr)
            return 1
    if args.screenshot:
        print(f"wrote {screenshot(out, args.screenshot, '002_0336e88edfd704cd' if (out / 'seeds' / '002_0336e88edfd704cd.html').exists() else None)}")
    return 0
