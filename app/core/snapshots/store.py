"""``<data>/snapshots/``: saved states of the whole environment, and the storage blobs they share.

Layout::

    snapshots/<id>/manifest.json   what it is (name, kind, note, trigger, counts, sizes); written
                                   last, so a folder without one is a save a kill cut short
    snapshots/<id>/db/<name>.json  each collection, in the store's own TinyDB format
    snapshots/<id>/state.json      personas, permission modes and rules, function settings,
                                   and auth.json's users, login codes and session keys
    snapshots/<id>/storage.json    every storage file: owner, content type, size, SHA-256
    snapshots/blobs/<sha[:2]>/<sha>  the storage files' bytes, one per content

A blob is a file of its own (a copy-on-write clone where the file system can, else a copy),
made once per content: the SHA-256 of a live file is remembered by its inode, size and mtime, so
a file unchanged since the last snapshot is neither read nor copied again, and ten snapshots of
the same 200 MB keep one copy. Not a hard link to the live file: `cp` over a storage file, or an
editor saving in place, writes into the same inode and would change every snapshot. Restores
copy the blobs out the same way. Each entry keeps the blob's size and mtime, and a blob that no
longer matches (edited by hand in the snapshots folder) is checked by its hash before use.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core import host_os
from app.core.database.journal import DOCS_TABLE, read_collection, write_collection
from app.core.errors import InputError
from app.core.jsonfile import TEMP_PREFIX, fsync_dir, make_private_dir, read_json, write_json
from app.core.reasons import Reason
from app.core.storage.cloudpaths import disk_path

log = logging.getLogger(__name__)

FORMAT = 1
SNAPSHOTS_DIR = "snapshots"
MANIFEST = "manifest.json"
NAMED, CHECKPOINT, INITIAL = "named", "checkpoint", "initial"
CHECKPOINT_RING = 20  # automatic checkpoints kept; the oldest goes when a new one is taken
INITIAL_NAME = "initial"
_CHECKPOINT_NAME = re.compile(r"checkpoint-(\d+)")
_SAVING = ".saving-"
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Snapshot:
    """One saved state as its manifest describes it."""

    id: str
    folder: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.manifest["name"]

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    def summary(self) -> dict:
        """What ``snapshot.list`` shows of it."""
        m = self.manifest
        return {"name": m["name"], "kind": m["kind"], "note": m.get("note", ""), "createdAt": m["createdAt"],
                "trigger": m.get("trigger"), "collections": m["collections"], "documents": m["documents"],
                "files": m["files"], "fileBytes": m["fileBytes"], "size": m["size"]}


@dataclass
class Captured:
    """The environment at one journal point, taken in a moment under the services' locks."""

    seq: int
    collections: dict[str, list[dict]]
    files: list[tuple[Any, Path]]  # (FileRecord, a hard link to its bytes taken then)
    portable: dict
    auth: dict


class SnapshotError(InputError):
    """A snapshot that cannot be saved, found or used, said where the person asked."""


def not_found(name: str) -> SnapshotError:
    return SnapshotError(Reason("snapshot.not_found", "There is no snapshot named {name}.", name=name))


