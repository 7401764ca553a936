"""Indexes as the cloud console defines them (索引管理), kept current on every write.

An index is a list of ``(field path, 1|-1)`` keys, maybe ``unique``. Its entries map a key tuple
(one ``values.value_key`` per field, so BSON order and equality: 1 and 1.0 are one key, true is
not 1) to the ``_id`` keys of the documents that have it, in an ordered set. A missing field is
null, so a unique index admits one document without it (spec 索引管理); an empty array has its
own key (``EMPTY``, below null, as ``ordering`` sorts it). An array gives one entry per element
(multikey); a compound index takes at most one array per document (MongoDB: "cannot index
parallel arrays"). The default ``_id_`` index is the store's own dict: always there, unique,
never dropped, never listed among the definitions here.

The store calls ``IndexCatalog.prepare(op, collections)`` before each op: it raises a unique
violation before anything changed and returns what to do to the entries once the op is applied.
Definitions travel as ops too (``INDEX_CREATE``/``INDEX_DROP`` in the journal), and in each
collection file's meta (``journal.Documents.indexes``), so compaction, snapshots and restores
carry them. The query side is ``planner.py``.
"""

from __future__ import annotations

import weakref
from contextlib import nullcontext
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from itertools import product
from typing import Any

from app.core.database.fieldpaths import Parts, reached_values, split_path
from app.core.database.index_keys import entry_reader, prepare_one
from app.core.database.index_specs import (
    EMPTY,
    NULL,
    DuplicateKeyError,
    IndexSpec,
    parallel_arrays,
    show_key,
)
from app.core.database.journal import INDEX_CREATE, INDEX_DROP, Documents, id_key
from app.core.database.store_parts import gc_paused
from app.core.database.values import MISSING, value_key
from app.core.errors import CloudError

TOP = (99,)  # above every value key
_BIG = 1000  # documents in one write
INDEX_OPS = (INDEX_CREATE, INDEX_DROP)


def field_keys(doc: dict, parts: Parts) -> tuple[list[tuple], bool]:
    """The keys one field gives a document, and whether an array (or several values) was met."""
    values = reached_values(doc, parts)
    if len(values) == 1:
        value = values[0]
        kind = type(value)
        if kind is str:
            return [(4, value)], False
        if kind is not list:
            return [NULL if value is MISSING else value_key(value)], False
    keys: dict[tuple, None] = {}
    for value in values:
        if type(value) is list:
            if not value:
                keys[EMPTY] = None
            for item in value:
                keys[value_key(item)] = None
        else:
            keys[NULL if value is MISSING else value_key(value)] = None
    return (list(keys) or [NULL]), True


class Index:
    """One index's entries over one collection."""

    def __init__(self, spec: IndexSpec, collection: str) -> None:
        self.spec = spec
        self.collection = collection
        self.paths = [split_path(field) for field, _ in spec.keys]
        self.buckets: dict[tuple, dict[Any, None]] = {}
        self.arrays = [0] * len(self.paths)  # per field: documents where it met an array
        self._sorted: list[tuple] | None = None
        self.unique = spec.unique
        # one field: its compiled reader for the plain-value case (``index_keys``), else None
        self.read = entry_reader(self.paths[0]) if len(self.paths) == 1 else None

    def keys_of(self, doc: dict) -> tuple[tuple[tuple, ...], tuple[int, ...]]:
        """The document's entries (one key tuple each) and the fields where it met arrays."""
        read = self.read
        if read is not None:  # one field reached through objects only, holding a plain value
            entry = read(doc)
            if entry is not None:
                return (entry,), ()
        per_field, arrays = [], []
        for i, parts in enumerate(self.paths):
            keys, is_array = field_keys(doc, parts)
            per_field.append(keys)
            if is_array:
                arrays.append(i)
        if len(self.paths) == 1:
            return tuple((key,) for key in per_field[0]), tuple(arrays)
        if len([i for i in arrays if len(per_field[i]) > 1]) > 1:
            many = [self.spec.keys[i][0] for i in arrays if len(per_field[i]) > 1]
            raise parallel_arrays(many[1], many[0])
        return tuple(product(*per_field)), tuple(arrays)

    def add(self, key: Any, entries: tuple[tuple, ...], arrays: tuple[int, ...]) -> None:
        """Enter a document's entries (``keys_of``'s answer for it)."""
        for entry in entries:
            bucket = self.buckets.get(entry)
            if bucket is None:
                bucket = self.buckets[entry] = {}
                if self._sorted is not None:
                    insort(self._sorted, entry)
            bucket[key] = None
        for i in arrays:
            self.arrays[i] += 1

    def discard(self, key: Any, doc: dict) -> None:
        """Take out the entries of a document that was entered (documents never change, so its
        keys are found again from it: nothing per document is kept besides the buckets)."""
        entries, arrays = self.keys_of(doc)
        for entry in entries:
            bucket = self.buckets[entry]
            del bucket[key]
            if not bucket:
                del self.buckets[entry]
                if self._sorted is not None:
                    del self._sorted[bisect_left(self._sorted, entry)]
        for i in arrays:
            self.arrays[i] -= 1

    def sorted_keys(self) -> list[tuple]:
        """Every entry key in ascending order (built on first use, then kept current)."""
        if self._sorted is None:
            self._sorted = sorted(self.buckets)
        return self._sorted

    def positions(self, low: tuple, high: tuple) -> tuple[int, int]:
        """Where the entry keys from ``low`` to ``high`` (both inclusive; a shorter tuple is a
        prefix) start and stop in ``sorted_keys()``."""
        keys = self.sorted_keys()
        return bisect_left(keys, low), bisect_right(keys, high)

    def between(self, low: tuple, high: tuple) -> list[tuple]:
        start, stop = self.positions(low, high)
        return self.sorted_keys()[start:stop]

    def shown(self, entry: tuple) -> str:
        return ", ".join(f"{field}: {show_key(key)}" for (field, _), key in zip(self.spec.keys, entry))


