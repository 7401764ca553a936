"""The request log: one ``Event`` per handled request, kept in memory and in events.jsonl."""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Callable

from app.core.jsonfile import open_log
from app.core.requests import Decision

log = logging.getLogger(__name__)

OUTCOME_OK = "ok"
OUTCOME_ERROR = "error"
OUTCOME_DENIED = "denied"

MAX_IN_MEMORY = 5000
ROTATE_BYTES = 5 * 1024 * 1024
_CLIP_CHARS = 64 * 1024  # a 1 MB query result would make the log and the timeline sluggish


@dataclass(frozen=True)
class Event:
    """One handled request as the timeline shows it."""

    id: str
    time: float  # Unix seconds
    action: str
    caller_kind: str
    persona: str | None
    openid: str | None
    source: str
    target: str
    duration_ms: float
    # ok, error or denied, as the caller met it: denied whenever the permission decision was a
    # refusal, even if the call answered (a batch's refused item, with its error code); error
    # also when the answer carried a failure (a mini program doc(id).get() that found nothing).
    outcome: str
    params: Any
    result: Any = None
    error_code: int | str | None = None
    error_message: str | None = None
    permission_allowed: bool | None = None
    permission_reason: str | None = None
    parent_id: str | None = None
    # The decision's structured fields (``Decision.details()``: kind, mode, rule, values,
    # missing), JSON-able; None for requests without a decision and for older events.
    permission: dict | None = None
    # The error as a Reason's dict (``reasons.Reason.to_dict``) when core gave one, so the app
    # can say it in the person's language; ``error_message`` keeps the English.
    error_reason: dict | None = None
    # How a database request found its documents (``requests.Trace.plan``): ``{"collection",
    # "index": the index's name, or None for a full scan (全表扫描), "examined": documents looked
    # at, "sorted": whether the index gave the order}``; None for other requests and older events.
    plan: dict | None = None

    @property
    def service(self) -> str:
        return self.action.split(".", 1)[0]

    @property
    def came_back_empty(self) -> bool:
        """Found nothing, or a write that reached no document (under READONLY the cloud answers
        someone else's update with "0 updated" rather than a refusal): worth explaining too."""
        result = self.result if isinstance(self.result, dict) else {}
        reached_nothing = (result.get("updated") == 0 and not result.get("upsert_id")) or result.get("deleted") == 0
        return result.get("list") == [] or result.get("total") == 0 or reached_nothing

    @property
    def decision(self) -> Decision | None:
        """The permission decision as the handler made it, structured fields included."""
        if self.permission_allowed is None:
            return None
        return Decision.of(self.permission_allowed, self.permission_reason or "", self.permission)

    def to_json(self) -> str:
        # The fields as they are: asdict() would deep-copy every params, result and decision
        # only for json to read them once.
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)}, ensure_ascii=False, default=str)


def clip(value: Any) -> Any:
    """Keep a value for the log, or a short preview when its JSON is too long (with its
    ``$length`` when it was encoded whole)."""
    if _holds_long_list(value):
        return _clip_early(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= _CLIP_CHARS:
        return value
    return {"$clipped": text[:_CLIP_CHARS], "$length": len(text)}


_LONG_LIST = 256  # items: a list this long may be megabytes of JSON (an import, a 100k listing)
_INCREMENTAL = json.JSONEncoder(ensure_ascii=False, default=str)


def _holds_long_list(value: Any, depth: int = 2) -> bool:
    if isinstance(value, list):  # an import's CheckedDocuments too
        return len(value) > _LONG_LIST
    if type(value) is not dict or depth == 0:
        return False
    return any(_holds_long_list(v, depth - 1) for v in value.values())


def _clip_early(value: Any) -> Any:
    """Encode only as much as the preview keeps: all of it could take longer than the request."""
    chunks, size = [], 0
    for chunk in _INCREMENTAL.iterencode(value):  # a generator: stops when we do
        chunks.append(chunk)
        size += len(chunk)
        if size > _CLIP_CHARS:
            return {"$clipped": "".join(chunks)[:_CLIP_CHARS]}
    return value


Listener = Callable[[Event], None]


class EventLog:
    """Appends events, notifies subscribers, and keeps the recent ones for the timeline.

    Subscribers are called on the thread that handled the request; a Qt bridge re-emits
    them as signals so widgets are touched only on the GUI thread.
    """

    def __init__(self, path: Path | None, since: float | None = None) -> None:
        """``since``: keep in memory only the logged events after it (the timeline was cleared)."""
        self._path = path
        self._lock = threading.Lock()
        self._recent: deque[Event] = deque(maxlen=MAX_IN_MEMORY)
        self._listeners: list[Listener] = []
        self._handle = None  # kept open: reopening per request cost more than the request
        if path is not None:
            self._recent.extend(e for e in _load_tail(path) if since is None or e.time > since)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` for every new event; returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def append(self, event: Event) -> None:
        with self._lock:
            self._recent.append(event)
            self._write(event)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken view must not fail the request it watches
                log.exception("event listener failed")

    def clear_recent(self) -> None:
        """Forget the recent events (a cleared timeline); events.jsonl keeps them all."""
        with self._lock:
            self._recent.clear()

    def recent(self) -> list[Event]:
        """Events oldest first, as far back as memory keeps them."""
        with self._lock:
            return list(self._recent)

    def _write(self, event: Event) -> None:
        if self._path is None:
            return
        try:
            if self._handle is None:
                self._handle = open_log(self._path)
            elif self._handle.tell() > ROTATE_BYTES:
                self._handle.close()
                self._path.replace(self._path.with_suffix(".1.jsonl"))
                self._handle = open_log(self._path)
            # One write of a whole line, flushed: a kill leaves at most a cut last line.
            self._handle.write(event.to_json() + "\n")
            self._handle.flush()
        except OSError:
            log.exception("could not write the event log %s", self._path)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def _load_tail(path: Path) -> list[Event]:
    """The last events of a previous session, skipping a line cut short by a kill."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()[-MAX_IN_MEMORY:]
    except (FileNotFoundError, UnicodeDecodeError):
        return []
    events = []
    for line in lines:
        try:
            events.append(_upgraded(Event(**json.loads(line))))
        except (ValueError, TypeError):
            continue
    return events


def _upgraded(event: Event) -> Event:
    """An event as this version logs it: older ones logged a batch's refusal as ok."""
    if event.outcome == OUTCOME_OK and event.permission_allowed is False:
        return replace(event, outcome=OUTCOME_DENIED)
    return event
