"""The document store's files: the append-only journal and the TinyDB-format collection files.

Journal: ``db/_journal.<generation>.log``, one record per line,
``<crc32 of the payload, 8 hex> <payload JSON>\\n``, where the payload is
``{"s": sequence, "o": [[kind, collection, data], ...]}``. JSON escapes every control
character, so a newline only ever ends a record, and a record torn by a kill (no newline,
or a checksum that does not match) is recognised and cut off at the next open.

Collection file: ``db/<name>.json`` is a stock TinyDB database. Table ``_default`` holds the
documents under doc_ids 1..n in insertion order (renumbered at every compaction; the
document's own ``_id`` stays inside it); table ``_wxsim`` holds ``{"format": 1, "seq": n}``,
the last journal sequence number the file contains, which makes replay idempotent, and
``"indexes"``: the collection's index definitions (``indexes.py``), when it has any.
Dates are stored as ``{"$date": "<ISO, ms>Z"}`` (Extended JSON) and read back as aware UTC
datetimes.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bson.objectid import ObjectId

from app.core.database.ejson import decode as decode_ejson
from app.core.database.ejson import iso_date, to_ejson
from app.core.database.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, not_finite, stored_form, too_deep
from app.core.errors import SimulatorError
from app.core.jsonfile import atomic_file, open_private

try:  # a compiled wheel; without it every document takes json's path
    import orjson
except ImportError:  # pragma: no cover - the pinned dependency is installed
    orjson = None

log = logging.getLogger(__name__)

META_TABLE = "_wxsim"
DOCS_TABLE = "_default"
FORMAT = 1
_JOURNAL_NAME = re.compile(r"_journal\.(\d+)\.log")
_PATTERN = type(re.compile(""))
_CHUNK = 500  # documents per json.dumps call (~1 ms), so compaction never holds the GIL long
_OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)


class CorruptFileError(SimulatorError):
    """A collection file that is not a readable TinyDB database (edited or damaged by hand)."""


# -- values <-> JSON text ----------------------------------------------------------------------


def dumps(value: Any) -> str:
    """Compact JSON of engine values; dates, regexes and bytes become Extended JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_special)


def _special(value: Any) -> Any:
    # Called by the C encoder only for what plain JSON lacks, so no Python walk over documents.
    if value.__class__ is datetime and value.tzinfo is UTC and value.year >= 1000:
        return {"$date": value.isoformat(timespec="milliseconds")[:-6] + "Z"}  # iso_date's usual case, inline
    if isinstance(value, datetime):
        if value.tzinfo is None:  # the engine reads naive datetimes as UTC
            value = value.replace(tzinfo=UTC)
        return {"$date": iso_date(value)}
    if isinstance(value, _PATTERN):
        return to_ejson(value)
    if isinstance(value, (bytes, bytearray)):
        return {"$binary": {"base64": base64.b64encode(value).decode("ascii"), "subType": "00"}}
    if isinstance(value, ObjectId):  # loads reads the wrapper back through decode_ejson
        return {"$oid": str(value)}
    raise TypeError(f"a {type(value).__name__} cannot be stored in a document")


def loads(text: str | bytes) -> Any:
    """Parse JSON written by ``dumps`` (or by hand) back into engine values."""
    return json.loads(text, object_hook=_decode_object)


def _decode_object(obj: dict) -> Any:
    if len(obj) != 1:
        return obj
    value = obj.get("$date")
    if value.__class__ is str:
        try:
            return datetime.fromisoformat(value).astimezone(UTC)
        except ValueError:
            pass
    key = next(iter(obj))
    if key[:1] != "$":
        return obj
    return decode_ejson(json.dumps(obj))  # rarer wrappers: $numberLong, $regularExpression, ...


# -- what a record means -----------------------------------------------------------------------