class CollectionIndexes:
    """A collection's user indexes and each document's place in the store's order."""

    def __init__(self, name: str, specs: list[IndexSpec]) -> None:
        self.name = name
        self.indexes = [Index(spec, name) for spec in specs]
        self.pos: dict[Any, int] = {}
        self._next = 0

    def build(self, table: dict[Any, dict]) -> None:
        self.pos = dict(zip(table, range(len(table))))
        self._next = len(table)
        for index in self.indexes:
            fill(index, table, self.name)

    def by_name(self, name: str) -> Index | None:
        return next((index for index in self.indexes if index.spec.name == name), None)

    def in_order(self, keys: Iterable[Any]) -> list:
        """The ``_id`` keys in the store's order."""
        return sorted(keys, key=self.pos.__getitem__)


def fill(index: Index, table: dict[Any, dict], collection: str) -> None:
    """Enter every document; a unique index meeting a duplicate raises DuplicateKeyError."""
    with gc_paused():  # millions of new tuples and dicts, none of them garbage
        _fill(index, table, collection)


def _fill(index: Index, table: dict[Any, dict], collection: str) -> None:
    unique, keys_of, buckets = index.spec.unique, index.keys_of, index.buckets
    for key, doc in table.items():
        entries, arrays = keys_of(doc)
        if arrays:
            if unique:
                for entry in entries:
                    if entry in buckets:
                        raise DuplicateKeyError(collection, index.spec.name, index.shown(entry))
            index.add(key, entries, arrays)
            continue
        # ``add`` inlined for the common case: one entry, no array (a new index is not sorted yet).
        for entry in entries:
            bucket = buckets.get(entry)
            if bucket is None:
                buckets[entry] = {key: None}
            elif unique:
                raise DuplicateKeyError(collection, index.spec.name, index.shown(entry))
            else:
                bucket[key] = None


