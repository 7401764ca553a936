"""The file index: owner, size, content type and upload time of every file under storage/.

The bytes are plain files; this index only remembers what the folder cannot (who uploaded a
file, and its content type). It is one JSON file written atomically after every change, and
the folder is the truth for what exists:

- at open, temp files a killed upload left are removed, and an upload that was cut between
  "bytes in place" and "index updated" is finished from the ``pending`` entry it wrote first;
- files added by hand appear with no owner, files removed by hand drop out, and a changed
  size or modification time refreshes the entry (the owner stays);
- ``lookup`` re-checks one file against the disk on every access, ``scan`` the whole folder.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import secrets
import stat
import threading
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from app.core.errors import CloudError
from app.core.jsonfile import TEMP_PREFIX, read_json, write_json
from app.core.storage.cloudpaths import disk_path, normalize_cloud_path
from app.core.storage.disknames import cloud_name, first_present, name_forms, plain_name

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Desktop litter that is never a cloud file unless it was uploaded through the API.
_JUNK = {".DS_Store", "Thumbs.db", "desktop.ini", "._.DS_Store"}
_mime: mimetypes.MimeTypes | None = None


@dataclass(frozen=True)
class FileRecord:
    """One stored file as the index knows it."""

    path: str
    owner: str | None  # the uploader's openid; None for admin uploads and files added by hand
    size: int
    content_type: str
    uploaded_at: float  # Unix seconds
    mtime_ns: int = 0  # of the file on disk, to notice changes made by hand

    def to_json(self) -> dict:
        return {"owner": self.owner, "size": self.size, "contentType": self.content_type,
                "uploadedAt": self.uploaded_at, "mtimeNs": self.mtime_ns}

    @classmethod
    def from_json(cls, path: str, data: dict) -> "FileRecord":
        return cls(path, data.get("owner"), int(data["size"]), str(data["contentType"]),
                   float(data["uploadedAt"]), int(data.get("mtimeNs", 0)))


def guess_content_type(path: str) -> str:
    """From the extension, with Python's built-in table only, so every OS agrees."""
    global _mime
    if _mime is None:
        _mime = mimetypes.MimeTypes()
    return _mime.guess_type(path, strict=False)[0] or "application/octet-stream"


