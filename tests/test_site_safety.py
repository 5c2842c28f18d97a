"""The site on a hostile or broken download: every path a descriptor, a schema or SHA256SUMS names is checked
before it is read, bad input gives problem lines and exit 1 (never a traceback), and nothing is written outside
--out, nor half a site inside it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from superclusters.site import main
from tests.test_site import synthetic_package

ROOT = Path(__file__).resolve().parent.parent


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (links as their target's text), to compare before and after a run."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[path.relative_to(folder).as_posix()] = os.readlink(path).encode()
        elif path.is_file():
            out[path.relative_to(folder).as_posix()] = path.read_bytes()
    return out


def descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def save(package: Path, data: dict) -> None:
    (package / "datapackage.json").write_text(json.dumps(data), encoding="utf-8")


def resource(data: dict, name: str) -> dict:
    return next(r for r in data["resources"] if r["name"] == name)


def outside_file(package: Path) -> Path:
    secret = package.parent / "secret.txt"
    secret.write_text("organisation_id,name\nleak,SECRET\n", encoding="utf-8")
    return secret


def path_up(package: Path) -> None:
    outside_file(package)
    data = descriptor(package)
    resource(data, "organisations")["path"] = "../secret.txt"
    save(package, data)


def path_absolute(package: Path) -> None:
    data = descriptor(package)
    resource(data, "organisations")["path"] = str(outside_file(package))
    save(package, data)


def path_linked(package: Path) -> None:
    (package / "data" / "organisations.csv").unlink()
    (package / "data" / "organisations.csv").symlink_to(outside_file(package))


def seed_up(package: Path) -> None:
    data = descriptor(package)
    (package.parent / "outside.txt").write_text("not a seed", encoding="utf-8")
    data["resources"].append({"name": "seed-evil", "type": "file", "path": "seeds/../../outside.txt", "format": "txt"})
    save(package, data)


def seed_linked_without_descriptor(package: Path) -> None:
    data = descriptor(package)
    data["resources"] = [r for r in data["resources"] if not r["path"].startswith("seeds/")]
    save(package, data)
    (package / "seeds" / "syn.txt").unlink()
    (package / "seeds" / "syn.txt").symlink_to(outside_file(package))


def schema_up(package: Path) -> None:
    (package.parent / "schema.json").write_text(json.dumps({"fields": [{"name": "organisation_id"}, {"name": "name"}]}), encoding="utf-8")
    data = descriptor(package)
    resource(data, "organisations")["schema"] = "../schema.json"
    save(package, data)


def name_up(package: Path) -> None:
    data = descriptor(package)
    resource(data, "organisations")["name"] = "../../../escaped"
    save(package, data)


def name_index(package: Path) -> None:
    data = descriptor(package)
    resource(data, "organisations")["name"] = "index"
    save(package, data)


def descriptor_not_json(package: Path) -> None:
    (package / "datapackage.json").write_text('{"resources": [', encoding="utf-8")


def descriptor_nested(package: Path) -> None:
    (package / "datapackage.json").write_text('{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")


def seed_too_large(package: Path) -> None:
    from superclusters.inputs.limits import MAX_SEED_BYTES

    (package / "seeds" / "syn.txt").write_text("x" * (MAX_SEED_BYTES + 1), encoding="utf-8")


def croissant_nested(package: Path) -> None:
    (package / "croissant.json").write_text('{"@context": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")


def descriptor_linked(package: Path) -> None:
    target = package.parent / "elsewhere.json"
    (package / "datapackage.json").rename(target)
    (package / "datapackage.json").symlink_to(target)


def schema_not_a_schema(package: Path) -> None:
    data = descriptor(package)
    resource(data, "organisations")["schema"] = {"fields": "organisation_id"}
    save(package, data)


def parquet_garbage(package: Path) -> None:
    (package / "data" / "events.parquet").write_bytes(b"PAR1 not really")


def csv_bad_integer(package: Path) -> None:
    data = descriptor(package)
    resource(data, "organisations")["schema"]["fields"][1]["type"] = "integer"
    save(package, data)


def span_outside_the_seed(package: Path) -> None:
    import pyarrow.parquet as pq

    rows = pq.read_table(package / "data" / "events.parquet").to_pylist()
    rows[0]["char_end"] = 10_000
    pq.write_table(pq.read_table(package / "data" / "events.parquet").from_pylist(rows), package / "data" / "events.parquet")


def span_not_a_number(package: Path) -> None:
    data = descriptor(package)
    data["resources"].append(
        {
            "name": "notes",
            "type": "table",
            "path": "data/notes.csv",
            "format": "csv",
            "schema": {"fields": [{"name": n, "type": "string"} for n in ("note_id", "article_id", "char_start", "char_end")]},
        }
    )
    (package / "data" / "notes.csv").write_text("note_id,article_id,char_start,char_end\nn1,syn,ten,12\n", encoding="utf-8")
    save(package, data)


def column_missing(package: Path) -> None:
    (package / "data" / "organisations.csv").write_text("name\nTesla\n", encoding="utf-8")


def figure_linked(package: Path) -> None:
    (package / "figures").mkdir()
    (package / "figures" / "claims_by_source.png").symlink_to(outside_file(package))


def release_asset_linked(package: Path) -> None:
    folder = package / "dist" / "v1"
    folder.mkdir(parents=True)
    secret = outside_file(package)
    (folder / "evil.zip").symlink_to(secret)
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    (folder / "SHA256SUMS").write_text(f"{digest}  evil.zip\n", encoding="utf-8")
    data = descriptor(package)
    data["version"] = "1"
    save(package, data)


def release_asset_altered(package: Path) -> None:
    folder = package / "dist" / "v1"
    folder.mkdir(parents=True)
    (folder / "synthetic-1.zip").write_bytes(b"altered")
    (folder / "SHA256SUMS").write_text(f"{hashlib.sha256(b'original').hexdigest()}  synthetic-1.zip\n", encoding="utf-8")
    data = descriptor(package)
    data["version"] = "1"
    save(package, data)


def version_up(package: Path) -> None:
    (package.parent / "SHA256SUMS").write_text(f"{hashlib.sha256(b'x').hexdigest()}  secret.txt\n", encoding="utf-8")
    outside_file(package)
    (package / "dist" / "v").mkdir(parents=True)  # dist/v/../../../SHA256SUMS is then a real path, outside the package
    data = descriptor(package)
    data["version"] = "/../../.."
    save(package, data)


HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "a resource path with ..": (path_up, "contains '..'"),
    "an absolute resource path": (path_absolute, "is absolute"),
    "a data file linked outside": (path_linked, "is a symlink"),
    "a seed path with ..": (seed_up, "contains '..'"),
    "a linked seed found by listing seeds/": (seed_linked_without_descriptor, "is a symlink"),
    "a schema path with ..": (schema_up, "contains '..'"),
    "a resource name with ..": (name_up, "cannot name a page"),
    "a resource named index": (name_index, "cannot name a page"),
    "a descriptor that is not JSON": (descriptor_not_json, "invalid JSON"),
    "a descriptor nested 100,000 deep": (descriptor_nested, "levels deep or more"),
    "a linked descriptor": (descriptor_linked, "is a symlink"),
    "a seed larger than any article": (seed_too_large, "MAX_SEED_BYTES"),
    "a Croissant record nested 100,000 deep": (croissant_nested, "levels deep or more"),
    "a schema that is not a Table Schema": (schema_not_a_schema, "expected a list of objects"),
    "a Parquet file that is not Parquet": (parquet_garbage, "cannot be read as Parquet"),
    "a CSV cell that is not its column's type": (csv_bad_integer, "cannot be read as CSV"),
    "a span beyond its seed": (span_outside_the_seed, "expected whole offsets"),
    "a span offset that is not a number": (span_not_a_number, "expected whole offsets"),
    "a file without its key column": (column_missing, "are missing from the file"),
    "a linked figure": (figure_linked, "is a symlink"),
    "a linked release asset": (release_asset_linked, "is a symlink"),
    "a release asset that does not match SHA256SUMS": (release_asset_altered, "does not match SHA256SUMS"),
    "a version that climbs out of dist/": (version_up, "contains '..'"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_package_is_refused_with_problem_lines_and_nothing_is_written(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = synthetic_package(tmp_path / "package")
    spoil, expected = HOSTILE[case]
    spoil(package)
    out = tmp_path / "site"
    before = tree(tmp_path)
    assert main(["--root", str(package), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert expected in err and "site failed, nothing written" in err, err
    assert "Traceback" not in err
    assert tree(tmp_path) == before  # nothing written anywhere: no site, no staging folder, no copy outside
    assert not out.exists()


def test_a_failed_run_leaves_the_previous_site_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = synthetic_package(tmp_path / "package")
    out = tmp_path / "site"
    assert main(["--root", str(package), "--out", str(out)]) == 0
    previous = tree(out)
    path_up(package)
    assert main(["--root", str(package), "--out", str(out)]) == 1
    assert tree(out) == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package", "secret.txt", "site"]  # no staging folder left


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = synthetic_package(tmp_path / "package")
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious", encoding="utf-8")
    assert main(["--root", str(package), "--out", str(out)]) == 1
    assert "is not a site this module wrote" in capsys.readouterr().err
    assert tree(out) == {"thesis.tex": b"precious"}


def test_the_command_line_prints_problems_not_a_traceback(tmp_path: Path) -> None:
    package = synthetic_package(tmp_path / "package")
    path_up(package)
    run = subprocess.run(
        [sys.executable, "-m", "superclusters.site", "--root", str(package), "--out", str(tmp_path / "site")], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "datapackage.json: resources[" in run.stderr and "path: path '../secret.txt' contains '..'" in run.stderr, run.stderr
    assert not (tmp_path / "site").exists()
