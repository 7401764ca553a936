"""The request model of DESIGN §2: who asks (``Caller``) for what (``Request``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

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
    # Told how far a long console operation (an import, an export) has got; never logged.
    progress: Callable[[int], None] | None = field(default=None, compare=False, repr=False)

    @property
    def service(self) -> str:
        return self.action.split(".", 1)[0]


@dataclass(frozen=True)
class Decision:
    """A permission verdict and the reason for it, in words a trainer can read aloud."""

    allowed: bool
    reason: str


@dataclass
class Trace:
    """What a handler reports about the request it served, for the event log."""

    id: str = ""  # the request's event id: requests made on its behalf name it as their parent
    target: str = ""
    decision: Decision | None = None
    extra: dict[str, Any] = field(default_factory=dict)