class FileIndex:
    """The persisted index of one storage folder. Callers hold ``lock`` around changes."""

    def __init__(self, root: Path, index_file: Path) -> None:
        self.root = root
        self.lock = threading.RLock()
        self._file = index_file
        self._files: dict[str, FileRecord] = {}
        self._pending: dict[str, dict] = {}
        self.secret = ""
        self.port = 0
        root.mkdir(parents=True, exist_ok=True)
        self._load()
        changed = self._recover_pending()
        _remove_temp_files(root)
        changed |= self.scan()
        if changed or not self._file.exists():
            self.save()

    # -- reading -------------------------------------------------------------------------------

    def lookup(self, path: str) -> FileRecord | None:
        """The record of ``path`` after checking the file on disk (adopting or dropping it)."""
        with self.lock:
            target = disk_path(self.root, path)
            record = self._files.get(path)
            fresh = self._refresh(path, record, _stat_file(target))
            if fresh != record:
                self._set(path, fresh)
                self.save()
            return fresh

    def records(self, prefix: str = "") -> list[FileRecord]:
        with self.lock:
            return sorted((r for p, r in self._files.items() if p.startswith(prefix)), key=lambda r: r.path)

    def refresh(self) -> None:
        """Catch up with changes made to the folder by hand."""
        with self.lock:
            if self.scan():
                self.save()

    def scan(self) -> bool:
        """Reconcile the whole index with the folder; returns whether anything changed."""
        with self.lock:
            on_disk = dict(self._walk())
            changed = False
            for path in set(self._files) | set(on_disk):
                record = self._files.get(path)
                fresh = self._refresh(path, record, on_disk.get(path))
                if fresh != record:
                    self._set(path, fresh)
                    changed = True
            return changed

    # -- changing (callers hold ``lock``) ------------------------------------------------------

    def begin(self, record: FileRecord, temp: Path) -> None:
        """Note an upload about to replace its file, so a kill right after can be finished."""
        self._pending[record.path] = {**record.to_json(), "temp": temp.name}
        self.save()

    def finish(self, record: FileRecord) -> None:
        self._pending.pop(record.path, None)
        self._files[record.path] = record
        self.save()

    def abort(self, path: str) -> None:
        if self._pending.pop(path, None) is not None:
            self.save()

    def drop(self, path: str, *, save: bool = True) -> None:
        self._files.pop(path, None)
        if save:
            self.save()

    def remember_port(self, port: int) -> None:
        if port != self.port:
            self.port = port
            self.save()

    def save(self) -> None:
        write_json(self._file, {
            "version": FORMAT_VERSION, "secret": self.secret, "port": self.port,
            "files": {p: r.to_json() for p, r in sorted(self._files.items())},
            "pending": self._pending,
        }, indent=None)

    def reload(self) -> None:
        """Read the index and the folder again (a snapshot's restore replaced both); the
        caller holds ``lock``."""
        self._load()
        self._recover_pending()
        self.scan()
        self.save()

    # -- internals -----------------------------------------------------------------------------

    def _set(self, path: str, record: FileRecord | None) -> None:
        if record is None:
            self._files.pop(path, None)
        else:
            self._files[path] = record

    def _refresh(self, path: str, record: FileRecord | None, st: os.stat_result | None) -> FileRecord | None:
        if st is None:
            return None
        if record is None:
            return FileRecord(path, None, st.st_size, guess_content_type(path), st.st_mtime, st.st_mtime_ns)
        if (record.size, record.mtime_ns) != (st.st_size, st.st_mtime_ns):
            return replace(record, size=st.st_size, uploaded_at=st.st_mtime, mtime_ns=st.st_mtime_ns)
        return record

    def _load(self) -> None:
        try:
            state = read_json(self._file, {})
            files = {p: FileRecord.from_json(p, r) for p, r in state.get("files", {}).items()}
            pending = dict(state.get("pending", {}))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            damaged = self._file.with_name(self._file.name + ".damaged")
            log.warning("storage index %s is damaged (%s); rebuilt from the folder, owners lost; "
                        "the old file is kept as %s", self._file, exc, damaged)
            os.replace(self._file, damaged)
            state, files, pending = {}, {}, {}
        self._files, self._pending = files, pending
        self.secret = str(state.get("secret") or secrets.token_hex(32))
        self.port = int(state.get("port") or 0)

    def _recover_pending(self) -> bool:
        """Finish or forget the uploads a kill interrupted around their final rename."""
        for path, entry in list(self._pending.items()):
            try:
                target = disk_path(self.root, normalize_cloud_path(path))
            except CloudError:
                continue
            temp = target.parent / str(entry.get("temp", ""))
            st = _stat_file(target)
            if not temp.exists() and st is not None and st.st_size == entry.get("size"):
                # The rename happened: the new bytes are in place, so the upload counts.
                record = FileRecord.from_json(path, entry)
                self._files[path] = replace(record, mtime_ns=st.st_mtime_ns)
        had_pending = bool(self._pending)
        self._pending = {}
        return had_pending

    def _walk(self):
        """(cloudPath, stat) of every regular file under root; links and temp files skipped,
        disk names read back to cloud names (``disknames.py``)."""
        real_root = os.path.realpath(self.root)
        prefixes = {str(self.root): ""}
        for folder, dirs, files in os.walk(self.root, followlinks=False):
            here, prefix = Path(folder), prefixes[folder]
            siblings = {n for disk in dirs + files for n in (disk, unicodedata.normalize("NFC", disk))}
            kept = []
            for disk in dirs:
                name = _read_name(here, disk, siblings) if _plain_dir(here / disk, real_root) else None
                if name is not None:
                    prefixes[str(here / disk)] = f"{prefix}{name}/"
                    kept.append(disk)
            dirs[:] = kept
            for disk in files:
                if disk.startswith(TEMP_PREFIX) or (name := _read_name(here, disk, siblings)) is None:
                    continue
                rel = prefix + name
                if disk in _JUNK and rel not in self._files:
                    continue
                st = _stat_file(here / disk)
                if st is None:
                    continue
                try:
                    path = normalize_cloud_path(rel)
                except CloudError as exc:
                    log.warning("storage: ignoring %s, which no cloudPath can name (%s)", here / disk, exc.detail)
                    continue
                yield path, st


def _read_name(folder: Path, disk: str, siblings: set[str]) -> str | None:
    """The cloud name of ``folder/disk``, or None (logged) if it names nothing."""
    name = cloud_name(disk)
    if name is None:
        if "%u" in disk.casefold():
            log.warning("storage: ignoring %s, whose name has escapes wxsim does not write", folder / disk)
        else:  # e.g. a|b.png made by hand on Linux: Windows could not keep it
            log.warning("storage: ignoring %s; wxsim keeps this name on disk as %s, so rename it to that",
                        folder / disk, plain_name(unicodedata.normalize("NFC", disk)))
        return None
    if disk == name:
        return name  # its plain form, which takes precedence over any other
    forms, nfc = name_forms(name), unicodedata.normalize("NFC", disk)
    if disk not in forms and not (folder / nfc).exists():
        log.warning("storage: ignoring %s, whose name is not in NFC form", folder / disk)
        return None
    if first_present(forms, siblings.__contains__) not in (disk, nfc):
        log.warning("storage: ignoring %s: %s names the same cloud file", folder / disk,
                    first_present(forms, siblings.__contains__))
        return None
    return name


def _stat_file(path: Path) -> os.stat_result | None:
    """The stat of a regular file that is not a link, else None."""
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def _plain_dir(path: Path, real_root: str) -> bool:
    if path.is_symlink() or getattr(os.path, "isjunction", lambda p: False)(path):
        return False
    real = os.path.realpath(path)
    return os.path.commonpath([real_root, real]) == real_root


def _remove_temp_files(root: Path) -> int:
    """Delete what killed uploads left; only called at open, when no upload is in flight."""
    removed = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in files:
            if name.startswith(TEMP_PREFIX):
                (Path(folder) / name).unlink(missing_ok=True)
                removed += 1
    return removed
