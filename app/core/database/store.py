"""Every collection of a workspace, in memory and indexed by ``_id``, journaled to ``db/``.

Durability: a write is acknowledged (its method returns) once its journal record went out in
one write() call; it is then in the OS page cache, which a ``kill -9`` of the app does not
lose. Compaction rewrites changed collections as TinyDB files (temp + fsync + ``os.replace``)
in the background, at ``flush()`` and at ``close()``, and only then deletes the journal
generations it covered. Every collection file records the last sequence number it contains,
so replaying a journal over it is idempotent; a crash at any point leaves each file whole
(old or new) and every acknowledged record in a file or in a journal. The journal is also
fsynced about once a second, which bounds what a power cut (not a kill) can take.
The file formats are described in ``journal.py``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.database.indexes import INDEX_OPS, IndexCatalog
from app.core.database.journal import (
    CREATE,
    DROP,
    INSERT,
    REMOVE,
    REPLACE,
    Journal,
    apply_op,
    id_key,
    read_collection,
    undo_ops,
    write_collection,
)
from app.core.database.store_parts import DuplicateIdError, gc_paused  # noqa: F401 (both are used from here)
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.jsonfile import fsync_dir, make_private_dir, remove_stale_temp_files

if TYPE_CHECKING:  # the change feed's code loads with the first listener
    from app.core.database.changes import Change

log = logging.getLogger(__name__)

COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
SYNC_INTERVAL = 1.0  # seconds between background fsyncs of the journal


@dataclass
class _Group:
    """The writes of an open ``batch()``: applied in memory, journaled together at its end."""

    ops: list = field(default_factory=list)
    undo: list = field(default_factory=list)
    changed: dict = field(default_factory=dict)  # collection names in order (a set that keeps it)
    changes: list = field(default_factory=list)  # the change feed's, gathered only when it has a consumer
    indexes: dict = field(default_factory=dict)  # the index definitions before it, for its undo


@dataclass
class _Plan:
    seq: int
    snapshot: dict[str, list[dict]]
    deletions: set[str]
    retired: list[Path]


class DocumentStore:
    """Every collection of one workspace: in memory, indexed by _id, journaled to disk.

    Documents are the store's own: ``get`` and ``documents`` return the live dicts, and a dict
    given to ``insert``/``replace`` belongs to the store afterwards. Never mutate either; build
    a new dict and ``replace`` it. ``lock`` guards everything; hold it around read-modify-write
    sequences. A single ``batch()`` is atomic on disk, even across collections.
    """

    def __init__(
        self, db_dir: Path, *, compact_after_bytes: int = 4 << 20, background: bool = True
    ) -> None:
        self.lock = threading.RLock()
        self._dir = Path(db_dir)
        self._compact_after = compact_after_bytes
        self._compact_lock = threading.Lock()  # taken after ``lock``, never before it
        self._collections: dict[str, dict[Any, dict]] = {}
        self._dirty: set[str] = set()
        self._on_disk: set[str] = set()
        self._rewrite_all = False
        self._group: _Group | None = None
        self._listeners: list[Callable[[str], None]] = []
        self._feed: list[Callable[[list[Change]], None]] = []
        self.indexes = IndexCatalog()  # read it under ``lock``
        self._journal = Journal(self._dir)
        self._seq = 0
        self._closed = False
        self._load()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, name="wxsim-db-compact", daemon=True)
            self._thread.start()

    # -- reads ---------------------------------------------------------------------------------

    def collection_names(self) -> list[str]:
        with self.lock:
            return sorted(self._collections)

    def has_collection(self, name: str) -> bool:
        with self.lock:
            return name in self._collections

    def documents(self, name: str, *, copy: bool = True) -> list[dict]:
        """All documents in insertion order: a new list of the live dicts (do not mutate), or with
        ``copy=False`` the live view itself, for a caller that holds ``lock`` and only reads."""
        with self.lock:
            return list(self._table(name).values()) if copy else self._table(name).values()

    def get(self, name: str, doc_id: Any) -> dict | None:
        """The document with this ``_id`` (live: do not mutate), or None; O(1)."""
        with self.lock:
            return self._table(name).get(id_key(doc_id))

    def by_keys(self, name: str, keys: list) -> list[dict]:
        """The documents with these ``_id`` keys (``journal.id_key``), in that order; hold ``lock``."""
        table = self._table(name)
        return [table[key] for key in keys]

    def count(self, name: str) -> int:
        with self.lock:
            return len(self._table(name))

    def _table(self, name: str) -> dict[Any, dict]:
        table = self._collections.get(name)
        if table is None:
            raise CloudError(-502005, Reason("database.store_no_collection", "Db or Table not exist: {name}",
                                             name=name))
        return table

    # -- writes --------------------------------------------------------------------------------

    def create_collection(self, name: str) -> bool:
        """Create an empty collection; False if it already existed."""
        with self.lock:
            if name in self._collections:
                return False
            changed = self._write((CREATE, name, None))
        self._after(changed)
        return True

    def drop_collection(self, name: str) -> bool:
        """Drop a collection and, at the next compaction, its file; False if it did not exist."""
        with self.lock:
            if name not in self._collections:
                return False
            changed = self._write((DROP, name, None))
        self._after(changed)
        return True

    def insert(self, name: str, docs: list[dict]) -> None:
        """Add documents (each with its ``_id``); one duplicate and none are added."""
        with self.lock:
            table = self._table(name)
            seen = set()
            for doc in docs:
                key = id_key(doc["_id"])
                if key in table or key in seen:
                    raise DuplicateIdError(doc["_id"])
                seen.add(key)
            if not seen:
                return
            changed = self._write((INSERT, name, list(docs)))
        self._after(changed)

    def replace(self, name: str, docs: list[dict], *, update: bool = False) -> None:
        """Swap in new versions of existing documents, each keeping its place in the order;
        ``update`` tells the change feed they come from ``update`` (else from ``set``)."""
        with self.lock:
            table = self._table(name)
            for doc in docs:
                if id_key(doc["_id"]) not in table:
                    raise KeyError(f"no document with _id {doc['_id']!r} in {name}")
            if not docs:
                return
            changed = self._write((REPLACE, name, list(docs)), update=update)
        self._after(changed)

    def remove(self, name: str, ids: list) -> int:
        """Remove the documents with these ``_id``s; returns how many existed."""
        with self.lock:
            table = self._table(name)
            found = {}
            for doc_id in ids:
                key = id_key(doc_id)
                if key in table:
                    found[key] = table[key]["_id"]
            if not found:
                return 0
            changed = self._write((REMOVE, name, list(found.values())))
        self._after(changed)
        return len(found)

    def write_index(self, op: tuple) -> None:
        """Journal and apply an index definition's ``INDEX_CREATE``/``INDEX_DROP`` op (indexes.py)."""
        with self.lock:
            self._table(op[1])
            changed = self._write(op)
        self._after(changed)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one journal record: after a crash all or none of them are there.

        The lock is held throughout. Writes are visible inside at once; if the block raises,
        they are undone and nothing is written. Nested batches join the outer one.
        """
        with self.lock:
            if self._group is not None:
                yield
                return
            group = self._group = _Group(indexes=self.indexes.save())
            try:
                yield
                if group.ops:
                    self._commit(group.ops)
                    if group.changes:
                        self._publish(group.changes)
            except BaseException:
                undo_ops(self._collections, group.undo)
                self.indexes.restore(group.indexes, self._collections, group.changed)
                raise
            finally:
                self._group = None
            self._dirty.update(group.changed)
        self._after(list(group.changed))

    def on_change(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(collection)`` after each committed write; returns the unsubscribe."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return unsubscribe

    def on_commit(self, consumer: Callable[[list[Change]], None]) -> Callable[[], None]:
        """The change feed: ``consumer(changes)`` for each committed write (a batch is one
        call), in commit order, once it is journaled and while ``lock`` is held, so it must be
        quick and must not write. Returns the unsubscribe."""
        with self.lock:
            self._feed.append(consumer)

        def unsubscribe() -> None:
            with self.lock:
                if consumer in self._feed:
                    self._feed.remove(consumer)

        return unsubscribe

    def _changes_of(self, op: tuple, update: bool) -> list[Change]:
        from app.core.database.changes import changes_of  # only while a listener is open

        return changes_of(self._collections, op, update=update)

    def _publish(self, changes: list[Change]) -> None:
        for consumer in tuple(self._feed):
            try:
                consumer(changes)
            except Exception:
                log.exception("a change feed consumer failed")

    def _write(self, op: tuple, *, update: bool = False) -> list[str]:
        """Journal then apply one op (or queue it in the open batch); the names to notify."""
        if self._closed:
            raise RuntimeError("the document store is closed")
        group = self._group
        # Read before applying (old versions still there); skipped when nobody consumes the feed.
        changes = self._changes_of(op, update) if self._feed and op[0] not in INDEX_OPS else None
        indexed = self.indexes.prepare(op, self._collections)  # a unique index may refuse it here
        if group is not None:
            if changes:
                group.changes.extend(changes)
            group.undo.append(apply_op(self._collections, op, undoable=True))
            if indexed is not None:
                indexed()
            group.ops.append(op)
            group.changed[op[1]] = None
            return []
        self._commit([op])  # raises before anything changed if the record cannot be written
        apply_op(self._collections, op)
        if indexed is not None:
            indexed()
        self._dirty.add(op[1])
        if changes:
            self._publish(changes)
        return [op[1]]

    def _commit(self, ops: list) -> None:
        self._journal.append(self._seq + 1, ops)
        self._seq += 1

    def _after(self, changed: list[str]) -> None:
        for name in changed:
            for callback in tuple(self._listeners):
                try:
                    callback(name)
                except Exception:
                    log.exception("an on_change callback failed for %s", name)
        if changed and self._journal.size >= self._compact_after:
            if self._thread is not None:
                self._wake.set()
            else:
                try:
                    self._compact()
                except OSError:  # the write itself is safe in the journal; retried next time
                    log.exception("compacting the database journal failed")

    # -- files ---------------------------------------------------------------------------------

    def _file(self, name: str) -> Path:
        return self._dir / f"{name}.json"

    def _load(self) -> None:
        make_private_dir(self._dir)
        remove_stale_temp_files(self._dir)
        with gc_paused():
            self._read_files()
        self._journal.open()

    def _read_files(self) -> None:
        contains: dict[str, int] = {}
        for path in self._dir.glob("*.json"):
            if not COLLECTION_NAME.fullmatch(path.stem):
                continue
            docs, seq = read_collection(path)
            self._collections[path.stem] = {id_key(doc["_id"]): doc for doc in docs}
            self.indexes.load(path.stem, docs.indexes)
            contains[path.stem] = seq
            self._on_disk.add(path.stem)
        last = max(contains.values(), default=0)
        for seq, ops in self._journal.replay():
            for op in ops:
                if seq > contains.get(op[1], 0):  # older records are in the file already
                    apply_op(self._collections, op)
                    self.indexes.replay(op)
                    self._dirty.add(op[1])
            last = max(last, seq)
        self._seq = last
        self.indexes.build(self._collections)

    def flush(self) -> None:
        """Compact every journal into its collection file now (raises if that fails)."""
        self._compact()

    def _compact(self) -> None:
        with self.lock:
            if self._group is not None:
                raise RuntimeError("flush() inside batch(): the batch is not committed yet")
            self._compact_lock.acquire()
            try:
                plan = self._plan()
            except BaseException:
                self._compact_lock.release()
                raise
        # The slow part runs without ``lock``: the snapshot lists stay valid because documents
        # are never mutated, only replaced, and later writes go to the new journal generation.
        try:
            self._carry_out(plan)
        except BaseException:
            self._rewrite_all = True  # dirty marks were consumed; be safe next time
            raise
        finally:
            self._compact_lock.release()

    def _plan(self) -> _Plan:
        retired = self._journal.rotate()
        names = (
            set(self._collections) if self._rewrite_all else self._dirty & set(self._collections)
        )
        self._rewrite_all = False
        self._dirty.clear()
        return _Plan(
            seq=self._seq,
            snapshot={name: self.indexes.documents(name, self._collections[name].values()) for name in names},
            deletions=self._on_disk - set(self._collections),
            retired=retired,
        )

    def _carry_out(self, plan: _Plan) -> None:
        for name, docs in plan.snapshot.items():
            write_collection(self._file(name), docs, plan.seq)
            self._on_disk.add(name)
        for name in plan.deletions:
            self._file(name).unlink(missing_ok=True)
            self._on_disk.discard(name)
        if plan.deletions:
            fsync_dir(self._dir)
        # Only now is every record of these generations in a durable collection file.
        self._journal.discard(plan.retired)

    def _run(self) -> None:
        while True:
            self._wake.wait(SYNC_INTERVAL)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if self._journal.size >= self._compact_after:
                    self._compact()
                else:
                    self._sync_journal()
            except Exception:
                log.exception("background compaction of the database failed; will retry")

    def _sync_journal(self) -> None:
        with self.lock:
            fd = self._journal.take_unsynced()
        if fd is not None:
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    # -- snapshots (``app/core/snapshots``) ------------------------------------------------------

    def freeze(self) -> tuple[int, dict[str, list[dict]]]:
        """Every collection's documents (``journal.Documents``: with its index definitions) at one
        journal point, and that point's sequence number.

        Cheap under the lock (lists of the live dicts, which are never mutated); the caller
        writes them out after releasing it, as compaction does.
        """
        with self.lock:
            if self._group is not None:
                raise RuntimeError("freeze() inside batch(): the batch is not committed yet")
            return self._seq, {name: self.indexes.documents(name, table.values())
                               for name, table in self._collections.items()}

    @contextmanager
    def swapping(self) -> Iterator[Callable[[dict[str, list[dict]], int], None]]:
        """Hold the store still while its folder is replaced on disk (a snapshot's restore).

        Inside, the journal is closed and no compaction runs; call the yielded
        ``install(collections, seq)`` once ``db/`` holds the new files, to take those documents
        (already read from them) as the store's state. Listeners see every old collection
        dropped, and ``on_change`` hears every old and new name afterwards.
        """
        names: list[str] = []
        with self.lock:
            if self._group is not None:
                raise RuntimeError("swapping() inside batch()")
            with self._compact_lock:
                old = sorted(self._collections)
                if self._feed:
                    for name in old:
                        self._publish(self._changes_of((DROP, name, None), False))
                self._journal.close()
                installed = False

                def install(collections: dict[str, list[dict]], seq: int) -> None:
                    nonlocal installed
                    self._collections = {name: {id_key(doc["_id"]): doc for doc in docs}
                                         for name, docs in collections.items()}
                    self.indexes.install(collections, self._collections)
                    self._on_disk = set(collections)
                    self._dirty = set()
                    self._rewrite_all = False
                    self._seq = seq
                    installed = True

                try:
                    yield install
                finally:
                    # Whatever happened, the store goes on with a journal in the folder it has:
                    # the restore's redo at the next open settles what is on disk.
                    self._journal = Journal(self._dir)
                    self._journal.open()
                names = sorted(set(old) | set(self._collections)) if installed else old
        self._after(names)

    def close(self) -> None:
        """Stop the background thread, compact everything and close the journal."""
        if self._closed:
            return
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join()
        try:
            self._compact()
        finally:  # if compaction failed, the journal still holds every write: keep it
            with self.lock:
                self._closed = True
                self._journal.close()
