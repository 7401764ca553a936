"""Who sent a request over HTTP: a function run we started (by its seqId), or an outside process.

node-sdk builds each request's ``seqId`` as ``<TCB_SEQID>-<eventId>`` (``eventId`` is
``<hex ms>_<hex counter>``; tcb-wire §2), or just ``<eventId>`` when ``TCB_SEQID`` is unset.
A run we start puts its invocation id in ``TCB_SEQID`` and registers it here while it runs,
so its requests are dispatched as its own caller and nest under its invocation.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from app.core.requests import Caller

# What node-sdk appends to TCB_SEQID (node-sdk 2.9–3.17 ``utils/tracing``).
_EVENT_SUFFIX = re.compile(r"-[0-9a-f]+_[0-9a-f]+$")
# The id travels unescaped in the query string (``&seqId=${seqId}``), so keep it URL-safe.
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


@dataclass(frozen=True)
class Origin:
    """Whom a request is made for, and the request it belongs under in the timeline."""

    caller: Caller
    parent_id: str | None = None


class InvocationRegistry:
    """The function runs currently allowed to call in, by their ``TCB_SEQID``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, Origin] = {}

    @contextmanager
    def register(self, seq_id: str, caller: Caller, parent_id: str | None) -> Iterator[None]:
        """While the ``with`` block runs, requests whose seqId starts with ``seq_id`` are its."""
        if not isinstance(seq_id, str) or not _SAFE_ID.match(seq_id):
            raise ValueError(f"a seq id must be 1-128 of A-Z a-z 0-9 _ . : -, not {seq_id!r}")
        with self._lock:
            if seq_id in self._runs:
                raise ValueError(f"seq id {seq_id!r} is already registered")
            self._runs[seq_id] = Origin(caller, parent_id)
        try:
            yield
        finally:
            with self._lock:
                self._runs.pop(seq_id, None)

    def lookup(self, seq_id: str | None) -> Origin | None:
        """The registered run a request's seqId belongs to, or None."""
        if not seq_id:
            return None
        with self._lock:
            found = self._runs.get(_EVENT_SUFFIX.sub("", seq_id))
            # A whole seqId that equals a registered id (a caller that sends it bare).
            return found if found is not None else self._runs.get(seq_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._runs)


def source_of(header: str | None) -> str:
    """The SOURCE chain of an ``X-TCB-Source`` header: ``",scf"`` → ``scf``, ``"wx_client,scf"`` kept."""
    parts = [part.strip() for part in (header or "").split(",") if part.strip()]
    return ",".join(parts) or "unknown"