class IndexCatalog:
    """Every collection's index definitions and, for those that have any, their entries."""

    def __init__(self) -> None:
        self._specs: dict[str, list[IndexSpec]] = {}
        self._built: dict[str, CollectionIndexes] = {}
        self._batch: Callable[[], _Saved | None] = lambda: None  # the open batch's record, if any

    # -- reading -------------------------------------------------------------------------------

    def specs(self, name: str) -> list[IndexSpec]:
        return list(self._specs.get(name, ()))

    def of(self, name: str) -> CollectionIndexes | None:
        return self._built.get(name)

    def documents(self, name: str, docs: list[dict]) -> Documents:
        """``docs`` carrying this collection's definitions, for its file."""
        return Documents(docs, [spec.to_json() for spec in self._specs.get(name, ())])

    # -- definitions from files and journal replay ----------------------------------------------

    def load(self, name: str, raw: Iterable[dict] | None) -> None:
        specs = [IndexSpec.from_json(item) for item in raw or ()]
        if specs:
            self._specs[name] = specs
        else:
            self._specs.pop(name, None)

    def replay(self, op: tuple | list) -> None:
        kind, name, data = op
        if kind == INDEX_CREATE:
            self._specs.setdefault(name, []).append(IndexSpec.from_json(data))
        elif kind == INDEX_DROP:
            self._specs[name] = [s for s in self._specs.get(name, ()) if s.name != data]
        elif kind == "x":  # a dropped collection takes its indexes along
            self._specs.pop(name, None)

    def build(self, collections: dict[str, dict[Any, dict]], names: Iterable[str] | None = None) -> None:
        """(Re)build the entries of these collections (all by default) from their documents."""
        for name in list(collections if names is None else names):
            self._built.pop(name, None)
            specs = self._specs.get(name)
            if specs and name in collections:
                built = CollectionIndexes(name, specs)
                try:
                    built.build(collections[name])
                except CloudError:  # a file edited by hand: the definitions stay, queries scan
                    continue
                self._built[name] = built
        for name in [n for n in self._specs if n not in collections]:
            self._specs.pop(name)

    def install(self, collections: dict[str, list[dict]], tables: dict[str, dict[Any, dict]]) -> None:
        """A restore's new state: the definitions its files carried, and their entries."""
        self._specs, self._built = {}, {}
        for name, docs in collections.items():
            self.load(name, getattr(docs, "indexes", None))
        self.build(tables)

    def save(self) -> "_Saved":
        """At a batch's start: the definitions, and (while the batch holds the answer) a record of
        how its writes change the entries, for ``restore``."""
        saved = _Saved({name: list(specs) for name, specs in self._specs.items()})
        self._batch = weakref.ref(saved)  # dead once the batch lets go of it: no more recording
        return saved

    def restore(self, saved: "_Saved", collections: dict[str, dict[Any, dict]], names: Iterable[str]) -> None:
        """After a batch's undo: the definitions as they were, each document write's entries
        undone in reverse, and the collections whose definitions changed rebuilt."""
        self._specs = dict(saved)
        for name, undo in reversed(saved.log):
            if name not in saved.hard:
                undo()
        self.build(collections, saved.hard)
        saved.log.clear()

    # -- writes --------------------------------------------------------------------------------

    def prepare(self, op: tuple, collections: dict[str, dict[Any, dict]]) -> Callable[[], None] | None:
        """Check ``op`` against the unique indexes before it is applied (raises, nothing changed);
        returns what to do once it is, or None when there is nothing."""
        prepared = self._prepare(op, collections)
        if prepared is None:
            return None
        done, undo = prepared
        batch = self._batch()
        if batch is None:
            return done

        def run() -> None:
            if undo is None:
                batch.hard.add(op[1])
            else:
                batch.log.append((op[1], undo))
            done()

        return run

    def _prepare(self, op: tuple, collections: dict[str, dict[Any, dict]]) -> tuple | None:
        """(what to do after the op, how to undo that or None: rebuild), or None: nothing to do."""
        kind, name, data = op
        if kind == INDEX_CREATE:
            return self._prepare_create(name, IndexSpec.from_json(data), collections.get(name, {})), None
        if kind == INDEX_DROP:
            return (lambda: self._drop_index(name, data)), None
        if kind in ("c", "x"):
            return (lambda: self._forget(name)), None
        built = self._built.get(name)
        if built is None:
            return None
        table = collections[name]
        if kind == "d":
            gone = [(key, table[key], built.pos.get(key)) for key in map(id_key, data) if key in table]
            return (lambda: _remove(built, gone)), (lambda: _put_back(built, gone))
        if kind == "i" and len(data) == 1:  # the commonest write: one pass, few allocations
            return prepare_one(list(built.indexes), name, data[0], id_key(data[0]["_id"]), built)
        keys = [id_key(doc["_id"]) for doc in data]
        old = None if kind == "i" else [table.get(key) for key in keys]  # (an insert's _ids are new)
        big = len(data) > _BIG  # an import: no collector passes over the new tuples
        planned = []
        with gc_paused() if big else nullcontext():
            for index in built.indexes:
                entries = [index.keys_of(doc) for doc in data]
                if index.spec.unique:
                    _check_unique(index, name, keys, entries)
                planned.append((index, entries))

        indexes = list(built.indexes)

        def done() -> None:
            with gc_paused() if big else nullcontext():
                enter()
                planned.clear()  # the entries are in the buckets now: no collector pass should meet these

        def enter() -> None:
            pos = built.pos
            for key in keys:
                if key not in pos:
                    pos[key] = built._next
                    built._next += 1
            for index, entries in planned:
                if old is None:
                    _add_new(index, keys, entries)
                    continue
                current = dict(zip(keys, old))  # (an _id twice in one op replaces its own new version)
                for key, doc, (doc_entries, arrays) in zip(keys, data, entries):
                    if current[key] is not None:
                        index.discard(key, current[key])
                    index.add(key, doc_entries, arrays)
                    current[key] = doc

        def undo() -> None:
            steps, current = [], dict(zip(keys, old or [None] * len(keys)))
            for key, doc in zip(keys, data):
                steps.append((key, current[key], doc))
                current[key] = doc
            for index in indexes:
                for key, before, after in reversed(steps):
                    index.discard(key, after)
                    if before is not None:
                        index.add(key, *index.keys_of(before))
            for key, before, _after in steps:
                if before is None:
                    built.pos.pop(key, None)

        return done, undo

    def _prepare_create(self, name: str, spec: IndexSpec, table: dict[Any, dict]) -> Callable[[], None]:
        index = Index(spec, name)
        fill(index, table, name)  # raises on a duplicate or parallel arrays: nothing created

        def done() -> None:
            self._specs.setdefault(name, []).append(spec)
            target = self._built.get(name)
            if target is None:
                target = self._built[name] = CollectionIndexes(name, [])
                target.build(table)
            target.indexes.append(index)

        return done

    def _drop_index(self, name: str, index_name: str) -> None:
        self._specs[name] = [s for s in self._specs.get(name, ()) if s.name != index_name]
        built = self._built.get(name)
        if built is not None:
            built.indexes = [i for i in built.indexes if i.spec.name != index_name]
            if not built.indexes:
                del self._built[name]
        if not self._specs[name]:
            del self._specs[name]

    def _forget(self, name: str) -> None:
        self._specs.pop(name, None)
        self._built.pop(name, None)


