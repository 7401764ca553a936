"""The one-file layout, and reading it at run time.

    [launcher: PyInstaller one-file ELF, its archive ending in a cookie]
    [payload: tar.gz of the one-folder app]
    [trailer: MAGIC, payload offset, payload length, build id]
    [the launcher's cookie again, its length grown to span the payload]

``pack.py`` writes it at build time; the launcher reads its own trailer on every start (one seek,
one read) and unpacks the payload only when the cache has no verified copy of this build.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAGIC = b"wxsim-payload-v1"
TRAILER = struct.Struct("!16sQQ16s")  # magic, payload offset, payload length, build id (hex)
TAIL_BYTES = 4096  # the trailer lies within this distance of the end of the file


class BundleError(Exception):
    """The file is not a launcher with a payload (or not one this launcher understands)."""


@dataclass(frozen=True)
class Trailer:
    payload_offset: int
    payload_length: int
    build_id: str


def read_trailer(bundle: Path) -> Trailer:
    """Where the payload lies in ``bundle`` and its build id."""
    with open(bundle, "rb") as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - TAIL_BYTES))
        tail = file.read()
    at = tail.rfind(MAGIC)
    if at < 0 or at + TRAILER.size > len(tail):
        raise BundleError(f"{bundle} carries no wxsim payload")
    _, offset, length, build_id = TRAILER.unpack_from(tail, at)
    if offset + length > size:
        raise BundleError(f"{bundle} is truncated: its payload ends past the end of the file")
    return Trailer(offset, length, build_id.decode("ascii"))


class PayloadReader:
    """A read-only stream over the payload bytes inside the bundle, for ``tarfile``."""

    def __init__(self, file: BinaryIO, trailer: Trailer) -> None:
        self._file = file
        self._left = trailer.payload_length
        file.seek(trailer.payload_offset)

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data


def extract_payload(bundle: Path, trailer: Trailer, target: Path) -> None:
    """Unpack the app into the empty folder ``target``; a damaged payload raises an error."""
    import tarfile  # only a first start pays for these
    import zlib

    try:
        with open(bundle, "rb") as file:
            with tarfile.open(fileobj=PayloadReader(file, trailer), mode="r|gz") as archive:
                archive.extractall(target, filter="data")
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BundleError(f"the app inside {bundle} is damaged ({exc}); build or download it again") from exc
