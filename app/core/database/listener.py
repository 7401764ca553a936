"""One realtime listener: its caller, its query, its current result and its waiting snapshots."""

from __future__ import annotations

import json
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
_MISSING = object()


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


class StoreOrder:
    """Where each document of a collection is in the store's order, as a rank: new documents
    come last, a replaced one keeps its rank. Built from the store at a feed sequence number and
    kept current by the changes after it (one per watched collection, shared by its listeners)."""

    def __init__(self, documents: list[dict], seq: int) -> None:
        self._ranks = {id_key(doc["_id"]): rank for rank, doc in enumerate(documents)}
        self._next = len(documents)
        self._seq = seq

    def follow(self, seq: int, changes: list[Change]) -> None:
        if seq <= self._seq:
            return  # already in the documents it was built from
        for change in changes:
            key = id_key(change.doc_id)
            if change.doc is None:
                self._ranks.pop(key, None)
            elif key not in self._ranks:
                self._ranks[key] = self._next
                self._next += 1

    def rank(self, doc: dict) -> int:
        return self._ranks.get(id_key(doc["_id"]), self._next)


class ResultView:
    """What one query shows one kind of reader now: the visible matching documents
    (``members``) and the result (``window``: them in order, cut to the limit and to 5,000).

    Listeners with the same collection, query, order, limit and owner restriction see the same
    result whenever they were opened, so they share one view (a class of 30 watching one chat
    costs one update per write, not 30); each listener numbers its own snapshots from it."""

    def __init__(self, service: DatabaseService, collection: str, query: Mapping | None, order: Any,
                 limit: int | None, owner: str | None, store_order: StoreOrder | None, seq: int) -> None:
        self.collection = collection
        self._sort = order if normalize_order(order) else DEFAULT_ORDER
        # The top-level fields its order reads: a change that leaves them alone moves nothing.
        self._sort_roots = tuple({parts[0] for parts, _ in normalize_order(self._sort)})
        self._match = compile_query(query)
        self._owner = owner
        self._cap = MAX_DOCS if limit is None else min(limit, MAX_DOCS)
        self._store_order = store_order
        self.seq = seq  # the feed's sequence number its result includes
        self.members: dict = {}
        self.window: list[dict] = []
        self.window_keys: set = set()
        self._last: tuple[int, list | None] = (-1, None)  # the raw events of the last write it applied

    def load(self, candidates: list[dict]) -> None:
        self.members = {id_key(doc["_id"]): doc for doc in candidates if self.visible(doc)}
        self._order()

    def visible(self, doc: dict | None) -> bool:
        return doc is not None and owns(doc, self._owner) and self._match(doc)

    def apply(self, seq: int, changes: list[Change]) -> list[tuple] | None:
        """The raw events (queue, dataType, docId, doc, change or None) of one committed write's
        changes, None when they leave the result as it was. Shared: the first of its listeners
        to ask applies the write, the others get the same answer."""
        if seq == self._last[0]:
            return self._last[1]
        if seq <= self.seq:
            return None  # made after the write: its result includes it already
        events = self._apply(changes)
        self.seq, self._last = seq, (seq, events)
        return events

    def _apply(self, changes: list[Change]) -> list[tuple] | None:
        touched: dict[Any, Change] = {}
        moved = False  # whether the result's order may have changed, or only documents in place
        for change in changes:
            key = id_key(change.doc_id)
            was = key in self.members
            if self.visible(change.doc):
                if not moved:
                    if was:
                        before, after = self.members[key], change.doc
                        moved = any(before.get(root, _MISSING) != after.get(root, _MISSING) for root in self._sort_roots)
                    else:
                        moved = True
                self.members[key] = change.doc
            elif was:
                del self.members[key]
                moved = True
            else:
                continue
            touched[key] = change
        if not touched or (not moved and touched.keys().isdisjoint(self.window_keys)):
            return None  # nothing it shows changed: members outside the result changed in place
        before = {id_key(doc["_id"]): doc for doc in self.window}
        if moved:
            self._order()
        else:  # the same members in the same order: the window keeps its documents' places
            self.window = [self.members[key] for key in before]
        return difference(before, self.window, self.window_keys, touched) or None

    def _order(self) -> None:
        members = self.members.values()
        if self._store_order is not None:  # a document that left and came back is last here
            members = sorted(members, key=self._store_order.rank)
        self.window = sort_documents(members, self._sort, self._cap)
        self.window_keys = {id_key(doc["_id"]) for doc in self.window}