# The op kinds of a record: [kind, collection, data] with data the documents (insert, replace),
# the _ids (remove) or null (create, drop).
INSERT, REPLACE, REMOVE, CREATE, DROP = "i", "r", "d", "c", "x"
# An index's definition made (data: its definition) or dropped (data: its name); the documents
# do not change, the store's ``IndexCatalog`` keeps them (``indexes.py``).
INDEX_CREATE, INDEX_DROP = "ci", "di"
Collections = dict[str, dict[Any, dict]]


class Documents(list):
    """A collection's documents with its index definitions (``indexes``), as its file holds them:
    ``write_collection`` writes them into the meta table and ``read_collection`` reads them back,
    so whatever passes a collection's documents along (snapshots, restores) keeps its indexes."""

    def __init__(self, docs: Any = (), indexes: list[dict] | None = None) -> None:
        super().__init__(docs)
        self.indexes = indexes or []


def id_key(doc_id: Any) -> Any:
    """The index key of an ``_id``: "1" and 1 differ, 1 and 1.0 match (BSON), true is not 1."""
    kind = type(doc_id)
    if kind is str or kind is int or kind is float:
        return doc_id
    if kind is bool:
        return ("$bool", doc_id)
    try:
        hash(doc_id)
    except TypeError:  # an object _id: Mongo compares them field by field, in order
        return ("$json", dumps(doc_id))
    return doc_id


def apply_op(collections: Collections, op: tuple | list, undoable: bool = False) -> Any:
    """Apply one op to the in-memory collections; with ``undoable``, return how to revert it.

    Replay comes here too, so an op on a missing collection is skipped: that happens only when
    a compaction already deleted the file of a collection that a later record drops.
    """
    kind, name, data = op
    if kind == INDEX_CREATE or kind == INDEX_DROP:
        return None
    if kind == CREATE:
        if name in collections:
            return None
        collections[name] = {}
        return (CREATE, name, None)
    if kind == DROP:
        return (DROP, name, collections.pop(name, None))
    table = collections.get(name)
    if table is None:
        return None
    if kind == REMOVE:
        before = dict(table) if undoable else None  # a dict cannot re-insert at a position
        for doc_id in data:
            table.pop(id_key(doc_id), None)
        return (REMOVE, name, before)
    old = [] if undoable else None
    for doc in data:
        key = id_key(doc["_id"])
        if undoable:
            old.append((key, table.get(key)))
        table[key] = doc  # assigning to an existing key keeps its place in the order
    return (kind, name, old)


def undo_ops(collections: Collections, undo: list) -> None:
    """Revert what ``apply_op(..., undoable=True)`` returned, newest first."""
    for entry in reversed(undo):
        if entry is None:
            continue
        kind, name, saved = entry
        if kind == CREATE:
            collections.pop(name, None)
        elif kind in (DROP, REMOVE):
            if saved is not None:
                collections[name] = saved
        else:
            table = collections[name]
            for key, doc in reversed(saved):
                if doc is None:
                    table.pop(key, None)
                else:
                    table[key] = doc


# -- collection files --------------------------------------------------------------------------


def write_collection(path: Path, docs: list[dict], seq: int) -> None:
    """Atomically (temp + fsync + replace) write ``docs`` as a TinyDB file that contains ``seq``.

    Streamed in chunks rather than through ``jsonfile.write_text_atomic``: one 25 MB string
    would double the memory and hold the GIL long enough to stall writers for tens of ms.
    """
    with atomic_file(path) as handle:
        info = {"format": FORMAT, "seq": seq}
        if getattr(docs, "indexes", None):
            info["indexes"] = docs.indexes
        meta = dumps({META_TABLE: {"1": info}})[:-1]
        handle.write(f'{meta},"{DOCS_TABLE}":{{'.encode())
        for start in range(0, len(docs), _CHUNK):
            chunk = {
                str(start + i): doc for i, doc in enumerate(docs[start : start + _CHUNK], 1)
            }
            handle.write((b"," if start else b"") + dumps(chunk)[1:-1].encode("utf-8"))
            time.sleep(0)  # let a waiting writer thread have the GIL between chunks
        handle.write(b"}}")


