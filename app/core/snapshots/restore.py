"""Putting a snapshot back, atomically, even across a kill.

1. **Stage**: the new state is built in ``<data>/.restore/`` beside the live one: ``db/`` (links
   to the snapshot's collection files, which are never written in place), ``storage/`` (copies
   of the blobs), ``storage-index.json``, ``auth.json`` and ``workspace.json``.
2. **Commit point**: ``.restore/READY`` is written (atomically). Before it exists, a kill leaves
   the old state: the next open deletes ``.restore/``. After it, the new state is decided.
3. **Swap**: each staged part replaces the live one by renames (a folder: live to
   ``.restore/old-<part>``, then staged into place; a file: one ``os.replace``). A part whose
   staged copy is gone is done, so the swap can be redone from any point: the next open redoes
   it (``recover``) before any service reads a file.
4. **Clean up**: ``READY`` goes first, then the rest of ``.restore/`` (old parts only).

In a running app the swap happens while the services hold still (``Workspace`` takes their
locks), and each service then takes the new state as its own.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.jsonfile import fsync_dir, make_private_dir, write_json, write_text_atomic
from app.core.storage.cloudpaths import disk_path

if TYPE_CHECKING:  # every open calls recover(); only a restore needs the snapshots' code
    from app.core.snapshots.store import Snapshot, SnapshotStore

log = logging.getLogger(__name__)

RESTORE_DIR = ".restore"
READY = "READY"
# In swap order. The folders first: they are the bulk, and the small files follow.
PARTS = ("db", "storage", "storage-index.json", "auth.json", "workspace.json")


def recover(data_dir: Path) -> bool:
    """Finish or forget a restore a kill interrupted; call before any service opens its files.
    Returns whether a restore was finished."""
    staging = data_dir / RESTORE_DIR
    if not staging.exists():
        return False
    if (staging / READY).exists():
        log.warning("finishing a snapshot restore that was interrupted")
        swap(data_dir)
        clean_up(data_dir)
        return True
    shutil.rmtree(staging, ignore_errors=True)  # the state before the restore stays
    return False


def stage(data_dir: Path, snapshots: SnapshotStore, snapshot: Snapshot, *, workspace_file: dict,
          index_secret: str, index_port: int) -> tuple[dict[str, list[dict]], int]:
    """Build the snapshot's state in ``.restore/`` and write the commit marker; returns the
    collections (read from the staged files) and the journal point they contain."""
    staging = data_dir / RESTORE_DIR
    if staging.exists():
        shutil.rmtree(staging)
    try:
        return _stage(staging, snapshots, snapshot, workspace_file, index_secret, index_port)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # before READY: the live state was never touched
        raise


def _stage(staging: Path, snapshots: SnapshotStore, snapshot: Snapshot, workspace_file: dict,
           index_secret: str, index_port: int) -> tuple[dict[str, list[dict]], int]:
    from app.core.snapshots.store import clone_or_copy, link_or_copy

    make_private_dir(staging)
    db = staging / "db"
    db.mkdir(mode=0o700)
    for path in sorted((snapshot.folder / "db").glob("*.json")):
        link_or_copy(path, db / path.name)
    collections, seq = snapshots.load_collections(snapshot)
    storage = staging / "storage"
    storage.mkdir(mode=0o700)
    files, hashes = {}, []
    for path, entry in sorted(snapshots.load_storage(snapshot).items()):
        blob = snapshots.checked_blob(entry, path)
        target = disk_path(storage, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        clone_or_copy(blob, target)  # the live file is its own: edits to it never reach the blob
        st = target.stat()  # the same inode once renamed into place
        hashes.append((st, entry["sha256"]))
        files[path] = {"owner": entry["owner"], "size": entry["size"], "contentType": entry["contentType"],
                       "uploadedAt": entry["uploadedAt"], "mtimeNs": st.st_mtime_ns}
    write_json(staging / "storage-index.json",
               {"version": 1, "secret": index_secret, "port": index_port, "files": files, "pending": {}}, indent=None)
    state = snapshots.load_state(snapshot)
    write_json(staging / "auth.json", state.get("auth") or {})
    write_json(staging / "workspace.json", workspace_file)
    fsync_dir(db)
    fsync_dir(staging)
    write_text_atomic(staging / READY, snapshot.id)
    snapshots.remember_hashes(hashes)  # the next save reads none of these files again
    return collections, seq


def swap(data_dir: Path) -> None:
    """Move every staged part into place; safe to repeat from any point after ``READY``."""
    staging = data_dir / RESTORE_DIR
    for part in PARTS:
        staged = staging / part
        if not staged.exists():
            continue  # already in place
        live = data_dir / part
        if staged.is_dir():
            if live.exists():
                old = staging / f"old-{part}"
                if old.exists():
                    shutil.rmtree(old)
                os.rename(live, old)
            os.rename(staged, live)
        else:
            os.replace(staged, live)
    fsync_dir(data_dir)


def clean_up(data_dir: Path) -> None:
    staging = data_dir / RESTORE_DIR
    (staging / READY).unlink(missing_ok=True)
    fsync_dir(staging)
    shutil.rmtree(staging, ignore_errors=True)
