"""The request model of DESIGN §2: who asks (``Caller``) for what (``Request``)."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from app.core.errors import CloudError
from app.core.reasons import Reason

# SOURCE values of getWXContext (spec §2.4), plus the simulator's own front ends.
SOURCE_CLIENT = "wx_client"
SOURCE_CONSOLE = "console"
SOURCE_CLI = "cli"


@dataclass(frozen=True)
class Caller:
    """Who makes a request: a mini program user (rules apply), server code, or the console.

    ``admin`` is server-side code (a cloud function, a real wx-server-sdk over the gateway):
    no security rules, server limits, but untrusted, so simulator-only actions and host
    paths are closed to it. ``console`` is the person at wxsim itself (the panes, the CLI's
    own arguments): the only caller that may manage personas, settings and imports, or name
    a host file.
    """

    kind: Literal["client", "admin", "console"]
    source: str
    openid: str | None = None
    appid: str | None = None
    unionid: str | None = None
    persona: str | None = None  # the persona's name, for the timeline; None when signed out
    trace_user: bool = False  # wx.cloud.init({traceUser: true}) was in effect

    @classmethod
    def client(
        cls,
        openid: str | None,
        appid: str,
        *,
        persona: str | None = None,
        unionid: str | None = None,
        trace_user: bool = True,
        source: str = SOURCE_CLIENT,
    ) -> "Caller":
        return cls("client", source, openid, appid, unionid, persona, trace_user)

    @classmethod
    def admin(cls, source: str = "wx_devtools") -> "Caller":
        """Server-side code: a cloud function or an outside wx-server-sdk."""
        return cls("admin", source)

    @classmethod
    def console(cls, source: str = SOURCE_CONSOLE) -> "Caller":
        """The person at wxsim: a pane, or a command-line argument."""
        return cls("console", source)

    @property
    def is_client(self) -> bool:
        return self.kind == "client"

    @property
    def is_console(self) -> bool:
        return self.kind == "console"


@dataclass(frozen=True)
class Request:
    """One operation in the backend's vocabulary, e.g. ``database.getDocument``."""

    action: str
    params: dict[str, Any]
    caller: Caller
    parent_id: str | None = None  # the enclosing request (a function's own calls nest under it)
    # Host folders the person at the console let this request read or write (e.g. run-client's
    # own folder): code may name a local file only inside them. The console itself needs none.
    local_roots: tuple[Path, ...] = ()
    # Told how far a long console operation has got: an import or export its bytes, a client
    # run each snapshot (or error) its listeners were given, as it happens. Never logged.
    progress: Callable[[Any], None] | None = field(default=None, compare=False, repr=False)

    @property
    def service(self) -> str:
        return self.action.split(".", 1)[0]


@dataclass(frozen=True)
class Decision:
    """A permission verdict and the reason for it, in words a trainer can read aloud.

    Besides the English ``reason``, the structured fields let a view say it in any language:
    ``kind`` is "mode" (a simple mode decided), "rule" (security rules) or "admin" (no
    permissions apply); ``mode`` the collection's or bucket's mode (READONLY … or CUSTOM);
    ``rule`` ``{"name": operation, "key": the rules key used (write by fallback) or None,
    "text": the expression}``; ``values`` ``[{"text": sub-expression, "value": …}]`` for this
    caller and document (``"source": "query"`` when the value is the query's condition); and
    for a query the rule was not proven for, ``missing`` ``{"field", "condition", "needs"}``;
    ``hidden``, for a mini program's read that came back empty under an owner limit (PRIVATE),
    how many documents matching its query other users created.
    ``reason`` may be given as a ``Reason``: it is kept as ``why`` (the app renders it in the
    person's language) and ``reason`` is its English text. All JSON-able, so events.jsonl keeps them.
    """

    allowed: bool
    reason: str
    kind: str | None = None
    mode: str | None = None
    rule: dict | None = field(default=None, compare=False)
    values: list | None = field(default=None, compare=False)
    missing: dict | None = field(default=None, compare=False)
    why: Reason | None = field(default=None, compare=False)
    hidden: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.reason, Reason):
            object.__setattr__(self, "why", self.reason)
            object.__setattr__(self, "reason", self.reason.text)

    def details(self) -> dict | None:
        """The structured fields (None when there are none), as the event log keeps them."""
        if self.kind is None and self.mode is None and self.why is None:
            return None
        return {"kind": self.kind, "mode": self.mode, "rule": self.rule, "values": self.values,
                "missing": self.missing, "why": self.why.to_dict() if self.why else None,
                **({"hidden": self.hidden} if self.hidden is not None else {})}

    @classmethod
    def of(cls, allowed: bool, reason: str | Reason, details: dict | None) -> "Decision":
        """A decision from a verdict and its structured details (e.g. an event's)."""
        details = details or {}
        why = Reason.from_dict(details.get("why"))
        return cls(allowed, why if why is not None and not isinstance(reason, Reason) else reason,
                   **{k: details.get(k) for k in _DETAILS})


_DETAILS = ("kind", "mode", "rule", "values", "missing", "hidden")


@dataclass
class Trace:
    """What a handler reports about the request it served, for the event log."""

    id: str = ""  # the request's event id: requests made on its behalf name it as their parent
    target: str = ""
    decision: Decision | None = None
    # A failure the caller meets although the request answered: a batch item's refusal, or a
    # mini program's doc(id).get() that found nothing (its SDK throws). The event shows it.
    failure: CloudError | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Set by a handler whose request did nothing worth a row: a listener's poll that found no
    # snapshot (a client polls every half second; only deliveries are operations to show).
    unlogged: bool = False
    # The event this one belongs under in the timeline when it is not the request's own parent:
    # a listener's deliveries sit under its opening.
    parent_id: str | None = None
    # How the database found the documents of the request's (first) query: ``{"collection",
    # "index": name or None for a full scan, "examined": documents looked at, "sorted": the
    # index gave the order}`` (``database/planner.py``); None when it ran no query.
    plan: dict | None = None


# The trace of the request being handled in this thread or task (``Dispatcher.handle`` sets it),
# so code far below a handler (the query planner) can report on it.
current_trace: ContextVar[Trace | None] = ContextVar("wxsim_current_trace", default=None)


def note_plan(plan: dict) -> None:
    """Record a query plan on the current request's trace (the first one a request makes)."""
    trace = current_trace.get()
    if trace is not None and trace.plan is None:
        trace.plan = plan
