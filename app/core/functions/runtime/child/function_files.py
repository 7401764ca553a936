"""The worker's read-only view of one function directory, as the JS loader asks for it."""

from __future__ import annotations

import os
from pathlib import Path

VROOT = "/var/user"  # where the real platform puts a function's code; JS sees only this path
CODE_SUFFIXES = frozenset({".js", ".json", ".cjs"})
MAX_FILE_BYTES = 4 * 1024 * 1024


class FunctionFiles:
    """Maps ``/var/user/...`` onto a function directory and lists it in loader-sized units.

    A unit is the function's own code (everything outside ``node_modules``, read whole), a
    ``node_modules`` or ``@scope`` directory (names only), or one package (read whole). It also
    remembers the mtime and size of what it read, so the parent can tell a stale instance.
    """

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._seen: dict[str, list[int]] = {}

    def real_path(self, vpath: str) -> Path | None:
        """The file behind a virtual path, or None when it would leave the function directory."""
        if vpath != VROOT and not vpath.startswith(VROOT + "/"):
            return None
        parts = [p for p in vpath[len(VROOT) :].split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None
        path = self._root.joinpath(*parts)
        # Symlinks (pnpm) may point anywhere; only what stays inside the function is loadable,
        # as on the real platform, where only the function's folder is uploaded.
        return path if self._inside(path) else None

    def listing(self, vdir: str) -> dict:
        """One unit as ``{"dirs": {vdir: {name: "f" | "d"}}, "files": {vpath: text | None}}``."""
        out: dict[str, dict] = {"dirs": {}, "files": {}}
        path = self.real_path(vdir)
        if path is None or not path.is_dir():
            out["dirs"][vdir] = {}  # known and empty, so the loader never asks again
            return out
        segments = vdir.split("/")
        shallow = segments[-1] == "node_modules" or (
            segments[-1].startswith("@") and segments[-2] == "node_modules"
        )
        in_packages = "node_modules" in segments
        if in_packages:
            # Installed packages change as a whole (npm rewrites package.json); stat-ing every file
            # of every package on each invocation would cost more than the call itself.
            self._track(path)
            if (path / "package.json").is_file():
                self._track(path / "package.json")
        self._walk(path, vdir, out, deep=not shallow, track=not in_packages, visited=set())
        return out

    def take_seen(self) -> dict[str, list[int]]:
        """What was read since the last call: real path -> [mtime_ns, size]."""
        seen, self._seen = self._seen, {}
        return seen

    def _walk(
        self, path: Path, vdir: str, out: dict, *, deep: bool, track: bool, visited: set
    ) -> None:
        visited.add(os.path.realpath(path))
        if track:
            self._track(path)  # a dir's mtime changes when a file is added or removed
        entries: dict[str, str] = {}
        out["dirs"][vdir] = entries
        try:
            listed = list(os.scandir(path))
        except OSError:
            return  # unreadable: it stays an empty directory to the loader
        for entry in listed:
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            entries[entry.name] = "d" if is_dir else "f"
            vchild = f"{vdir}/{entry.name}"
            if is_dir:
                # node_modules is its own unit, fetched only when something requires from it.
                descend = deep and entry.name != "node_modules"
                if (
                    descend
                    and os.path.realpath(entry.path) not in visited
                    and self.real_path(vchild)
                ):
                    self._walk(
                        Path(entry.path), vchild, out, deep=True, track=track, visited=visited
                    )
            elif deep and os.path.splitext(entry.name)[1] in CODE_SUFFIXES:
                out["files"][vchild] = self._read(Path(entry.path), track)

    def _inside(self, path: Path) -> bool:
        """Whether ``path``, symlinks followed, is still inside the function directory."""
        try:
            real = path.resolve()
        except OSError:
            return False
        return real == self._root or self._root in real.parents

    def _read(self, path: Path, track: bool) -> str | None:
        # A symlinked file that leaves the function is refused like a missing one, never read.
        if not self._inside(path):
            return None
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
            data = path.read_bytes()
        except OSError:
            return None
        if track:
            self._track(path)
        return data.decode("utf-8", errors="replace")

    def _track(self, path: Path) -> None:
        try:
            st = path.stat()
        except OSError:
            return
        self._seen[str(path)] = [st.st_mtime_ns, st.st_size]