class SnapshotStore:
    """The snapshots of one workspace. One lock serialises saving, deleting and restoring, so a
    blob is never collected while a save that needs it is under way."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.root = data_dir / SNAPSHOTS_DIR
        self.blobs = self.root / "blobs"
        self.lock = threading.RLock()
        self._hashes: dict[str, str] | None = None  # "dev:ino:size:mtime_ns" of a live file -> sha256
        if self.root.is_dir():
            cut = [p for p in self.root.iterdir() if p.name.startswith(_SAVING)]
            for folder in cut:  # saves a kill cut short: never listed, removed with their blobs
                shutil.rmtree(folder, ignore_errors=True)
            if cut:
                self.collect_blobs()

    # -- reading -------------------------------------------------------------------------------

    def all(self) -> list[Snapshot]:
        """Every complete snapshot, newest first."""
        found = []
        if not self.root.is_dir():
            return found
        for folder in self.root.iterdir():
            if folder.name == "blobs" or folder.name.startswith(".") or not folder.is_dir():
                continue
            try:
                manifest = read_json(folder / MANIFEST)
            except (OSError, ValueError) as exc:
                log.warning("snapshot %s is unreadable (%s); skipped", folder, exc)
                continue
            if isinstance(manifest, dict) and manifest.get("format") == FORMAT:
                found.append(Snapshot(folder.name, folder, manifest))
        found.sort(key=lambda s: (s.manifest["createdAt"], s.id), reverse=True)
        return found

    def find(self, name: str) -> Snapshot:
        for snapshot in self.all():
            if snapshot.name == name:
                return snapshot
        raise not_found(name)

    def initial(self) -> Snapshot | None:
        return next((s for s in self.all() if s.kind == INITIAL), None)

    def latest_checkpoint(self) -> Snapshot | None:
        return next((s for s in self.all() if s.kind == CHECKPOINT), None)

    # -- saving --------------------------------------------------------------------------------

    def save(self, workspace, *, name: str | None, kind: str, note: str = "", trigger: dict | None = None,
             code_hashes: dict[str, str] | None = None) -> Snapshot:
        """Save the workspace's state as a new snapshot (``name`` None: the next checkpoint's)."""
        with self.lock:
            if kind == CHECKPOINT:
                name = _next_checkpoint_name(self._all_names())
            elif kind == INITIAL:
                name = INITIAL_NAME
            snapshot = self._save(lambda folder: capture(workspace, folder / "links"), name=name, kind=kind,
                                  note=note, trigger=trigger, code_hashes=code_hashes, live_files=True)
            if kind == CHECKPOINT:
                self._trim_ring()
            return snapshot

    def save_captured(self, captured: Captured, *, name: str, kind: str, note: str = "",
                      trigger: dict | None = None, code_hashes: dict[str, str] | None = None,
                      created_at: float | None = None) -> Snapshot:
        """Save a state captured elsewhere (a scenario file's) as a snapshot of this workspace."""
        with self.lock:
            return self._save(lambda folder: captured, name=name, kind=kind, note=note, trigger=trigger,
                              code_hashes=code_hashes, created_at=created_at)

    def _save(self, take: Callable[[Path], Captured], *, name: object, kind: str, note: str,
              trigger: dict | None, code_hashes: dict[str, str] | None, live_files: bool = False,
              created_at: float | None = None) -> Snapshot:
        """Write the state ``take(folder)`` gives into a staging folder, then rename it into
        the list: a kill at any point leaves a complete snapshot or none."""
        name = valid_name(name)
        if name in self._all_names():
            raise SnapshotError(Reason("snapshot.name_taken", "A snapshot named {name} already exists; "
                                       "delete it first or choose another name.", name=name))
        folder = self.stage_folder()
        try:
            manifest = self._write(folder, take(folder), name=name, kind=kind, note=note, trigger=trigger,
                                   code_hashes=code_hashes or {}, created_at=created_at, live_files=live_files)
            final = self.root / _new_id(kind)
            os.rename(folder, final)
            fsync_dir(self.root)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return Snapshot(final.name, final, manifest)

    def stage_folder(self) -> Path:
        make_private_dir(self.root)
        folder = self.root / f"{_SAVING}{secrets.token_hex(6)}"
        folder.mkdir(mode=0o700)
        return folder

    def _write(self, folder: Path, captured: Captured, *, name: str, kind: str, note: str,
               trigger: dict | None, code_hashes: dict[str, str], created_at: float | None = None,
               live_files: bool = False) -> dict:
        db = folder / "db"
        db.mkdir()
        size = 0
        for collection, docs in sorted(captured.collections.items()):
            target = db / f"{collection}.json"
            write_collection(target, docs, captured.seq)
            size += target.stat().st_size
        storage: dict[str, dict] = {}
        new_blob_bytes = 0
        live: list[tuple[os.stat_result, str]] = []
        for record, link in captured.files:
            link_st = link.stat()  # the live file's inode, size and mtime
            entry, added = self._keep_blob(link)
            live.append((link_st, entry["sha256"]))
            new_blob_bytes += added
            storage[record.path] = {"sha256": entry["sha256"], "size": entry["size"], "owner": record.owner,
                                    "contentType": record.content_type, "uploadedAt": record.uploaded_at,
                                    "blobMtimeNs": entry["blobMtimeNs"]}
        shutil.rmtree(folder / "links", ignore_errors=True)
        if live_files:
            self.remember_hashes(live)
        write_json(folder / "storage.json", storage, indent=None)
        write_json(folder / "state.json", {"workspace": captured.portable, "auth": captured.auth}, indent=None)
        size += (folder / "storage.json").stat().st_size + (folder / "state.json").stat().st_size
        manifest = {
            "format": FORMAT, "name": name, "kind": kind, "note": note, "trigger": trigger,
            "createdAt": created_at if created_at is not None else time.time(), "seq": captured.seq,
            "collections": len(captured.collections),
            "documents": sum(len(docs) for docs in captured.collections.values()),
            "files": len(storage), "fileBytes": sum(e["size"] for e in storage.values()),
            "size": size + new_blob_bytes, "functions": code_hashes,
        }
        write_json(folder / MANIFEST, manifest)
        return manifest

    def _keep_blob(self, link: Path) -> tuple[dict, int]:
        """Keep the bytes behind ``link`` (a hard link to a live file) in the blob store as a
        file of their own; returns the entry and the bytes this added to the disk (0 when an
        equal blob was already there, the common case: unchanged files are not even re-read)."""
        st = link.stat()
        sha = self._hash(link, st)
        blob = self.blob_path(sha)
        added = 0
        if not blob.exists():
            # A copy (or a copy-on-write clone), never the live file's own inode: `cp` over a
            # storage file, or an editor saving in place, writes into that inode, and would
            # change every snapshot holding it.
            blob.parent.mkdir(parents=True, exist_ok=True)
            temp = blob.with_name(f"{TEMP_PREFIX}{blob.name}")
            clone_or_copy(link, temp)
            os.replace(temp, blob)
            added = st.st_size
        link.unlink()
        blob_st = blob.stat()
        return {"sha256": sha, "size": blob_st.st_size, "blobMtimeNs": blob_st.st_mtime_ns}, added

    def blob_path(self, sha: str) -> Path:
        return self.blobs / sha[:2] / sha

    def _hash(self, path: Path, st: os.stat_result) -> str:
        """The SHA-256 of a file, remembered by inode, size and mtime (``hashes.json``, kept
        across runs): an unchanged file is hashed once, however many snapshots keep it."""
        hashes = self._known_hashes()
        key = _stat_key(st)
        sha = hashes.get(key)
        if sha is None:
            sha = file_sha256(path)
            hashes[key] = sha
        return sha

    def hash_of(self, path: Path) -> str:
        return self._hash(path, path.stat())

    def remember_hashes(self, files: list[tuple[os.stat_result, str]]) -> None:
        """Keep the hashes of exactly these live files (the storage folder as it is now)."""
        hashes = self._known_hashes()
        hashes.clear()
        hashes.update((_stat_key(st), sha) for st, sha in files)
        make_private_dir(self.root)
        write_json(self.root / "hashes.json", hashes, indent=None)

    def _known_hashes(self) -> dict[str, str]:
        if self._hashes is None:
            try:
                saved = read_json(self.root / "hashes.json") or {}
            except (OSError, ValueError):
                saved = {}
            self._hashes = {k: v for k, v in saved.items() if isinstance(v, str)} if isinstance(saved, dict) else {}
        return self._hashes

    # -- deleting ------------------------------------------------------------------------------

    def delete(self, name: str) -> Snapshot:
        with self.lock:
            snapshot = self.find(name)
            self._remove(snapshot)
            self.collect_blobs()
            return snapshot

    def _remove(self, snapshot: Snapshot) -> None:
        # Renamed away first, so a kill mid-delete leaves no half snapshot in the list.
        doomed = self.root / f"{_SAVING}deleting-{snapshot.id}"
        os.rename(snapshot.folder, doomed)
        shutil.rmtree(doomed, ignore_errors=True)

    def _trim_ring(self) -> None:
        checkpoints = [s for s in self.all() if s.kind == CHECKPOINT]
        for old in checkpoints[CHECKPOINT_RING:]:
            self._remove(old)
        if len(checkpoints) > CHECKPOINT_RING:
            self.collect_blobs()

    def collect_blobs(self) -> int:
        """Delete the blobs no snapshot refers to; returns how many went."""
        with self.lock:
            wanted = set()
            for snapshot in self.all():
                wanted.update(e["sha256"] for e in (read_json(snapshot.folder / "storage.json") or {}).values())
            if any(p.name.startswith(_SAVING) for p in self.root.iterdir()):
                return 0  # a save in another thread is placing blobs it has not listed yet
            removed = 0
            for blob_dir in self.blobs.glob("??") if self.blobs.is_dir() else ():
                for blob in blob_dir.iterdir():
                    if blob.name not in wanted:
                        blob.unlink(missing_ok=True)
                        removed += 1
            return removed

    def _all_names(self) -> set[str]:
        return {s.name for s in self.all()}

    # -- reading a snapshot's parts ------------------------------------------------------------

    def load_collections(self, snapshot: Snapshot) -> tuple[dict[str, list[dict]], int]:
        """Each collection's documents as the store holds them (dates as datetimes …)."""
        collections, seq = {}, 0
        for path in sorted((snapshot.folder / "db").glob("*.json")):
            docs, file_seq = read_collection(path)
            collections[path.stem] = docs
            seq = max(seq, file_seq)
        return collections, seq

    @staticmethod
    def load_stored_forms(snapshot: Snapshot) -> dict[str, list[dict]]:
        """Each collection's documents in their stored form (Extended JSON: dates stay
        ``{"$date": …}``), which is what a diff compares and shows: parsing without turning
        each object into engine values takes half the time."""
        collections = {}
        for path in sorted((snapshot.folder / "db").glob("*.json")):
            table = json.loads(path.read_bytes()).get(DOCS_TABLE) or {}
            collections[path.stem] = [doc for _key, doc in sorted(table.items(), key=lambda row: int(row[0]))]
        return collections

    @staticmethod
    def load_storage(snapshot: Snapshot) -> dict[str, dict]:
        return read_json(snapshot.folder / "storage.json") or {}

    @staticmethod
    def load_state(snapshot: Snapshot) -> dict:
        return read_json(snapshot.folder / "state.json") or {}

    def checked_blob(self, entry: dict, path: str) -> Path:
        """The blob of a storage entry, checked to hold the bytes the snapshot saw."""
        blob = self.blob_path(entry["sha256"])
        try:
            st = blob.stat()
        except FileNotFoundError:
            raise SnapshotError(Reason("snapshot.blob_missing", "The saved copy of {path} is missing from the "
                                       "snapshots folder.", path=path)) from None
        if (st.st_size, st.st_mtime_ns) != (entry["size"], entry["blobMtimeNs"]) and file_sha256(blob) != entry["sha256"]:
            raise SnapshotError(Reason("snapshot.blob_changed", "The saved copy of {path} was changed since the "
                                       "snapshot was taken (was the file edited in place?).", path=path))
        return blob


def capture(workspace, links: Path | None) -> Captured:
    """The workspace's state at one journal point: documents, storage files, settings, users.

    Each file comes as a hard link made in ``links`` while the locks are held, so later uploads
    cannot change it; with ``links`` None, as its live path (a diff reads it at once). The
    store's and the storage index's locks are held together for a moment: no write lands
    between the database's state and the files'."""
    store = workspace.database.store
    index = workspace.storage.index
    if links is not None:
        links.mkdir(parents=True, exist_ok=True)
    index.refresh()  # files added or removed by hand count: a folder walk, outside the store's lock
    with store.lock:
        seq, collections = store.freeze()
        with index.lock:
            files = []
            for number, record in enumerate(index.records()):
                source = disk_path(index.root, record.path)
                if links is not None:
                    link_or_copy(source, links / str(number))
                    source = links / str(number)
                files.append((record, source))
            portable = workspace.state.portable()
            auth = workspace.identity.auth_state()
    return Captured(seq, collections, files, portable, auth)


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system has them, else a copy (FAT, some network shares).
    Only for files nobody writes in place: snapshot collection files, capture's brief links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def clone_or_copy(source: Path, target: Path) -> None:
    """A file of its own with the same bytes and times: a copy-on-write clone where the file
    system offers one (Btrfs, XFS: no bytes copied), else a plain copy."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        if not host_os.clone_file(src.fileno(), dst.fileno()):
            shutil.copyfileobj(src, dst, _HASH_CHUNK)
    shutil.copystat(source, target)


def _stat_key(st: os.stat_result) -> str:
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def valid_name(name: object) -> str:
    """A snapshot name as the person typed it: 1–64 characters, none of / \\ or control ones."""
    if not isinstance(name, str) or not name.strip():
        raise SnapshotError(Reason("snapshot.name_missing", "A snapshot needs a name."))
    name = name.strip()
    if len(name) > 64 or any(ch in "/\\" or ord(ch) < 32 or ord(ch) == 127 for ch in name) or name.startswith("."):
        raise SnapshotError(Reason("snapshot.name_bad", "{name} cannot name a snapshot: use at most 64 characters, "
                                   "without / or \\, not starting with a dot.", name=repr(name)))
    return name


def _next_checkpoint_name(taken: set[str]) -> str:
    numbers = [int(m.group(1)) for n in taken if (m := _CHECKPOINT_NAME.fullmatch(n))]
    return f"checkpoint-{max(numbers, default=0) + 1}"


def _new_id(kind: str) -> str:
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{kind}-{secrets.token_hex(3)}"


def project_code_hashes(root: Path | None) -> dict[str, str]:
    """Each cloud function folder's content hash (names and bytes, not node_modules), so a
    restore can say which functions' code changed since the snapshot."""
    hashes: dict[str, str] = {}
    if root is None or not root.is_dir():
        return hashes
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        digest = hashlib.sha256()
        for dirpath, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "node_modules" and not d.startswith("."))
            for file_name in sorted(files):
                path = Path(dirpath) / file_name
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                try:
                    digest.update(path.read_bytes())
                except OSError:
                    continue
        hashes[folder.name] = digest.hexdigest()
    return hashes
