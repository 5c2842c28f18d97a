"""Any value the build accepts is published as written, reads back and verifies, however long, whatever
it holds (issue 20: 4, 11).

pyarrow's CSV reader cut the files in 1 MiB blocks and failed on a longer row ("straddling object
straddles two block boundaries"), and without its quote-aware chunker on a line break inside a quoted
value ("CSV parser got out of sync with chunker"); Python's csv module refuses a field over 128 KiB.
"""

from __future__ import annotations

from pathlib import Path

from superclusters.build.pipeline import build, verify

READING = "readings/000_9792f8e7dbbae654.yaml"
NOTE = '    note: "A source label left from the page'


def _with_note(root: Path, note: str) -> None:
    path = root / READING
    text = path.read_text(encoding="utf-8")
    assert NOTE in text
    path.write_text(text.replace(NOTE, NOTE.replace('note: "', f'note: "{note}'), 1), encoding="utf-8")


def test_a_note_longer_than_a_csv_block_and_full_of_line_breaks_is_published_and_verifies(package_copy: Path) -> None:
    # 2.1 MB, under the 5 MB limit of a reading: one value longer than pyarrow's 1 MiB block, with line
    # breaks (a YAML escape) every so often, so the quoted value spans many lines of the CSV.
    _with_note(package_copy, ("Long note " * 1000 + "\\n") * 210)
    files = build(package_copy)
    note = "Long note " * 1000 + "\n"
    csv_text = (package_copy / "data" / "sentences.csv").read_text(encoding="utf-8") + (package_copy / "data" / "claims.csv").read_text(encoding="utf-8")
    assert note * 200 in csv_text.replace('""', '"'), "the note is published whole"
    assert "data/claims.csv" in files or "data/sentences.csv" in files
    assert verify(package_copy) == []


def test_a_gloss_that_looks_like_a_formula_is_published_as_written_and_the_stance_is_stated(package_copy: Path) -> None:
    """CSV formula injection: the CSV is data, so a cell beginning with =, +, - or @ is kept exactly (a
    leading ' would break the CSV = Parquet equality and the exact quotes); the descriptor, which data
    portals show beside each file, says so to spreadsheet users (docs/failures.md, "Security")."""
    import json

    import pyarrow.parquet as pq

    formula = '=HYPERLINK(\\"http://example.com\\",\\"x\\")'  # as YAML's double quotes escape it
    _with_note(package_copy, formula + " ")
    build(package_copy)
    cell = '=HYPERLINK("http://example.com","x") A source label left from the page'
    notes = [n for n in pq.read_table(package_copy / "data" / "sentences.parquet").column("note").to_pylist() if n and n.startswith(cell)]
    assert len(notes) == 1
    assert '"' + notes[0].replace('"', '""') + '"' in (package_copy / "data" / "sentences.csv").read_text(encoding="utf-8")
    assert verify(package_copy) == []  # the CSV equals the Parquet file cell by cell
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    notes = {r["description"] for r in descriptor["resources"] if r.get("format") == "csv"}
    assert len(notes) == 1 and "never a formula" in notes.pop()
