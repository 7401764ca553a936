"""Bytes on disk: stream an upload to a temp file beside its target, then rename it in place.

A kill at any moment leaves either the old file or the new one under the real name, never
half of one; the temp file it may leave carries ``TEMP_PREFIX`` and is removed at the next
open. Everything is copied in ``BLOCK``-sized pieces, so memory stays flat for any size.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Union

from app.core import host_os
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.jsonfile import TEMP_PREFIX, fsync_dir
from app.core.http.body import BLOCK, Reader

Source = Union[Path, bytes, BinaryIO, Reader]


def make_folder(target: Path) -> None:
    """Create ``target``'s folder (and the ones above it) if missing."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise CloudError(-501007, Reason("storage.file_not_folder", "{name} is a file, so it cannot be a folder",
                                         name=repr(target.parent.name))) from None


def stage(target: Path, source: Source) -> Path:
    """Write ``source`` to a durable temp file in ``target``'s folder; returns its path."""
    make_folder(target)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(source, (bytes, bytearray, memoryview)):
                out.write(source)
            elif isinstance(source, Path):
                with source.open("rb") as handle:
                    _copy_file(handle, out)
            else:
                while data := source.read(BLOCK):
                    out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def put_in_place(temp: Path, target: Path) -> None:
    """Atomically replace ``target`` with ``temp`` and make the rename durable."""
    if target.is_dir():
        temp.unlink(missing_ok=True)
        raise CloudError(-501007, Reason("storage.folder_not_file", "{name} is a folder here, so it cannot also "
                                         "be a file", name=repr(target.name)))
    _retry(lambda: os.replace(temp, target))
    fsync_dir(target.parent)


def remove(target: Path, root: Path) -> None:
    """Delete ``target`` and the folders it leaves empty (folders are implicit, spec §5.2)."""
    _retry(lambda: target.unlink(missing_ok=True))
    prune_empty(target.parent, root)
    fsync_dir(target.parent if target.parent.exists() else root)


def prune_empty(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def copy_out(source: Path, dest: Path) -> int:
    """Copy a stored file to ``dest`` atomically (temp file + rename); returns its size."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
            _copy_file(handle, out)
            size = out.tell()
        os.replace(name, dest)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return size


def _copy_file(source: BinaryIO, dest: BinaryIO) -> None:
    """File to file in the kernel where it can (sendfile), else in ``BLOCK`` pieces."""
    if host_os.kernel_copy_usable():
        dest.flush()
        offset, size = 0, os.fstat(source.fileno()).st_size
        try:
            while offset < size:
                sent = os.sendfile(dest.fileno(), source.fileno(), offset, min(size - offset, 1 << 30))
                if sent == 0:
                    break
                offset += sent
            dest.seek(offset)
            return
        except OSError:
            source.seek(0)
            dest.seek(0)
            dest.truncate()
    shutil.copyfileobj(source, dest, BLOCK)


def _retry(operation) -> None:
    """Windows refuses to replace or delete a file that is open (e.g. being downloaded)."""
    for attempt in range(10):
        try:
            operation()
            return
        except PermissionError as exc:
            if not host_os.open_files_block_replace():
                raise CloudError(-503001, Reason("storage.folder_refused", "the storage folder refused the change: "
                                                 "{error}", error=str(exc.strerror))) from None
            if attempt == 9:
                raise CloudError(-503001, Reason("storage.file_in_use", "the file is in use (being downloaded?); try "
                                                 "again in a moment")) from None
            time.sleep(0.05 * (attempt + 1))
