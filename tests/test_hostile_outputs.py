"""The descriptor's consumers (the SQLite export, the site, the loader, the release) on a hostile or damaged copy,
and their output options (--out, --zip, --dist) pointing somewhere unusable: every case answers with one-line
problems, promptly, never a traceback, never a file read or written outside the package or the output folder
(red-team findings D1-D7, D13, D15, D16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import superclusters
from superclusters.check.schemas import load_schemas
from superclusters.errors import BuildError
from superclusters.loader import LoaderError
from superclusters.publish.sqlite import write_sqlite
from superclusters.publish.verify import descriptor_problems

ROOT = Path(__file__).resolve().parent.parent
SYMLINK = "datapackage.json is a symlink; links are never followed"
NOT_REGULAR = "not a regular file (a folder, device or FIFO)"


def edit_descriptor(folder: Path, change) -> None:
    path = folder / "datapackage.json"
    value = json.loads(path.read_text(encoding="utf-8"))
    change(value)
    path.write_text(json.dumps(value), encoding="utf-8")


def resource(value: dict, name: str) -> dict:
    return next(r for r in value["resources"] if r["name"] == name)


def descriptor_lines(folder: Path) -> list[str]:
    """What `build.py --verify` says about the descriptor (its descriptor checks alone, which are quick)."""
    return [str(p) for p in descriptor_problems(folder, load_schemas(folder / "schemas"), complete=True)]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """A command of the package in a fresh process, with a deadline: a hang fails the test instead of blocking it."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def no_traceback(completed: subprocess.CompletedProcess) -> None:
    assert completed.returncode == 1, (completed.stdout, completed.stderr)
    assert "Traceback" not in completed.stderr, completed.stderr


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# --- D15: the descriptor's name never becomes a path ----------------------------------------------------


@pytest.mark.parametrize("name", ["../../pwned_by_name", "ABSOLUTE", {"a": 1}, ".hidden", "Upper"])
def test_sqlite_takes_only_a_valid_package_name_and_verify_flags_any_other(package_copy, tmp_path, name):
    target = tmp_path / "elsewhere" / "abs_pwn"
    name = str(target) if name == "ABSOLUTE" else name
    edit_descriptor(package_copy, lambda d: d.update(name=name))
    out = tmp_path / "deep" / "er" / "out"
    out.mkdir(parents=True)
    with pytest.raises(BuildError, match="datapackage.json: name: .* is not a valid name; expected a Data Package name"):
        write_sqlite(package_copy, out)
    assert not list(tmp_path.rglob("*.sqlite")) and not (tmp_path / "elsewhere").exists()
    assert not list(out.iterdir())
    assert any(line.startswith("datapackage.json: name: ") and "not a valid name" in line for line in descriptor_lines(package_copy))


def test_the_published_descriptor_passes_the_new_checks():
    assert descriptor_lines(ROOT) == []


# --- D6, D7: the descriptor itself is never read through a link, nor from a FIFO ------------------------------


