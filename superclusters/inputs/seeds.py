"""Read the seed articles exactly as published and refuse any that changed.

Encoding policy: a seed must be UTF-8 without a byte-order mark and without NUL
bytes; invalid UTF-8 is reported with its byte offset. Line endings and Unicode
normalisation are kept exactly as they are (no newline translation, no NFC), so
every published offset indexes the file's own code points.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem

NUL = b"\x00"


@dataclass(frozen=True)
class Seed:
    name: str  # file name, e.g. 000_9792f8e7dbbae654.txt
    path: str  # path inside the package, e.g. seeds/000_9792f8e7dbbae654.txt
    sha256: str
    byte_count: int
    text: str

    @property
    def article_id(self) -> str:
        return self.name.removesuffix(".txt")


def file_info(data: bytes | tuple[int, str]) -> tuple[int, str]:
    """(size in bytes, sha256 hex) of a file's bytes; a (size, sha256) pair, as a streaming build records
    for the files it wrote without holding them, is returned as it is."""
    return data if isinstance(data, tuple) else (len(data), sha256_hex(data))


def file_sha256(path: Path) -> tuple[int, str]:
    """(size in bytes, sha256 hex) of a file, read in 1 MiB pieces: the data files of a large corpus are
    hundreds of megabytes, which reading whole would add to the build's peak memory."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode_seed(name: str, data: bytes, expected_sha256: str) -> Seed | Problem:
    """Check the pin and the encoding; return the seed or the one problem that stops it."""
    path = f"seeds/{name}"
    actual = sha256_hex(data)
    if not data:
        return Problem(path, "", "", "seed is empty; expected the article's text")
    if actual != expected_sha256:
        return Problem(
            path,
            "",
            "sha256",
            f"seed changed: expected sha256 {expected_sha256}, found {actual}. Seeds are never edited; restore the original file",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return Problem(path, "byte 0", "", "starts with a UTF-8 byte-order mark; expected UTF-8 without BOM")
    if b"\x00" in data:
        return Problem(path, f"byte {data.index(NUL)}", "", "contains a NUL byte; expected text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(path, f"byte {exc.start}", "", f"invalid UTF-8 ({exc.reason}); expected UTF-8 text")
    return Seed(name, path, actual, len(data), text)
