"""Crash-safe JSON state files (temp file, fsync, atomic replace), all private to the user.

Data files and logs are 0600 and the data folder 0700 (DESIGN §7): personas, documents and
request logs are the user's, not other accounts' on a shared machine. Every writer of the
data folder opens its files through this module, so the rule lives in one place. On Windows
the modes are ignored (files there inherit the folder's ACL, which is the user's profile).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

TEMP_PREFIX = ".wxsim-tmp-"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def write_json(path: Path, data: Any, *, indent: int | None = 2) -> None:
    """Write ``data`` to ``path`` so a kill at any moment leaves the old or the new file whole."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=False)
    write_text_atomic(path, text)


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_file(path) as handle:
        handle.write(text.encode("utf-8"))


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` with, so a kill at any moment leaves the old or the new
    file whole: a temp file beside it, fsynced and renamed over ``path`` when the block ends
    normally, deleted when it raises. The one implementation of this rule for every writer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes the file 0600 from its first byte, and os.replace keeps that mode: the
    # state file is private whatever mode an older copy had.
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` (and its parents) if missing; the folder made here is 0700.

    A folder that already exists keeps its mode: it may be one the user chose and shares.
    """
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    try:
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode passes through the umask
    except OSError:
        pass


def open_private(path: Path, flags: int) -> int:
    """``os.open`` a data file so that it is 0600, including one an older wxsim left 0644."""
    fd = os.open(path, flags, PRIVATE_FILE)
    if hasattr(os, "fchmod"):  # not on Windows
        try:
            if os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, PRIVATE_FILE)
        except OSError:
            pass
    return fd


def open_log(path: Path) -> TextIO:
    """A private text file opened for appending lines (the event log, the invocation history)."""
    fd = open_private(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    return os.fdopen(fd, "a", encoding="utf-8", newline="")  # "\n" on every system (host_os.NEWLINE)


def fsync_dir(folder: Path) -> None:
    """fsync a folder, so renames and unlinks in it survive a power cut (no-op on Windows)."""
    # The rename itself lives in the directory entry; without this a power cut can undo it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open directories; os.replace is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_json(path: Path, default: Any = None) -> Any:
    """Read a JSON state file, or ``default`` when it does not exist yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    return json.loads(text)


def remove_stale_temp_files(folder: Path) -> int:
    """Delete temp files left by a write that was killed; returns how many were removed."""
    if not folder.is_dir():
        return 0
    removed = 0
    for leftover in folder.glob(TEMP_PREFIX + "*"):
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
