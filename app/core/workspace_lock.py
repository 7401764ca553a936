"""One process per workspace: two writers on the same db/ would undo each other's writes."""

from __future__ import annotations

import os
from pathlib import Path

from app.core import host_os
from app.core.errors import InputError
from app.core.jsonfile import open_private


class WorkspaceBusy(InputError):
    """Another process holds the workspace (it may serve this one's requests: console_link.py)."""

    def __init__(self, message: str, holder_pid: int | None) -> None:
        super().__init__(message)
        self.holder_pid = holder_pid


class WorkspaceLock:
    """An exclusive, non-blocking lock on ``<data-dir>/.lock``, released by the OS on exit."""

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / ".lock"
        self._fd = open_private(self._path, os.O_RDWR | os.O_CREAT)
        try:
            host_os.lock_exclusively(self._fd)
        except OSError:
            holder = _read_pid(self._fd)
            os.close(self._fd)
            raise WorkspaceBusy(
                f"The workspace {data_dir} is already open in another wxsim"
                + (f" (process {holder})" if holder else "")
                + ". Close that one first, or use another --data-dir.",
                int(holder) if holder.isdigit() else None,
            ) from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, str(os.getpid()).encode())

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing drops the lock
            self._fd = -1


def _read_pid(fd: int) -> str:
    try:
        return host_os.read_start(fd, 32).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