def difference(before: dict, window: list[dict], after: set, touched: Mapping[Any, Change]) -> list[tuple]:
    """The raw events, ``(queue, dataType, docId, doc, (updatedFields, removedFields) | None)``,
    from the result ``before`` (key → doc) to ``window`` (keys ``after``): each touched document
    that is or was in it, then what the limit pushed in or out."""
    events = []
    for key, change in touched.items():
        queue = ("update" if key in after else "dequeue") if key in before else ("enqueue" if key in after else None)
        if queue is not None:
            fields = field_changes(change.old, change.doc) if change.data_type == UPDATE else None
            events.append((queue, change.data_type, change.doc_id,
                           change.doc if change.doc is not None else change.old, fields))
    for doc in window:
        key = id_key(doc["_id"])
        if key not in before and key not in touched:
            events.append(("enqueue", SIDE_EFFECT, doc["_id"], doc, None))
    for key, doc in before.items():
        if key not in after and key not in touched:
            events.append(("dequeue", SIDE_EFFECT, doc["_id"], doc, None))
    return events


class ResultViews:
    """The views listeners share, by what decides their result. A listener joins a view only
    while the hub has no write waiting to be applied (else the view could be behind the store
    it just read), and a view lives while a listener uses it."""

    def __init__(self) -> None:
        self._views: dict[tuple, tuple[ResultView, int]] = {}
        self._lock = threading.Lock()  # listeners open and close on request threads, the hub's worker rejudges

    def view(self, service: DatabaseService, collection: str, query: Mapping | None, order: Any,
             limit: int | None, owner: str | None, store_order: StoreOrder | None, seq: int, *,
             candidates: Callable[[], list[dict]], shareable: bool) -> ResultView:
        key = (collection, _canonical(query), _canonical(order), limit, owner)
        with self._lock:
            found = self._views.get(key) if shareable else None
            if found is not None and found[0].seq == seq:
                self._views[key] = (found[0], found[1] + 1)
                return found[0]
        view = ResultView(service, collection, query, order, limit, owner, store_order, seq)
        view.load(candidates())
        if shareable:
            with self._lock:
                self._views[key] = (view, 1)  # a view that fell behind is left to its listeners
        return view

    def release(self, view: ResultView) -> None:
        with self._lock:
            for key, (shared, users) in list(self._views.items()):
                if shared is view:
                    if users > 1:
                        self._views[key] = (shared, users - 1)
                    else:
                        del self._views[key]

    def caught_up(self, seq: int) -> None:
        """Every write up to ``seq`` is applied: views no write changed are current too."""
        with self._lock:
            for view, _ in self._views.values():
                view.seq = max(view.seq, seq)


