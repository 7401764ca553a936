"""The unpack cache: one verified folder per build under the user's cache dir, reused across starts.

    $XDG_CACHE_HOME/wxsim/            (~/.cache/wxsim/ when XDG_CACHE_HOME is unset)
        <build id>/                   the one-folder app; MARKER inside says it is complete
        .<build id>.lock              serialises first starts of that build

A build folder appears only by an atomic rename of a staging folder whose last written file is
the marker, so a folder with a matching marker is complete; a start checks just the marker and
the executable. A running app holds a shared ``flock`` on its build's marker (the descriptor
survives ``exec``), so cleaning up old builds never pulls files from under a running window: a
build is removed only when an exclusive lock on its marker can be taken, and it is renamed away
while that lock is held.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

APP_EXECUTABLE = "wxsim"
MARKER = ".wxsim-complete"
STAGING, TRASH = ".staging-", ".trash-"
LEFTOVER_AGE_S = 3600.0  # an unpack takes seconds; a staging folder this old was abandoned by a crash


class CacheError(Exception):
    """The cache holds no usable copy of the build even after unpacking it."""


def cache_root(environ: dict[str, str]) -> Path:
    """``$XDG_CACHE_HOME/wxsim``; the XDG spec says a relative value is to be ignored."""
    xdg = environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path(environ.get("HOME") or os.path.expanduser("~")) / ".cache"
    return base / "wxsim"


def marker_text(build_id: str) -> bytes:
    return f"wxsim build {build_id}\n".encode("ascii")


def open_if_ready(build_dir: Path, build_id: str) -> int | None:
    """A descriptor on the marker, shared-locked, if ``build_dir`` holds this complete build; else None."""
    marker = build_dir / MARKER
    try:
        fd = os.open(marker, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        _flock(fd, fcntl.LOCK_SH)  # waits while a clean-up is deciding whether to remove this build
        still_there = os.stat(marker).st_ino == os.fstat(fd).st_ino  # not renamed away meanwhile
        app = build_dir / APP_EXECUTABLE
        if still_there and os.pread(fd, 256, 0) == marker_text(build_id) and os.access(app, os.X_OK):
            return fd
    except OSError:
        pass
    os.close(fd)
    return None


def install(root: Path, build_id: str, unpack: Callable[[Path], None]) -> int:
    """The marker descriptor of a verified ``root/build_id``, unpacking it there first if needed.

    ``unpack(folder)`` fills an empty folder with the app. Raises OSError when ``root`` cannot
    be written (the caller then runs from a temporary copy).
    """
    final = root / build_id
    fd = open_if_ready(final, build_id)
    if fd is not None:
        return fd
    root.mkdir(parents=True, exist_ok=True)
    with _exclusive(root / f".{build_id}.lock"):
        fd = open_if_ready(final, build_id)  # another first start finished while we waited
        if fd is None:
            staging = root / f"{STAGING}{build_id}-{os.getpid()}-{time.monotonic_ns()}"
            staging.mkdir()
            try:
                unpack(staging)
                (staging / MARKER).write_bytes(marker_text(build_id))
                publish(staging, final, build_id)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            fd = open_if_ready(final, build_id)
    if fd is None:
        raise CacheError(f"{final} is still incomplete after unpacking it")
    remove_other_builds(root, keep=build_id)
    return fd


def publish(staging: Path, final: Path, build_id: str) -> None:
    """Rename ``staging`` to ``final``; a damaged ``final`` is moved away, a complete one is kept."""
    for _ in range(3):
        try:
            os.rename(staging, final)
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        ready = open_if_ready(final, build_id)
        if ready is not None:  # published by a start that had no lock to wait on
            os.close(ready)
            return
        _discard(final)
    raise CacheError(f"could not replace {final}")


def remove_other_builds(root: Path, keep: str) -> None:
    """Remove builds no app is running from, and leftovers of crashed starts; skip what is in use."""
    now = time.time()
    for entry in os.scandir(root):
        name = entry.name
        try:
            if name.startswith((STAGING, TRASH)):
                if now - entry.stat(follow_symlinks=False).st_mtime > LEFTOVER_AGE_S:
                    shutil.rmtree(entry.path, ignore_errors=True)
            elif name.startswith(".") and name.endswith(".lock"):
                if name != f".{keep}.lock" and not (root / name[1:-5]).exists():
                    os.unlink(entry.path)
            elif name != keep and entry.is_dir(follow_symlinks=False):
                _remove_if_unused(Path(entry.path))
        except OSError:
            continue  # clean-up is best effort; the next first start tries again


def _remove_if_unused(build_dir: Path) -> None:
    try:
        fd = os.open(build_dir / MARKER, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        _discard(build_dir)  # not a complete build: nothing can be running from it
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while an app runs from it
        trash = _trash_name(build_dir)
        os.rename(build_dir, trash)  # under the lock: a start waiting on it then finds nothing
    except OSError:
        return
    finally:
        os.close(fd)
    shutil.rmtree(trash, ignore_errors=True)


def _discard(path: Path) -> None:
    trash = _trash_name(path)
    try:
        os.rename(path, trash)
    except FileNotFoundError:
        return
    shutil.rmtree(trash, ignore_errors=True)


def _trash_name(path: Path) -> Path:
    return path.with_name(f"{TRASH}{path.name}-{os.getpid()}-{time.monotonic_ns()}")


def _flock(fd: int, operation: int) -> None:
    try:
        fcntl.flock(fd, operation)
    except OSError as exc:
        if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            raise  # a file system without locks still works, only without these guarantees


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        _flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
