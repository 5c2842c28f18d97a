"""The CSV writer (Arrow kernels, `publish.files.csv_bytes_arrow`) must give exactly the bytes of a row-by-row
writer through `_cell` and the csv module (and, for carriage returns, of Python's own quoting rule)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from superclusters.check.schemas import field_names, list_fields
from superclusters.publish.files import _cell, csv_bytes_arrow

ROOT = Path(__file__).resolve().parent.parent


def reference_csv(df: Any, schema: dict) -> bytes:
    """The writer before issue 13: itertuples and `_cell` per cell, through the csv module. (That module quotes
    a carriage return only from CPython 3.11.9 and 3.12.3 on; the cells given to it here hold none, and
    `test_a_carriage_return_is_quoted_and_reads_back` covers them.)"""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(field_names(schema))
    delimiters = [list_fields(schema).get(name, "|") for name in field_names(schema)]
    for row in df.itertuples(index=False, name=None):
        writer.writerow([_cell(v, d) for v, d in zip(row, delimiters, strict=True)])
    return buffer.getvalue().encode("utf-8")


SCHEMA = {
    "fields": [
        {"name": "s", "type": "string"},
        {"name": "i", "type": "integer"},
        {"name": "f", "type": "number"},
        {"name": "b", "type": "boolean"},
        {"name": "d", "type": "date"},
        {"name": "l", "type": "list", "delimiter": ";"},
    ]
}


def odd_frame() -> pd.DataFrame:
    """Every kind of cell the tables hold, and the awkward ones: NA, NaN, quotes, newlines, empty lists."""
    return pd.DataFrame(
        {
            "s": pd.Series(["plain", 'a "quoted", comma', "line\nbreak", pd.NA, "", "ünï ✓"], dtype="string"),
            "i": pd.Series([0, -5, pd.NA, 2**40, 7, 1], dtype="Int64"),
            "f": pd.Series([1.0, 1.5, float("nan"), 1e20, -0.0, 3.25], dtype="float64"),
            "b": pd.Series([True, False, pd.NA, True, False, True], dtype="boolean"),
            "d": pd.Series([date(2024, 8, 26), None, date(1999, 1, 1), None, None, date(2024, 1, 2)], dtype="object"),
            "l": pd.Series([["a", "b"], [], None, ["x;y"], ["only"], np.array(["n", "p"], dtype=object)], dtype="object"),
        }
    )


def python_csv(texts: list) -> bytes:
    """The s column of `_frame_of_texts` rows as Python's quoting rule writes it (RFC 4180: a cell holding a comma,
    a double quote, a line feed or a carriage return in double quotes, its quotes doubled), the other columns as
    `_frame_of_texts` fills them; the reference for carriage returns, which the csv module quotes only on newer CPython."""
    lines = ["s,i,f,b,d,l"]
    for t in texts:
        cell = "" if t is None else t
        cell = '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell
        listed = _cell([t], ";") if t and ";" not in t else ""
        listed = '"' + listed.replace('"', '""') + '"' if any(c in listed for c in ',"\n\r') else listed
        lines.append(f"{cell},1,1.5,true,,{listed}")
    return "".join(line + "\n" for line in lines).encode("utf-8")


def test_empty_table_and_wrong_width() -> None:
    assert csv_bytes_arrow(_arrow(odd_frame().iloc[0:0], SCHEMA), SCHEMA) == reference_csv(odd_frame().iloc[0:0], SCHEMA) == b"s,i,f,b,d,l\n"
    with pytest.raises(ValueError):
        csv_bytes_arrow(_arrow(odd_frame(), SCHEMA).drop_columns(["l"]), SCHEMA)


def test_real_tables_are_written_as_the_row_by_row_writer_writes_them(package_tables, package_staged) -> None:
    """Every published table, as the build wrote it and as read back from its Parquet file: the CSV file's bytes."""
    tables, schemas = package_tables
    for name, table in tables.items():
        back = table.to_pandas()
        assert csv_bytes_arrow(table, schemas[name]) == reference_csv(back, schemas[name]) == package_staged.files[f"data/{name}.csv"], name


def _arrow(df: pd.DataFrame, schema: dict) -> pa.Table:
    from superclusters.check.schemas import arrow_schema

    return pa.Table.from_pandas(df, schema=arrow_schema(schema), preserve_index=False)