def test_a_symlinked_descriptor_is_refused_by_the_loader_and_the_sqlite_export(package_copy, tmp_path):
    outside = tmp_path / "outside.json"
    os.replace(package_copy / "datapackage.json", outside)
    (package_copy / "datapackage.json").symlink_to(outside)
    with pytest.raises(LoaderError, match=SYMLINK):
        superclusters.load("claims", data_dir=package_copy)
    with pytest.raises(LoaderError, match=SYMLINK):
        superclusters.list_tables(data_dir=package_copy / "data")
    with pytest.raises(BuildError, match=SYMLINK):
        write_sqlite(package_copy, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_the_bare_parquet_folder_never_follows_a_link(tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "events.parquet").symlink_to(ROOT / "data" / "events.parquet")
    with pytest.raises(LoaderError, match=r"events\.parquet is a symlink; links are never followed"):
        superclusters.load("events", data_dir=bare)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_descriptor_is_refused_at_once(package_copy, tmp_path):
    (package_copy / "datapackage.json").unlink()
    os.mkfifo(package_copy / "datapackage.json")
    export = run("-m", "superclusters.publish.sqlite", "--root", str(package_copy), "--out", str(tmp_path / "out"))
    no_traceback(export)
    assert f"datapackage.json: {NOT_REGULAR}" in export.stderr, export.stderr
    code = (
        "import superclusters\n"
        f"try:\n    superclusters.load('claims', data_dir={str(package_copy)!r})\nexcept superclusters.LoaderError as exc:\n    print(exc)"
    )
    loader = run("-c", code)
    assert f"datapackage.json: {NOT_REGULAR}" in loader.stdout, (loader.stdout, loader.stderr)
    assert "Parquet" not in loader.stdout  # no fall back to a bare Parquet folder


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_read_json_never_waits_on_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "x.json")
    code = (
        "from pathlib import Path\nfrom superclusters.publish.package import read_json, PackageError\n"
        f"try:\n    read_json(Path({str(tmp_path / 'x.json')!r}), 'x.json')\nexcept PackageError as exc:\n    print(exc)"
    )
    answer = run("-c", code, timeout=60)
    assert answer.stdout.startswith(f"x.json: {NOT_REGULAR}"), (answer.stdout, answer.stderr)


# --- D5: untrusted values are quoted, never echoed raw ------------------------------------------------


ESCAPE = "\x1b[2K\x1b[1A\x1b[2K\rpublished files are valid\x1b[8m"


def test_verify_quotes_a_hostile_hash_and_name(package_copy):
    def change(d):
        resource(d, "claims")["hash"] = ESCAPE
        resource(d, "events")["hash"] = "sha256:" + "0" * 64 + "\n"
        bad = resource(d, "relations")
        bad["name"], bad["path"] = "\x1b[31mRED\nfake line", "../x"

    edit_descriptor(package_copy, change)
    lines = descriptor_lines(package_copy)
    assert f"data/claims.csv: hash: file does not match datapackage.json's {ESCAPE!r}" in lines
    assert any(line.startswith("data/events.csv: hash:") and line.endswith("\\n'") for line in lines), lines
    assert any(line.startswith("datapackage.json: resources[8] ('\\x1b[31mRED\\nfake line'): path:") for line in lines), lines
    assert not any("\x1b" in line or "\n" in line or "\r" in line for line in lines), lines


def test_the_site_quotes_a_hostile_resource_name(package_copy):
    from superclusters.site.package import load_package

    def change(d):
        bad = resource(d, "claims")
        bad["name"], bad["path"] = "\x1b[31mRED\nfake line", "../x"

    edit_descriptor(package_copy, change)
    with pytest.raises(BuildError) as caught:
        load_package(package_copy)
    lines = str(caught.value).splitlines()[1:]
    assert any("('\\x1b[31mRED\\nfake line'): path:" in line for line in lines), lines
    assert not any("\x1b" in line for line in lines) and all(line.startswith("  - ") for line in lines), lines


# --- D16: malformed metadata is a problem line, in the site, the export and --verify ------------------------------