def _canonical(value: Any) -> str:
    return json.dumps(ejson.to_ejson(value), sort_keys=True, ensure_ascii=False, default=str)


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
    views: ResultViews
    seq: int  # the feed's sequence number at opening: its result includes every write up to it
    store_order: StoreOrder | None = None  # ties in its order go as in the store, as in a query
    tag: str | None = None
    opened_by: str | None = None  # the event of its opening: its deliveries show under it
    on_snapshot: Callable[[Any], None] | None = None
    closed: bool = False
    view: ResultView | None = None
    _snapshots: int = 0
    _events: int = 0
    _queue: deque = field(default_factory=deque)
    _error: WatchError | None = None
    _woken: bool = False
    _ready: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        """Checks the query as a read would (raises CloudError) and reads the result; the
        caller holds the store's lock."""
        if self.limit is not None and (type(self.limit) is not int or self.limit <= 0):
            raise CloudError(-501007, Reason("watch.limit_invalid", "limit must be a positive integer"))
        normalize_order(self.order)  # a bad order is refused at opening
        compile_query(self.query)
        self.reread(self.seq, shareable=True)

    @property
    def since(self) -> int:
        return self.seq

    # -- the result ------------------------------------------------------------------------------

    def reread(self, seq: int, shareable: bool = False) -> Snapshot | None:
        """Judge the caller again and read the result from the store (under its lock) as of
        ``seq``; the snapshot of what entered or left it, None when nothing did."""
        self.service.require_collection(self.collection)
        candidates = self.service._candidates(self.collection, self.query, None)
        access = self.service.read_access(self.caller, self.collection, self.query,
                                          candidates if self.single else None)
        old = self.view
        # A doc(id) listener's rule is judged on each version for its own caller: its view is its own.
        self.view = self.views.view(self.service, self.collection, self.query, self.order, self.limit, access.owner,
                                    self.store_order, seq, candidates=lambda: candidates,
                                    shareable=shareable and not self.single)
        self.seq = seq
        if old is None:
            return None  # the first reading: its snapshot is the init one
        self.views.release(old)
        before = {id_key(doc["_id"]): doc for doc in old.window}
        events = difference(before, self.view.window, self.view.window_keys, {})
        return self._snapshot(events, self.view.window) if events else None

    def init_snapshot(self) -> Snapshot:
        window = self.view.window
        return self._snapshot([("init", "init", doc["_id"], doc, None) for doc in window], window, init=True)

    def apply(self, seq: int, changes: list[Change]) -> Snapshot | None:
        """The snapshot for one committed write's changes to this collection, None when they do
        not change this listener's result."""
        if self.single:
            # A doc(id) listener was judged on the document as it was when it opened (perhaps
            # not there yet): judge its new version too, as a get() of it would be. Raises
            # PermissionDenied when the rule no longer lets the caller read it.
            self.service.read_access(self.caller, self.collection, self.query,
                                     [change.doc for change in changes if change.doc is not None])
        view = self.view
        if view is None:
            return None  # closed meanwhile (on another thread)
        self.seq = seq
        events = view.apply(seq, changes)
        return self._snapshot(events, view.window) if events else None

    def release(self) -> None:
        """It has ended: its view is no longer kept for it (once, however it ended)."""
        view, self.view = self.view, None
        if view is not None:
            self.views.release(view)

    def _snapshot(self, raw: list[tuple], window: list[dict], init: bool = False) -> Snapshot:
        """This listener's snapshot of raw events: its own snapshot and event numbers."""
        changes = []
        for queue, data_type, doc_id, doc, fields in raw:
            self._events += 1
            event = {"id": self._events, "queueType": queue, "dataType": data_type, "docId": doc_id}
            if doc is not None:
                event["doc"] = doc
            if fields is not None:
                event["updatedFields"], event["removedFields"] = fields
            changes.append(event)
        self._snapshots += 1
        return Snapshot(self._snapshots, changes, list(window), init)

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

    def wake(self) -> None:
        """End a wait in ``take`` now (its reader is handing the listener over), without closing."""
        with self._ready:
            self._woken = True
            self._ready.notify_all()

    def take(self, timeout: float) -> tuple[list[Snapshot], WatchError | None]:
        with self._ready:
            self._ready.wait_for(lambda: self._queue or self.closed or self._woken, timeout)
            self._woken = False
            snapshots = list(self._queue)
            self._queue.clear()
            return snapshots, self._error

    def describe(self) -> dict:
        return {"id": self.id, "persona": self.caller.persona, "openid": self.caller.openid,
                "caller": self.caller.kind, "collection": self.collection, "query": ejson.to_ejson(self.query),
                "order": self.order, "limit": self.limit, "doc": self.single, "tag": self.tag,
                "snapshots": self._snapshots}