def test_the_arrow_writer_gives_the_same_bytes_on_odd_cells_and_real_tables(package_frames) -> None:
    """The build writes CSV with Arrow kernels (publish.csv_bytes_arrow): it must give the csv module's bytes."""
    df = odd_frame()
    assert csv_bytes_arrow(_arrow(df, SCHEMA), SCHEMA) == reference_csv(df, SCHEMA)
    assert csv_bytes_arrow(_arrow(df, SCHEMA), SCHEMA, header=False) == reference_csv(df, SCHEMA).split(b"\n", 1)[1]
    assert csv_bytes_arrow(_arrow(df.iloc[0:0], SCHEMA), SCHEMA) == b"s,i,f,b,d,l\n"
    frames, schemas = package_frames
    for name, frame_ in frames.items():
        assert csv_bytes_arrow(_arrow(frame_, schemas[name]), schemas[name]) == reference_csv(frame_, schemas[name]), name
        # a slice (non-zero offset into the Arrow buffers), as the streamed build's batches may be
        part = frame_.iloc[1:]
        assert csv_bytes_arrow(_arrow(part, schemas[name]).slice(0), schemas[name]) == reference_csv(part, schemas[name]), name
        assert csv_bytes_arrow(_arrow(frame_, schemas[name]).slice(1), schemas[name]) == reference_csv(part, schemas[name]), name


try:
    from hypothesis import given
    from hypothesis import strategies as st

    # Text that exercises quoting: the delimiter, quotes, line feeds, carriage returns, tabs, spaces, non-ASCII.
    _TEXT = st.text(alphabet=st.sampled_from(list(',"\n\t ;|aé✓\x1c\x85')), max_size=8)
    _TEXT_CR = st.text(alphabet=st.sampled_from(list(',"\n\r\t ;|aé✓\x1c\x85')), max_size=8)

    @given(
        st.lists(
            st.tuples(
                st.one_of(st.none(), _TEXT),
                st.one_of(st.none(), st.integers(-(2**62), 2**62)),
                st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=False, width=64)),
                st.one_of(st.none(), st.booleans()),
                st.one_of(st.none(), st.dates()),
                st.one_of(st.none(), st.lists(_TEXT.filter(bool), min_size=1, max_size=3)),
            ),
            max_size=12,
        )
    )
    def test_the_arrow_writer_gives_the_same_bytes_on_generated_cells(rows) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [[]] * 6
        df = pd.DataFrame(
            {
                "s": pd.Series(columns[0], dtype="string"),
                "i": pd.Series(columns[1], dtype="Int64"),
                "f": pd.Series([float("nan") if v is None else v for v in columns[2]], dtype="float64"),
                "b": pd.Series(columns[3], dtype="boolean"),
                "d": pd.Series(columns[4], dtype="object"),
                "l": pd.Series(columns[5], dtype="object"),
            }
        )
        assert csv_bytes_arrow(_arrow(df, SCHEMA), SCHEMA) == reference_csv(df, SCHEMA)

except ImportError:  # pragma: no cover - hypothesis is pinned in the test extra
    pass


def _frame_of_texts(texts: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "s": pd.Series(texts, dtype="string"),
            "i": pd.Series([1] * len(texts), dtype="Int64"),
            "f": pd.Series([1.5] * len(texts), dtype="float64"),
            "b": pd.Series([True] * len(texts), dtype="boolean"),
            "d": pd.Series([None] * len(texts), dtype="object"),
            "l": pd.Series([[t] if t and ";" not in t else None for t in texts], dtype="object"),
        }
    )


def test_a_carriage_return_is_quoted_and_reads_back() -> None:
    """The writer quotes a cell holding a carriage return (the csv module did not before CPython 3.11.9, so
    the published bytes would have depended on the interpreter), and both CSV readers give the cell back."""
    import pyarrow.csv as pacsv

    texts = ["a\rb", "\r", "plain", 'q"\r', None]
    df = _frame_of_texts(texts)
    written = csv_bytes_arrow(_arrow(df, SCHEMA), SCHEMA)
    assert written == python_csv(texts)
    assert b'"a\rb"' in written and b'"\r"' in written and b"plain," in written
    assert [row[0] for row in csv.reader(io.StringIO(written.decode("utf-8"), newline=""))][1:] == ["a\rb", "\r", "plain", 'q"\r', ""]
    read = pacsv.read_csv(pa.BufferReader(written), convert_options=pacsv.ConvertOptions(column_types={"s": pa.string()}, strings_can_be_null=True))
    assert read["s"].to_pylist() == ["a\rb", "\r", "plain", 'q"\r', None]


try:

    @given(st.lists(st.one_of(st.none(), _TEXT_CR), max_size=12))
    def test_the_writer_quotes_any_text_as_python_s_rule_does(texts) -> None:
        df = _frame_of_texts(texts)
        assert csv_bytes_arrow(_arrow(df, SCHEMA), SCHEMA) == python_csv(texts)

except NameError:  # pragma: no cover - hypothesis is pinned in the test extra
    pass
