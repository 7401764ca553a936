"""Build time: append the one-folder app to the launcher program as one file (``bundle.py``'s layout).

PyInstaller's bootloader finds its archive by scanning the file backwards for the cookie's magic
and takes the archive start to be ``cookie end - archive length``. With data merely appended it
scans the whole payload on every start (measured: +0.25 s), so ``pack`` writes a copy of the
cookie at the very end whose length reaches back to the same archive start; the table of
contents is relative to that start and stays valid. The result is checked with PyInstaller's
own reader whenever PyInstaller is importable (it always is in ``dev.py build``).

    python -m launcher.pack APP_DIR LAUNCHER OUT
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import sys
import tarfile
from pathlib import Path
from typing import BinaryIO

from launcher.bundle import MAGIC, TRAILER, BundleError

# PyInstaller's CArchive cookie (PyInstaller/archive/writers.py, CArchiveWriter): magic, archive
# length, TOC offset, TOC length, Python version, Python library name.
COOKIE_MAGIC = b"MEI\014\013\012\013\016"
COOKIE = struct.Struct("!8sIIII64s")


def write_payload(app_dir: Path, out: BinaryIO) -> None:
    """The one-folder app as a tar.gz stream, members in a stable order."""
    # Level 6 is zlib's default; inflating (the first start's cost) runs at the same speed at any level.
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0) as stream, \
            tarfile.open(fileobj=stream, mode="w|") as archive:
        for path in sorted(app_dir.rglob("*")):
            archive.add(path, arcname=path.relative_to(app_dir).as_posix(), recursive=False)


def pack(app_dir: Path, launcher: Path, out: Path) -> str:
    """Write ``out`` = launcher + payload + trailer + moved cookie, atomically; returns the build id."""
    program = launcher.read_bytes()
    cookie_at = program.rfind(COOKIE_MAGIC)
    if cookie_at < 0 or cookie_at + COOKIE.size > len(program):
        raise BundleError(f"{launcher} is not a PyInstaller one-file program (no archive cookie)")
    cookie = COOKIE.unpack_from(program, cookie_at)
    archive_start = cookie_at + COOKIE.size - cookie[1]
    partial = out.with_name(out.name + ".partial")
    try:
        with open(partial, "w+b") as file:
            file.write(program)
            write_payload(app_dir, file)
            payload_length = file.tell() - len(program)
            build_id = _digest(file, len(program))
            file.write(TRAILER.pack(MAGIC, len(program), payload_length, build_id.encode("ascii")))
            moved_length = file.tell() + COOKIE.size - archive_start
            file.write(COOKIE.pack(cookie[0], moved_length, *cookie[2:]))
        partial.chmod(0o755)
        _check_with_pyinstaller(launcher, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return build_id


def _digest(file: BinaryIO, start: int) -> str:
    """The build id: a hash of everything from ``start`` to the end (the payload); leaves the file there."""
    file.seek(start)
    digest = hashlib.sha256()
    while chunk := file.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()[:16]


def _check_with_pyinstaller(launcher: Path, packed: Path) -> None:
    """PyInstaller's own reader must find the same archive in ``packed`` as in the bare launcher."""
    try:
        from PyInstaller.archive.readers import CArchiveReader
    except ImportError:
        return
    if CArchiveReader(str(packed)).toc != CArchiveReader(str(launcher)).toc:
        raise BundleError(f"{packed}: the moved cookie does not lead back to the launcher's archive")


def main(argv: list[str]) -> int:
    app_dir, launcher, out = (Path(arg) for arg in argv)
    if not (app_dir / "wxsim").is_file():
        raise SystemExit(f"{app_dir} holds no one-folder wxsim app")
    build_id = pack(app_dir, launcher, out)
    unpacked = sum(p.lstat().st_size for p in app_dir.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"{out}: {out.stat().st_size / 2**20:.1f} MiB, build {build_id}; "
          f"a first start unpacks {unpacked / 2**20:.0f} MiB into the user cache", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
