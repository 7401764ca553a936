"""The database service: collections, documents and permissions over the engine and store."""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from app.core.database.dry_run import DryRunStore
from app.core.database.indexes import drop_refused
from app.core.database.find import count as count_matches
from app.core.database.find import find, ordered
from app.core.database.permissions import Access, owns
from app.core.database.query import compile_query
from app.core.database.regex_budget import regex_budget
from app.core.database.rules_guard import CUSTOM, RulesGuard
from app.core.database.store import DocumentStore, DuplicateIdError
from app.core.database.update import apply_update
from app.core.database.values import is_object_id
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller

_MISSING = object()

COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
_MAX_OFFSET_MS = 3e13  # about 950 years either way: the server date stays a datetime
CLIENT_LIMIT = 20  # spec §3.6: the mini program's default and maximum
SERVER_LIMIT, SERVER_MAX = 100, 1000
MAX_COLLECTIONS = 100  # spec §3.11, the old quota


@dataclass(frozen=True)
class ImportReport:
    inserted: int
    replaced: int
    conflicts: list
    created: bool = False  # the import made the collection (``create``)


@dataclass(frozen=True)
class Modified:
    updated: int
    upsert_id: Any = None


class DatabaseService:
    """Every database operation, for client callers (rules apply) and admins (no rules).

    Args:
        store: where documents live.
        mode_of: the permission mode of a collection.
        clock: seconds since the epoch; feeds serverDate and generated ids.
        rules_of: a CUSTOM collection's security rules object (None: none saved).
    """

    def __init__(
        self,
        store: DocumentStore,
        mode_of: Callable[[str], str],
        clock: Callable[[], float] = time.time,
        rules_of: Callable[[str], Any] = lambda collection: None,
    ) -> None:
        self.store = store
        self._mode_of = mode_of
        self._clock = clock
        self.rules = RulesGuard(store, mode_of, rules_of, clock)  # CUSTOM collections (spec §4.2)
        self._id_lock = threading.Lock()
        self._id_counter = int.from_bytes(os.urandom(4), "big")

    def over(self, store) -> "DatabaseService":
        """This service (modes, rules, clock) over another view of the store: a transaction's."""
        return DatabaseService(store, self._mode_of, self._clock, self.rules.saved)

    def dry_run(self, what_if: tuple[str, dict] | None = None) -> "DatabaseService":
        """This service over the live documents, making no write (``DryRunStore``); with
        ``what_if`` = (collection, rules) that collection is judged as CUSTOM under those rules,
        for the requests of this view only (nothing is saved, other requests are unaffected)."""
        mode_of, rules_of = self._mode_of, self.rules.saved
        if what_if is not None:
            edited, rules = what_if
            mode_of = lambda collection: CUSTOM if collection == edited else self._mode_of(collection)  # noqa: E731
            rules_of = lambda collection: rules if collection == edited else self.rules.saved(collection)  # noqa: E731
        return DatabaseService(DryRunStore(self.store), mode_of, self._clock, rules_of)

    # -- collections ---------------------------------------------------------------------------

    def create_collection(self, name: str) -> None:
        with self.store.lock:
            self._check_new_collection(name)
            self.store.create_collection(name)

    def _check_new_collection(self, name: str) -> None:
        _check_name(name)
        if self.store.has_collection(name):
            raise CloudError(-502001, Reason("database.table_exists", "Table exist: {name}", name=name))
        if len(self.store.collection_names()) >= MAX_COLLECTIONS:
            raise CloudError(-502004, Reason("database.too_many_collections", "at most {limit} collections per "
                                             "environment", limit=MAX_COLLECTIONS))

    def drop_collection(self, name: str) -> None:
        self.require_collection(name)
        self.store.drop_collection(name)

    # -- reads ---------------------------------------------------------------------------------

    def get(
        self,
        caller: Caller,
        collection: str,
        query: Mapping | None,
        *,
        order: Any = None,
        skip: int = 0,
        limit: int | None = None,
        projection: Mapping | None = None,
        single: bool = False,
    ) -> tuple[list[dict], Access]:
        """The documents the caller may see; ``single`` is ``doc(id).get()`` (no limit)."""
        access = self._access(caller, "read", collection)
        if single:
            limit = 1
        elif caller.is_client:
            limit = min(limit or CLIENT_LIMIT, CLIENT_LIMIT)
        else:
            limit = min(limit or SERVER_LIMIT, SERVER_MAX)
        with self.store.lock:
            walk = None if single else _planner().in_index_order(self.store, collection, query, order)
            if walk is not None:  # an index gives the order: no sort, and it stops at the page's end
                docs, order = (d for d in walk if access.owner is None or owns(d, access.owner)), None
            else:
                docs = self._candidates(collection, query, access.owner)
            access = self._ruled(access, caller, collection,
                                 lambda: self.rules.read(caller, collection, query, docs if single else None))
            return find(docs, query, order, skip or 0, limit, projection), access

    def count_hidden(self, collection: str, query: Mapping | None, owner: str) -> int:
        """How many documents matching ``query`` an owner-limited read skipped (other users')."""
        with self.store.lock:
            others = [d for d in self._candidates(collection, query, None) if not owns(d, owner)]
            return count_matches(others, query)

    def read_access(self, caller: Caller, collection: str, query: Mapping | None, docs: list | None = None) -> Access:
        """Whether the caller may run this query (a count, a listener), and which documents it
        reaches (``owner``); ``docs``: the one document a ``doc(id)`` read names, for rules that
        need it. Raises PermissionDenied as the query itself would."""
        access = self._access(caller, "read", collection)
        return self._ruled(access, caller, collection, lambda: self.rules.read(caller, collection, query, docs))

    def has_document(self, collection: str, doc_id: Any) -> bool:
        """Whether a document with this ``_id`` exists, whoever may see it (for the event log)."""
        return type(doc_id) in (str, int, float) and self.store.get(collection, doc_id) is not None

    def count(self, caller: Caller, collection: str, query: Mapping | None) -> tuple[int, Access]:
        access = self.read_access(caller, collection, query)
        with self.store.lock:  # held while counting: a full scan reads the store's view, no copy
            return count_matches(self._candidates(collection, query, access.owner, copy=False), query), access

    # -- writes --------------------------------------------------------------------------------

    def insert(self, caller: Caller, collection: str, docs: list[dict]) -> tuple[list, Access]:
        access = self._access(caller, "create", collection)
        prepared = []
        for data in docs:
            if not isinstance(data, dict):
                raise CloudError(-501007, data_should_be_object())
            doc = dict(data)
            doc_id = doc.pop("_id", None)
            if doc_id is None:
                doc_id = self.new_id()
            elif type(doc_id) not in (str, int, float) and not is_object_id(doc_id):
                raise CloudError(-501007, Reason("database.id_type", "_id must be a string or a number"))
            if caller.is_client:
                doc["_openid"] = caller.openid  # stamped, never forgeable (spec §3.8)
            prepared.append({"_id": doc_id, **doc})
        for doc in prepared:
            access = self._ruled(access, caller, collection, lambda: self.rules.create(caller, collection, doc))
        try:
            self.store.insert(collection, prepared)
        except DuplicateIdError as exc:
            raise CloudError(-502001, Reason(
                "database.duplicate_key", "E11000 duplicate key error collection: {collection} index: _id_ dup key: "
                "{{ _id: {doc_id} }}", collection=collection, doc_id=repr(exc.doc_id),
            )) from None
        return [doc["_id"] for doc in prepared], access

    def modify(
        self,
        caller: Caller,
        collection: str,
        query: Mapping | None,
        data: Mapping,
        *,
        multi: bool,
        merge: bool,
        upsert: bool,
        single: bool = False,
    ) -> tuple[Modified, Access]:
        """update (merge) or set (replace, upsert) the matching documents; ``single``: doc(id)."""
        access = self._access(caller, "write", collection)
        if caller.is_client and merge and _touches_openid(data):
            raise CloudError(-502003, openid_unchangeable())
        now = self.now()
        # One regex budget for the query and every $pull condition applied below.
        with self.store.lock, regex_budget():
            match = compile_query(query)
            matched = [d for d in self._candidates(collection, query, None) if match(d)]
            access = self._ruled(access, caller, collection, lambda: self.rules.modify(
                caller, collection, query, data, matched, single=single, merge=merge, upsert=upsert))
            mine = [d for d in matched if owns(d, access.owner)]
            if not multi:
                mine = mine[:1]
            if not merge:
                return self._set(caller, collection, query, data, matched, mine, upsert), access
            changed = []
            for doc in mine:
                result = apply_update(doc, data, now=now)
                if caller.is_client and result.document.get("_openid", _MISSING) != doc.get("_openid", _MISSING):
                    # Belt and braces: whatever path an operator took, a user's identity stays.
                    raise CloudError(-502003, openid_unchangeable())
                if result.changed:
                    changed.append(result.document)
            if changed:
                self.store.replace(collection, changed, update=True)
            return Modified(len(changed)), access

    def _set(self, caller, collection, query, data, matched, mine, upsert) -> Modified:
        if any(key.startswith("$") for key in data):
            raise CloudError(-502001, Reason("database.set_with_operator", "update operator complicit"))
        body = {k: v for k, v in data.items() if k != "_id"}
        if caller.is_client:
            body["_openid"] = caller.openid
        if mine:
            old = mine[0]
            new = {"_id": old["_id"], **body}
            if new == old:
                return Modified(0)
            self.store.replace(collection, [new])
            return Modified(1)
        if matched:  # someone else's document: the implicit _openid condition hides it
            raise CloudError(-502003, Reason("database.not_your_document", "the document belongs to another user"))
        doc_id = (query or {}).get("_id")
        if not upsert or type(doc_id) not in (str, int, float):
            return Modified(0)
        self.store.insert(collection, [{"_id": doc_id, **body}])
        return Modified(0, upsert_id=doc_id)

    def remove(
        self, caller: Caller, collection: str, query: Mapping | None, *, multi: bool, single: bool = False
    ) -> tuple[int, Access]:
        access = self._access(caller, "write", collection)
        with self.store.lock:
            match = compile_query(query)
            hits = [d for d in self._candidates(collection, query, access.owner) if match(d)]
            access = self._ruled(access, caller, collection,
                                 lambda: self.rules.delete(caller, collection, query, hits[:1] if single else None))
            if not multi:
                hits = hits[:1]
            return self.store.remove(collection, [d["_id"] for d in hits]), access

    def import_documents(
        self, collection: str, docs: list[dict], *, upsert: bool, atomic: bool, create: bool = False
    ) -> "ImportReport":
        """The console's import: Insert fails on an existing ``_id``, Upsert replaces it.

        With ``atomic`` one conflict imports nothing; otherwise the others still go in.
        With ``create`` a missing collection is made in the same journal record as its
        documents, so an import that fails or is killed leaves no empty collection behind.
        """
        pending: dict[tuple, dict] = {}  # later lines win under Upsert
        conflicts = []
        with self.store.lock:
            new = create and not self._exists(collection)
            if new:
                self._check_new_collection(collection)
            else:
                self.require_collection(collection)
            for data in docs:
                doc_id = data["_id"] if "_id" in data else self.new_id()
                if "_id" in data and next(iter(data)) == "_id":
                    doc = data  # _id first already (an import file's line): the callers hand over fresh dicts
                else:
                    doc = {"_id": doc_id, **{k: v for k, v in data.items() if k != "_id"}}
                key = (type(doc_id), doc_id)
                if not upsert and (key in pending or (not new and self.store.get(collection, doc_id) is not None)):
                    conflicts.append(doc_id)
                    continue
                pending[key] = doc
            if conflicts and atomic:
                raise CloudError(-502001, Reason(
                    "database.import_conflicts", "E11000 duplicate key error: {n} _id(s) already exist, e.g. "
                    "{example}; nothing was imported", n=len(conflicts), example=repr(conflicts[0]),
                ))
            if not atomic:  # what a unique index refuses is a conflict too; the rest goes in
                pending = drop_refused(self.store, collection, pending, conflicts)
            replaced, fresh = [], []
            for doc in pending.values():
                exists = not new and self.store.get(collection, doc["_id"]) is not None
                (replaced if exists else fresh).append(doc)
            with self.store.batch():  # one journal record: all of it, or (after a crash) none
                if new:
                    self.store.create_collection(collection)
                if replaced:
                    self.store.replace(collection, replaced)
                if fresh:
                    self.store.insert(collection, fresh)
        return ImportReport(inserted=len(fresh), replaced=len(replaced), conflicts=conflicts, created=new)

    def browse(
        self,
        collection: str,
        query: Mapping | None = None,
        order: Any = None,
        skip: int = 0,
        limit: int | None = None,
    ) -> list[dict]:
        """The console's record list: every match, no default limit (read-only, no copies)."""
        self.require_collection(collection)
        with self.store.lock:
            docs = self._candidates(collection, query, None)
            if not query and not order and not skip and not limit:
                return docs
            match = compile_query(query)
            hits = [d for d in docs if match(d)]
        return ordered(hits, query, order)[skip : skip + limit if limit else None]

    # -- helpers -------------------------------------------------------------------------------

    def now(self) -> datetime:
        moment = datetime.fromtimestamp(self._clock(), timezone.utc)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

    def resolve_server_dates(self, value: Any) -> Any:
        """Replace ``db.serverDate({offset})`` placeholders with the server's time."""
        if isinstance(value, dict):
            if len(value) == 1 and "$tcb_server_date" in value:
                options = value["$tcb_server_date"] or {}
                offset = (options.get("offset") if isinstance(options, dict) else None) or 0
                if type(offset) not in (int, float) or offset != offset or abs(offset) > _MAX_OFFSET_MS:
                    raise CloudError(-501007, Reason("database.server_date_offset", "db.serverDate() takes "
                                                     "{{offset: milliseconds}}, not {offset}", offset=repr(offset)))
                return self.now() + timedelta(milliseconds=offset)
            return {k: self.resolve_server_dates(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_server_dates(v) for v in value]
        return value

    def new_id(self) -> str:
        """32 lowercase hex: 8 random, 8 of Unix seconds, 16 of counter and randomness (§10 #19)."""
        with self._id_lock:
            self._id_counter = (self._id_counter + 1) % (1 << 32)
            counter = self._id_counter
        seconds = int(self._clock()) & 0xFFFFFFFF
        return f"{os.urandom(4).hex()}{seconds:08x}{os.urandom(4).hex()}{counter:08x}"

    def _access(self, caller: Caller, operation: str, collection: str) -> Access:
        self.require_collection(collection)
        access = self.rules.mode_access(caller, operation, collection)
        if not access.allowed:
            raise PermissionDenied(access)
        return access

    def _ruled(self, access: Access, caller: Caller, collection: str, verdict: Callable[[], Access]) -> Access:
        """Under security rules the rules' ``verdict`` replaces the mode's; -502003 if it refuses."""
        if not self.rules.applies(caller, collection):
            return access
        ruled = verdict()
        if not ruled.allowed:
            raise PermissionDenied(ruled)
        return ruled

    def require_collection(self, collection: str) -> None:
        """-502005 unless the collection exists: even ``add`` needs it (spec §3.9)."""
        if not self._exists(collection):
            raise CloudError(-502005, Reason(
                "database.no_collection", "[ResourceNotFound] Db or Table not exist. Please check your request, but "
                "if the problem cannot be solved, contact us. Db or Table not exist: {collection}",
                collection=collection))

    def _exists(self, collection: str) -> bool:
        return isinstance(collection, str) and self.store.has_collection(collection)

    def _candidates(self, collection: str, query: Mapping | None, owner: str | None,
                    copy: bool = True) -> list[dict]:
        """The documents a query can reach, in store order: one by ``_id`` in O(1), those an
        index finds (``planner.py``), else all of them (``copy=False``: maybe the live view)."""
        docs = _planner().candidates(self.store, collection, query, copy=copy)
        return docs if owner is None else [d for d in docs if owns(d, owner)]


class PermissionDenied(CloudError):
    """-502003, carrying the decision so the event log can say why."""

    def __init__(self, access: Access) -> None:
        super().__init__(-502003, Reason("database.permission_denied", "Permission denied"))
        self.access = access


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not COLLECTION_NAME.match(name):
        raise CloudError(-501007, Reason(
            "database.collection_name_invalid", "invalid collection name {name}: use letters, digits, - and _, "
            "start with a letter or digit, at most 32 characters", name=repr(name),
        ))


def _touches_openid(update: Mapping) -> bool:
    """Whether an update names ``_openid`` as a path it writes: a key, or a ``$rename`` target."""
    for key, value in update.items():
        if key.startswith("$") and isinstance(value, Mapping):
            if any(_is_openid_path(path) for path in value):
                return True
            if key == "$rename" and any(isinstance(to, str) and _is_openid_path(to) for to in value.values()):
                return True
        elif _is_openid_path(key):
            return True
    return False


def _is_openid_path(path: str) -> bool:
    return path.split(".")[0] == "_openid"


def data_should_be_object() -> Reason:
    """The backend's words for an inserted item that is not an object (-501007)."""
    return Reason("database.data_should_be_object", "data should be object")


def openid_unchangeable() -> Reason:
    return Reason("database.openid_unchangeable", "mini program users cannot change _openid")


def _planner():
    """The query planner, loaded with the first query rather than at start-up."""
    from app.core.database import planner

    return planner
