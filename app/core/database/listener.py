"""One realtime listener: its caller, its query, its current result and its waiting snapshots."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.database import ejson
from app.core.database.changes import UPDATE, Change, field_changes
from app.core.database.journal import id_key
from app.core.database.ordering import normalize_order, sort_documents
from app.core.database.permissions import owns
from app.core.database.query import compile_query
from app.core.database.service import DatabaseService
from app.core.errors import CloudError
from app.core.reasons import Reason
from app.core.requests import Caller

MAX_DOCS = 5000  # spec §3.12: a listener's result is capped at 5,000 records
DEFAULT_ORDER = [("_id", -1)]  # spec §3.12: without orderBy, _id descending
# dataType of a document that entered or left the result without changing itself: pushed past
# the limit, or made visible or invisible by a permission change (the SDK's internal "limit").
SIDE_EFFECT = "limit"


@dataclass(frozen=True)
class Snapshot:
    """``{id, docChanges, docs, type?}`` of spec §3.12, documents in engine form."""

    id: int
    doc_changes: list[dict]
    docs: list[dict]
    init: bool = False

    def to_wire(self) -> dict:
        changes = [{**change, **{key: ejson.to_ejson(change[key]) for key in ("doc", "updatedFields")
                                 if key in change}} for change in self.doc_changes]
        wire = {"id": self.id, "docChanges": changes, "docs": [ejson.to_ejson(doc) for doc in self.docs]}
        return {**wire, "type": "init"} if self.init else wire


@dataclass(frozen=True)
class WatchError:
    """Why a listener ended (its ``onError``): a -4020xx code and a reason."""

    code: int
    reason: Reason

    def to_wire(self) -> dict:
        return {"errCode": self.code, "errMsg": self.reason.text}


@dataclass
class Listener:
    id: str
    service: DatabaseService
    caller: Caller
    collection: str
    query: Mapping | None
    order: Any
    limit: int | None
    single: bool
    tag: str | None = None
    opened_by: str | None = None  # the event of its opening: its deliveries show under it
    on_snapshot: Callable[[Any], None] | None = None
    since: int = 0  # the feed's sequence number this listener's result already includes
    closed: bool = False
    members: dict = field(default_factory=dict)
    window: list = field(default_factory=list)
    _owner: str | None = None
    _snapshots: int = 0
    _events: int = 0
    _queue: deque = field(default_factory=deque)
    _error: WatchError | None = None
    _ready: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        """Checks the query as a read would (raises CloudError) and reads the result; the
        caller holds the store's lock."""
        if self.limit is not None and (type(self.limit) is not int or self.limit <= 0):
            raise CloudError(-501007, Reason("watch.limit_invalid", "limit must be a positive integer"))
        self._sort = self.order if normalize_order(self.order) else DEFAULT_ORDER
        self._match = compile_query(self.query)
        self.reread()

    # -- the result ------------------------------------------------------------------------------

    def reread(self) -> Snapshot | None:
        """Judge the caller again and read the result from the store (under its lock); the
        snapshot of what entered or left it, None when nothing did."""
        candidates = self._candidates()
        access = self.service.read_access(self.caller, self.collection, self.query,
                                          candidates if self.single else None)
        self._owner = access.owner
        self.members = {id_key(doc["_id"]): doc for doc in candidates if self._visible(doc)}
        return self._result({})

    def _candidates(self) -> list[dict]:
        self.service.require_collection(self.collection)
        return self.service._candidates(self.collection, self.query, None)

    def _visible(self, doc: dict | None) -> bool:
        return doc is not None and owns(doc, self._owner) and self._match(doc)

    def init_snapshot(self) -> Snapshot:
        changes = [self._event("init", "init", doc["_id"], doc) for doc in self.window]
        return self._snapshot(changes, init=True)

    def apply(self, changes: list[Change]) -> Snapshot | None:
        """The snapshot for one committed write's changes to this collection, None when they do
        not change this listener's result."""
        if self.single:
            # A doc(id) listener was judged on the document as it was when it opened (perhaps
            # not there yet): judge its new version too, as a get() of it would be. Raises
            # PermissionDenied when the rule no longer lets the caller read it.
            self.service.read_access(self.caller, self.collection, self.query,
                                     [change.doc for change in changes if change.doc is not None])
        touched: dict[Any, Change] = {}
        for change in changes:
            key = id_key(change.doc_id)
            was = key in self.members
            if self._visible(change.doc):
                self.members[key] = change.doc
            elif was:
                del self.members[key]
            else:
                continue
            touched[key] = change
        return self._result(touched) if touched else None

    def _result(self, touched: dict[Any, Change]) -> Snapshot | None:
        before = {id_key(doc["_id"]): doc for doc in self.window}
        cap = MAX_DOCS if self.limit is None else min(self.limit, MAX_DOCS)
        self.window = sort_documents(self.members.values(), self._sort, cap)
        after = {id_key(doc["_id"]) for doc in self.window}
        if not self._snapshots:
            return None  # the first reading: its snapshot is the init one
        events = []
        for key, change in touched.items():
            queue = ("update" if key in after else "dequeue") if key in before else ("enqueue" if key in after else None)
            if queue is not None:
                events.append(self._change_event(queue, change))
        for doc in self.window:
            key = id_key(doc["_id"])
            if key not in before and key not in touched:
                events.append(self._event("enqueue", SIDE_EFFECT, doc["_id"], doc))
        for key, doc in before.items():
            if key not in after and key not in touched:
                events.append(self._event("dequeue", SIDE_EFFECT, doc["_id"], doc))
        return self._snapshot(events) if events else None

    def _change_event(self, queue: str, change: Change) -> dict:
        event = self._event(queue, change.data_type, change.doc_id, change.doc if change.doc is not None else change.old)
        if change.data_type == UPDATE:
            event["updatedFields"], event["removedFields"] = field_changes(change.old, change.doc)
        return event

    def _event(self, queue: str, data_type: str, doc_id: Any, doc: dict | None) -> dict:
        self._events += 1
        event = {"id": self._events, "queueType": queue, "dataType": data_type, "docId": doc_id}
        return event if doc is None else {**event, "doc": doc}

    def _snapshot(self, changes: list[dict], init: bool = False) -> Snapshot:
        self._snapshots += 1
        return Snapshot(self._snapshots, changes, list(self.window), init)

    # -- delivery --------------------------------------------------------------------------------

    def deliver(self, snapshot: Snapshot, limit: int | None = None) -> bool:
        """Hand a snapshot to the callback, or queue it for ``take``; False (nothing queued)
        when ``limit`` snapshots are already waiting."""
        if self.on_snapshot is not None:
            if not self.closed:
                self.on_snapshot(snapshot)
            return True
        with self._ready:
            if self.closed:
                return True
            if limit is not None and len(self._queue) >= limit:
                return False
            self._queue.append(snapshot)
            self._ready.notify_all()
        return True

    def fail(self, error: WatchError) -> None:
        with self._ready:
            if self.closed:
                return
            self.closed = True
            self._error = error
            self._ready.notify_all()
        if self.on_snapshot is not None:
            self.on_snapshot(error)

    def close(self) -> None:
        with self._ready:
            self.closed = True
            self._queue.clear()
            self._ready.notify_all()

    def take(self, timeout: float) -> tuple[list[Snapshot], WatchError | None]:
        with self._ready:
            self._ready.wait_for(lambda: self._queue or self.closed, timeout)
            snapshots = list(self._queue)
            self._queue.clear()
            return snapshots, self._error

    def describe(self) -> dict:
        return {"id": self.id, "persona": self.caller.persona, "openid": self.caller.openid,
                "caller": self.caller.kind, "collection": self.collection, "query": ejson.to_ejson(self.query),
                "order": self.order, "limit": self.limit, "doc": self.single, "tag": self.tag,
                "snapshots": self._snapshots}
