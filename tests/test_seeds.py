"""Seed integrity: a changed, missing, unknown, empty or badly encoded seed stops the build and writes nothing."""

from __future__ import annotations

import pytest

from superclusters.build.pipeline import build
from superclusters.build.stream import stage
from superclusters.errors import BuildError
from superclusters.inputs.seeds import Seed, decode_seed, sha256_hex

SEED = "000_9792f8e7dbbae654.txt"


def published(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted((root / "data").iterdir())} | {"datapackage.json": (root / "datapackage.json").read_bytes()}


def failing_build(root) -> str:
    before = published(root)
    with pytest.raises(BuildError) as exc:
        build(root)
    assert published(root) == before, "a failed build changed the published files"
    assert not [p for p in root.iterdir() if p.name.startswith(".publish")], "temporary files left behind"
    return str(exc.value)


def test_edited_seed_names_file_and_both_hashes(package_copy):
    path = package_copy / "seeds" / SEED
    original = path.read_bytes()
    path.write_bytes(original.replace(b"50.000", b"60.000"))
    message = failing_build(package_copy)
    assert f"seeds/{SEED}" in message
    assert sha256_hex(original) in message and sha256_hex(path.read_bytes()) in message
    assert "Affected: 5 claims and 12 events in readings/000_9792f8e7dbbae654.yaml: claims[0]" in message


def test_missing_seed(package_copy):
    (package_copy / "seeds" / SEED).unlink()
    assert f"seeds/{SEED}: seed is missing" in failing_build(package_copy)


def test_unknown_file_in_seeds(package_copy):
    (package_copy / "seeds" / "999_extra.txt").write_text("stray", encoding="utf-8")
    assert "seeds/999_extra.txt: unknown file in seeds/" in failing_build(package_copy)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "seed is empty"),
        (b"\xef\xbb\xbfCortex", "byte-order mark"),
        (b"Cortex\x00", "byte 6: contains a NUL byte"),
        (b"Cortex \xe9 Austin", "byte 7: invalid UTF-8"),
    ],
)
def test_encoding_policy(data, fragment):
    result = decode_seed("x.txt", data, sha256_hex(data))
    assert not isinstance(result, Seed)
    assert fragment in str(result)


def test_crlf_and_nfd_are_kept_as_they_are_so_offsets_stay_exact():
    data = "Caf\u0065\u0301 line\r\nnext".encode()
    seed = decode_seed("x.txt", data, sha256_hex(data))
    assert isinstance(seed, Seed)
    assert seed.text == data.decode("utf-8")  # no newline translation, no NFC


def test_all_seed_problems_are_reported_in_one_run(package_copy, tmp_path):
    (package_copy / "seeds" / SEED).unlink()
    (package_copy / "seeds" / "001_79c4c5b1ec88c645.txt").write_bytes(b"changed")
    with pytest.raises(BuildError) as exc:
        stage(package_copy, tmp_path / "staged")
    assert [p.file for p in exc.value.problems] == [f"seeds/{SEED}", "seeds/001_79c4c5b1ec88c645.txt"]


def test_empty_seed_is_named_as_empty_not_as_changed(package_copy):
    (package_copy / "seeds" / SEED).write_bytes(b"")
    assert f"seeds/{SEED}: seed is empty" in failing_build(package_copy)


def test_invalid_utf8_in_a_pinned_seed_reports_the_byte_offset(package_copy):
    path = package_copy / "seeds" / SEED
    data = path.read_bytes().replace("Vídeo".encode(), b"V\xedeo", 1)  # Latin-1 byte in a UTF-8 file
    path.write_bytes(data)
    reading = package_copy / "readings" / SEED.replace(".txt", ".yaml")
    pinned = reading.read_text(encoding="utf-8").split("seed_sha256: ")[1][:64]
    reading.write_text(reading.read_text(encoding="utf-8").replace(pinned, sha256_hex(data)), encoding="utf-8")  # re-pin
    assert f"seeds/{SEED}: byte 1: invalid UTF-8" in failing_build(package_copy)