def read_collection(path: Path) -> tuple[Documents, int]:
    """The documents of a collection file in insertion order (with its index definitions as
    ``.indexes``), and the sequence it contains."""
    try:
        data = loads(path.read_bytes())
        table = data.get(DOCS_TABLE) or {}
        info = (data.get(META_TABLE) or {}).get("1", {})
        seq = int(info.get("seq", 0))
        indexes = info.get("indexes") or []
        if not isinstance(indexes, list):
            raise TypeError("indexes is not a list")
        rows = sorted(table.items(), key=lambda row: int(row[0]))
    except (ValueError, TypeError, AttributeError) as exc:
        raise CorruptFileError(f"{path} is not a readable collection file: {exc}") from exc
    docs = Documents((), indexes)
    for doc_id, doc in rows:
        if not isinstance(doc, dict):
            raise CorruptFileError(f"{path}: document {doc_id} is not an object")
        # A file made with stock TinyDB may lack our _id; its doc_id is the natural stand-in.
        docs.append(doc if "_id" in doc else {"_id": doc_id, **doc})
    return docs, seq


# -- the journal -------------------------------------------------------------------------------


class Journal:
    """Append-only record files; the newest generation takes appends, older ones await deletion.

    Not thread-safe by itself: the store calls ``append``/``rotate``/``take_unsynced`` under its
    lock and ``discard`` under its compaction lock.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._fd: int | None = None
        self._path: Path | None = None
        self._gen = 0
        self._retired: list[Path] = []
        self._unsynced = False
        self._damaged: OSError | None = None
        self.size = 0  # bytes in the current generation

    def _generations(self) -> list[tuple[int, Path]]:
        found = []
        for path in self._folder.iterdir():
            match = _JOURNAL_NAME.fullmatch(path.name)
            if match:
                found.append((int(match.group(1)), path))
        return sorted(found)

    def replay(self) -> Iterator[tuple[int, list]]:
        """Every whole record of every generation, oldest first; torn tails are cut off."""
        for _gen, path in self._generations():
            data = path.read_bytes()
            records, end = _parse(data)
            if end < len(data):
                # Only a write killed mid-way leaves this; that write never returned.
                log.warning("%s: dropping %d bytes of an unfinished record", path, len(data) - end)
                with open(path, "r+b") as handle:
                    handle.truncate(end)
                    handle.flush()
                    os.fsync(handle.fileno())
            yield from records

    def open(self) -> None:
        """Start taking appends on the newest generation (after ``replay``)."""
        gens = self._generations()
        self._retired = [path for _gen, path in gens[:-1]]
        self._gen = gens[-1][0] if gens else 1
        self._path = self._folder / f"_journal.{self._gen:08d}.log"
        self._fd = open_private(self._path, _OPEN_FLAGS)
        self.size = os.fstat(self._fd).st_size

    def append(self, seq: int, ops: list) -> None:
        """Write one record with a single write(); it is in the OS page cache when this returns."""
        if self._fd is None:
            raise RuntimeError("the document store is closed")
        if self._damaged is not None:
            raise OSError(f"the database journal could not be repaired: {self._damaged}")
        payload = record_payload(seq, ops)  # may refuse a document: then nothing is written
        line = b"%08x %s\n" % (zlib.crc32(payload), payload)
        try:
            view = memoryview(line)
            while view:
                view = view[os.write(self._fd, view) :]
        except BaseException:
            # Cut a partial record off now, or the next append would be glued onto it.
            try:
                os.ftruncate(self._fd, self.size)
            except OSError as exc:
                self._damaged = exc
            raise
        self.size += len(line)
        self._unsynced = True

    def rotate(self) -> list[Path]:
        """Send appends to a new generation; returns every generation a compaction now covers."""
        if self.size > 0 and self._fd is not None:
            path = self._folder / f"_journal.{self._gen + 1:08d}.log"
            fd = open_private(path, _OPEN_FLAGS)
            os.close(self._fd)
            self._retired.append(self._path)
            self._fd, self._path, self._gen, self.size = fd, path, self._gen + 1, 0
            self._unsynced = False
        return list(self._retired)

    def discard(self, paths: list[Path]) -> None:
        """Delete generations whose records are all in the collection files now."""
        for path in paths:
            path.unlink(missing_ok=True)
            if path in self._retired:
                self._retired.remove(path)

    def take_unsynced(self) -> int | None:
        """A duplicate descriptor to fsync outside the lock, if anything was appended since."""
        if self._fd is None or not self._unsynced:
            return None
        self._unsynced = False
        return os.dup(self._fd)

    def close(self) -> None:
        """fsync and close; an empty generation is removed so a clean folder holds only .json."""
        if self._fd is None:
            return
        if self.size:
            os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        if self.size == 0:
            self._path.unlink(missing_ok=True)


def record_payload(seq: int, ops: list) -> bytes:
    """``{"s": seq, "o": ops}`` as UTF-8 JSON, each inserted or replaced document checked.

    The same text ``dumps`` gives, built one document at a time so that each one's stored
    size and depth are known (``limits.stored_form``) and a NaN, an infinity or a lone
    surrogate is refused with a CloudError instead of writing JSON nobody can read back.
    """
    parts = []
    for kind, name, data in ops:
        if kind == INSERT or kind == REPLACE:
            docs = b",".join([document_bytes(doc, update=kind == REPLACE) for doc in data])
            parts.append(b"[%s,%s,[%s]]" % (dumps(kind).encode(), dumps(name).encode("utf-8"), docs))
        else:
            parts.append(dumps([kind, name, data]).encode("utf-8"))
    return b'{"s":%d,"o":[%s]}' % (seq, b",".join(parts))


def document_bytes(doc: dict, *, update: bool) -> bytes:
    """One document as the journal stores it (UTF-8 compact JSON), or the CloudError refusing it."""
    data = _fast_bytes(doc)
    if data is not None:
        return data
    try:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=_special,
                          allow_nan=False)
    except ValueError as exc:
        if "Out of range float" in str(exc):  # allow_nan=False: NaN or ±Infinity
            raise not_finite() from None
        raise
    except RecursionError:  # far past the depth limit: the encoder itself gave up
        raise too_deep(update=update) from None
    return stored_form(text, update=update)


_ORJSON_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS) if orjson else 0
_FAST_MAX_BYTES = MAX_DOCUMENT_BYTES - (1 << 20)  # near the limit json measures, to the byte


def _fast_bytes(doc: dict) -> bytes | None:
    """orjson's text of an ordinary document (about half json's time with dates), or None: json's
    path decides, with its errors. orjson writes NaN and Infinity as null, so a text with ``null``
    is checked for them (json's path refuses them); large or deeply nested documents go there too
    (measured and refused there), as does whatever orjson refuses (integers past 64 bits, lone
    surrogates, other key types). Dates,
    regexes, bytes and ObjectIds get ``_special``'s Extended JSON either way; a float may be
    spelt differently (``1e16`` for ``1e+16``), never read back differently."""
    if orjson is None:
        return None
    try:
        data = orjson.dumps(doc, default=_special, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return None
    if len(data) > _FAST_MAX_BYTES or data.count(b"{") + data.count(b"[") > MAX_DEPTH:
        return None
    if b"null" in data and not _finite(doc):
        return None
    return data


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in ``value`` (orjson would have written it as null)."""
    if value.__class__ is float:
        return value - value == 0.0
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(item) for item in value)
    return True


def _parse(data: bytes) -> tuple[list[tuple[int, list]], int]:
    """The whole, checksummed records at the start of ``data`` and where they end."""
    records = []
    pos = 0
    while True:
        newline = data.find(b"\n", pos)
        if newline < 0:
            return records, pos
        line = data[pos:newline]
        try:
            if line[8:9] != b" " or int(line[:8], 16) != zlib.crc32(line[9:]):
                return records, pos
            record = loads(line[9:])
            records.append((int(record["s"]), record["o"]))
        except (ValueError, KeyError, TypeError):
            return records, pos
        pos = newline + 1
