"""Crash-safe JSON state files: write a temp file, fsync, then atomically replace."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

TEMP_PREFIX = ".wxsim-tmp-"


def write_json(path: Path, data: Any, *, indent: int | None = 2) -> None:
    """Write ``data`` to ``path`` so a kill at any moment leaves the old or the new file whole."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=False)
    write_text_atomic(path, text)


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


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