MALFORMED = {
    "sources of text": (lambda d: d.update(sources=["x"]), "datapackage.json: sources[0]: got 'x'; expected an object"),
    "a source's path a number": (lambda d: d.update(sources=[{"path": 5}]), "datapackage.json: sources[0]: path: got 5; expected text"),
    "sources a string": (lambda d: d.update(sources="abc"), "datapackage.json: sources: got 'abc'; expected a list of objects"),
    "licenses a string": (lambda d: d.update(licenses="x"), "datapackage.json: licenses: got 'x'; expected a list of objects"),
    "a licence a number": (lambda d: d.update(licenses=[5]), "datapackage.json: licenses[0]: got 5; expected an object"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_metadata_is_one_line_in_the_site_the_export_and_verify(package_copy, tmp_path, case):
    from superclusters.site.package import load_package

    change, line = MALFORMED[case]
    edit_descriptor(package_copy, change)
    assert any(found.startswith(line) for found in descriptor_lines(package_copy)), descriptor_lines(package_copy)
    with pytest.raises(BuildError) as caught:
        load_package(package_copy)
    assert line in str(caught.value)
    with pytest.raises(BuildError) as caught:
        write_sqlite(package_copy, tmp_path / "out")
    assert line in str(caught.value)
    assert not list(tmp_path.rglob("*.sqlite"))


def test_malformed_licences_are_one_line_in_the_card(package_copy, capsys):
    from superclusters.publish.card import main

    edit_descriptor(package_copy, lambda d: d.update(licenses=[5]))
    assert main(["--root", str(package_copy)]) == 1
    one_problem(capsys.readouterr().err, "card failed, nothing written.", "datapackage.json")


def test_a_table_sqlite_reserves_is_a_problem_not_a_traceback(package_copy, tmp_path):
    def change(d):
        resource(d, "claims")["name"] = "sqlite_master"
        resource(d, "claims-parquet")["name"] = "sqlite_master-parquet"

    edit_descriptor(package_copy, change)
    with pytest.raises(BuildError, match=r"sqlite_master: names a table SQLite reserves"):
        write_sqlite(package_copy, tmp_path / "out")


@pytest.mark.parametrize("bad", ['cl"aims', "../../tblpwn", "Claims"])
def test_resource_names_that_are_not_valid_are_not_tables(package_copy, bad):
    def change(d):
        resource(d, "claims")["name"] = bad
        resource(d, "claims-parquet")["name"] = f"{bad}-parquet"

    edit_descriptor(package_copy, change)
    tables = superclusters.list_tables(data_dir=package_copy)
    assert bad not in tables and "events" in tables
    assert any(line.startswith("datapackage.json: resources[4]: name: ") and "not a valid name" in line for line in descriptor_lines(package_copy))


def test_verify_flags_two_resources_of_one_name(package_copy):
    edit_descriptor(package_copy, lambda d: d["resources"].append(dict(resource(d, "claims"))))
    assert any("another resource has this name; expected unique names" in line for line in descriptor_lines(package_copy))


# --- D1, D2, D3, D4: an unusable output option is one line naming it, and nothing is written ----------------------------


@pytest.fixture
def afile(tmp_path) -> Path:
    path = tmp_path / "afile"
    path.write_text("in the way\n")
    return path


def one_problem(stderr: str, start: str, option: str) -> None:
    lines = stderr.strip().splitlines()
    assert lines[0].startswith(start) and len(lines) == 2 and lines[1].startswith(f"  - {option}: "), stderr


def test_site_out_under_a_file_is_one_line(afile, capsys):
    from superclusters.site import main

    assert main(["--root", str(ROOT), "--out", str(afile / "site")]) == 1
    one_problem(capsys.readouterr().err, "site failed, nothing written.", "--out")
    assert afile.read_text() == "in the way\n"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc (Linux)")
def test_site_out_in_proc_is_one_line(capsys):
    from superclusters.site import main

    assert main(["--root", str(ROOT), "--out", "/proc/no-such-site"]) == 1
    one_problem(capsys.readouterr().err, "site failed, nothing written.", "--out")


def test_site_zip_a_folder_or_under_a_file_is_one_line(tmp_path, afile, capsys):
    from superclusters.site import main

    assert main(["--root", str(ROOT), "--out", str(tmp_path / "site"), "--zip", str(tmp_path)]) == 1
    one_problem(capsys.readouterr().err, "site failed, nothing written.", "--zip")
    assert not (tmp_path / "site").exists()  # refused before the site was built
    assert main(["--root", str(ROOT), "--out", str(tmp_path / "site"), "--zip", str(afile / "x.zip")]) == 1
    err = capsys.readouterr().err
    one_problem(err, "site zip failed, nothing written to --zip.", "--zip")
    assert afile.read_text() == "in the way\n" and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_sqlite_out_unusable_is_one_line(afile, capsys):
    from superclusters.publish.sqlite import main

    assert main(["--root", str(ROOT), "--out", str(afile / "x")]) == 1
    one_problem(capsys.readouterr().err, "sqlite export failed, nothing written.", "--out")
    if Path("/proc/self").is_dir():
        assert main(["--root", str(ROOT), "--out", "/proc/x.sqlite"]) == 1
        one_problem(capsys.readouterr().err, "sqlite export failed, nothing written.", "--out")


def test_release_dist_unusable_is_one_line(tmp_path, afile, capsys):
    from superclusters.build.release import main

    pins = tmp_path / "pins.json"
    assert main(["--root", str(ROOT), "--dist", str(afile / "d"), "--pins", str(pins), "--no-wheel"]) == 1
    one_problem(capsys.readouterr().err, "release failed, nothing written to the release folder.", "--dist")
    assert not pins.exists() and afile.read_text() == "in the way\n"


# --- D13: data_dir= that cannot be looked at ---------------------------------------------------------------


def test_a_data_dir_that_cannot_be_stated_is_a_loader_error(tmp_path):
    with pytest.raises(LoaderError, match=r"data_dir='.* cannot be read \(File name too long\)"):
        superclusters.load("claims", data_dir=str(tmp_path / ("a" * 300)))


def test_a_folder_without_the_table_gets_no_reinstall_advice(tmp_path):
    with pytest.raises(LoaderError) as caught:
        superclusters.load("claims", data_dir=tmp_path)
    message = str(caught.value)
    assert "holds no datapackage.json and no claims.parquet" in message and "reinstall" not in message, message


# --- a third red team: a hostile Table Schema, and offsets that are not numbers --------------------------

SCHEMA_SHAPES = {
    "a field without a name": lambda s: s["fields"].append({"type": "string"}),
    "a name that is a number": lambda s: s["fields"][0].update(name=5),
    "constraints that are a list": lambda s: s["fields"][0].update(constraints=["required"]),
    "a type that is a list": lambda s: s["fields"][0].update(type=["string"]),
    "foreign keys that are text": lambda s: s.update(foreignKeys="x"),
    "foreign keys of texts": lambda s: s.update(foreignKeys=["x"]),
    "a primary key of a missing column": lambda s: s.update(primaryKey=["no_such_column"]),
    "an empty delimiter": lambda s: s["fields"][1].update(type="list", delimiter=""),
    "a pattern that is no regular expression": lambda s: s["fields"][0].setdefault("constraints", {}).update(pattern="(["),
    "a minimum that is text": lambda s: next(f for f in s["fields"] if f["type"] == "integer").setdefault("constraints", {}).update(minimum="x"),
    "a foreign key without fields": lambda s: s["foreignKeys"][0].update(fields=[]),
    "a foreign key to an unknown table": lambda s: s["foreignKeys"][0]["reference"].update(resource="nowhere"),
}


@pytest.mark.parametrize("change", SCHEMA_SHAPES.values(), ids=SCHEMA_SHAPES.keys())
def test_a_hostile_table_schema_in_the_packages_own_schemas_is_a_problem_line_for_the_build(package_copy: Path, change) -> None:
    from tests.conftest import problems_of

    path = package_copy / "schemas" / "claims.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert any(line.startswith("schemas/claims.json") for line in problems_of(package_copy))


def test_a_primary_key_given_as_one_name_is_read_as_a_list(package_copy: Path) -> None:
    """Table Schema allows `"primaryKey": "claim_id"`; the build sorted by each of its characters (KeyError: 'c')."""
    from tests.conftest import problems_of

    path = package_copy / "schemas" / "claims.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    (key,) = schema["primaryKey"]
    schema["primaryKey"] = key
    path.write_text(json.dumps(schema), encoding="utf-8")
    assert not [line for line in problems_of(package_copy) if "schemas/claims.json" not in line and "hash" not in line]


@pytest.mark.parametrize("change", SCHEMA_SHAPES.values(), ids=SCHEMA_SHAPES.keys())
def test_a_hostile_table_schema_is_one_line_in_verify_and_the_sqlite_export(package_copy: Path, tmp_path: Path, change) -> None:
    """The SQLite export and `--verify` read the schema files a package names: each shape they could not read
    was a KeyError, AttributeError or TypeError deep inside them (the site already refused it in one line)."""
    path = package_copy / "schemas" / "claims.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    change(schema)
    path.write_text(json.dumps(schema), encoding="utf-8")
    exported = run("-m", "superclusters.publish.sqlite", "--root", str(package_copy), "--out", str(tmp_path / "sqlite"))
    no_traceback(exported)
    assert "claims" in exported.stdout + exported.stderr and not (tmp_path / "sqlite").exists() or not any((tmp_path / "sqlite").iterdir())
    verified = run("build.py", "--verify", "--root", str(package_copy))
    no_traceback(verified)
    assert "schemas/claims.json" in verified.stdout + verified.stderr


def test_the_site_draws_a_claims_table_whose_offsets_are_text_without_a_traceback(package_copy: Path, tmp_path: Path) -> None:
    """A claims table without article_id is no span table, so its offsets were never checked, and the page of
    claim groups took int() of them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = package_copy / "data" / "claims.parquet"
    table = pq.read_table(data).drop(["article_id"])
    table = table.set_column(table.schema.get_field_index("char_start"), "char_start", pa.array(["x"] * len(table)))
    pq.write_table(table, data)
    path = package_copy / "schemas" / "claims.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "article_id"]
    for field in schema["fields"]:
        if field["name"] == "char_start":
            field["type"] = "string"
            field.pop("constraints", None)
    schema["foreignKeys"] = [k for k in schema["foreignKeys"] if "article_id" not in json.dumps(k["fields"])]
    schema["primaryKey"] = [k for k in schema["primaryKey"] if k != "article_id"]
    path.write_text(json.dumps(schema), encoding="utf-8")
    drawn = run("-m", "superclusters.site", "--root", str(package_copy), "--out", str(tmp_path / "site"))
    assert "Traceback" not in drawn.stderr, drawn.stderr


def test_the_site_zip_never_replaces_a_fifo_or_a_link(tmp_path: Path) -> None:
    """`--zip /dev/null` as root swapped the system's /dev/null for the zip: only a new or ordinary file is written."""
    fifo, victim, link = tmp_path / "pipe", tmp_path / "victim.txt", tmp_path / "link.zip"
    os.mkfifo(fifo)
    victim.write_text("keep me\n")
    link.symlink_to(victim)
    for target in (fifo, link):
        drawn = run("-m", "superclusters.site", "--root", str(ROOT), "--out", str(tmp_path / f"site-{target.name}"), "--zip", str(target))
        no_traceback(drawn)
        assert "not a regular file" in drawn.stdout + drawn.stderr
    assert fifo.is_fifo() and link.is_symlink() and victim.read_text() == "keep me\n"


def test_the_loader_answers_a_hostile_parquet_file_with_a_loader_error(package_copy: Path) -> None:
    """Pandas metadata of the wrong shape was a KeyError, a timezone-aware date column a TypeError (a third red team)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    data = package_copy / "data" / "claims.parquet"
    table = pq.read_table(data)
    pq.write_table(table.replace_schema_metadata({b"pandas": b'{"columns": 5}'}), data)
    with pytest.raises(LoaderError, match="is not a readable Parquet file"):
        superclusters.load("claims", data_dir=str(package_copy))
    i = table.schema.get_field_index("time_start")
    aware = pc.cast(pc.cast(table["time_start"], pa.timestamp("ms")), pa.timestamp("ms", tz="UTC"))
    pq.write_table(table.set_column(i, "time_start", aware), data)
    with pytest.raises(LoaderError, match=r"column time_start holds values that are not dates \([^\n]*\); reinstall") as caught:
        superclusters.load("claims", data_dir=str(package_copy))
    assert "\n" not in str(caught.value)


def test_a_seeds_stated_size_is_never_the_read_size_beyond_the_seed_limit(package_copy: Path) -> None:
    def huge(value: dict) -> None:
        for r in value["resources"]:
            if str(r.get("path", "")).startswith("seeds/"):
                r["bytes"] = 10**30

    edit_descriptor(package_copy, huge)
    claims = superclusters.load("claims", data_dir=str(package_copy))
    span = claims["span_url"].iloc[0]
    assert superclusters.span_text(span, data_dir=str(package_copy)) == claims["quote"].iloc[0]