def _add_new(index: Index, keys: list, entries: list) -> None:
    """``index.add`` for documents with new ``_id``s, inlined for the commonest entry."""
    buckets, plain = index.buckets, index._sorted is None
    for key, (doc_entries, arrays) in zip(keys, entries):
        if arrays or not plain or len(doc_entries) != 1:
            index.add(key, doc_entries, arrays)
            continue
        bucket = buckets.get(doc_entries[0])
        if bucket is None:
            buckets[doc_entries[0]] = {key: None}
        else:
            bucket[key] = None


def _remove(built: CollectionIndexes, gone: list[tuple[Any, dict, Any]]) -> None:
    for index in built.indexes:
        for key, doc, _pos in gone:
            index.discard(key, doc)
    for key, _doc, _pos in gone:
        built.pos.pop(key, None)


def _put_back(built: CollectionIndexes, gone: list[tuple[Any, dict, Any]]) -> None:
    for index in built.indexes:
        for key, doc, _pos in gone:
            index.add(key, *index.keys_of(doc))
    for key, _doc, pos in gone:
        built.pos[key] = pos


class _Saved(dict):
    """The index definitions at a batch's start (name -> specs), the undo of each document write
    it made (``log``) and the collections whose definitions it changed (``hard``: rebuilt)."""

    def __init__(self, specs: dict) -> None:
        super().__init__(specs)
        self.log: list[tuple[str, Callable[[], None]]] = []
        self.hard: set[str] = set()


def _check_unique(index: Index, collection: str, keys: list, entries: list) -> None:
    mine = set(keys)  # their old entries go: the op replaces them
    claimed: dict[tuple, Any] = {}
    for key, (doc_entries, _arrays) in zip(keys, entries):
        for entry in doc_entries:
            other = claimed.get(entry, key)
            if other != key:
                raise DuplicateKeyError(collection, index.spec.name, index.shown(entry))
            claimed[entry] = key
            bucket = index.buckets.get(entry)
            if bucket and any(owner not in mine for owner in bucket):
                raise DuplicateKeyError(collection, index.spec.name, index.shown(entry))


def drop_refused(store: Any, collection: str, pending: dict, conflicts: list) -> dict:
    """A partial import's documents (``pending``: key -> document, in order) without those an
    index would refuse (a unique key taken, by the collection or an earlier line; parallel
    arrays), whose ``_id``s go to ``conflicts``; each document replaces the one with its ``_id``."""
    catalog = getattr(store, "indexes", None)
    built = catalog.of(collection) if catalog is not None else None
    if built is None:
        return pending
    kept: dict = {}
    claimed: list[dict[tuple, Any]] = [{} for _ in built.indexes]
    for pending_key, doc in pending.items():
        key = id_key(doc["_id"])
        try:
            entries = [index.keys_of(doc)[0] for index in built.indexes]
        except CloudError:
            conflicts.append(doc["_id"])
            continue
        if any(index.spec.unique and _taken(index, claimed[i], entry, key)
               for i, index in enumerate(built.indexes) for entry in entries[i]):
            conflicts.append(doc["_id"])
            continue
        for i, index in enumerate(built.indexes):
            if index.spec.unique:
                claimed[i].update((entry, key) for entry in entries[i])
        kept[pending_key] = doc
    return kept


def _taken(index: Index, claimed: dict, entry: tuple, key: Any) -> bool:
    owner = claimed.get(entry, key)
    return owner != key or any(other != key for other in index.buckets.get(entry, ()))
