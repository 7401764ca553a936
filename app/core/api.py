"""The request API: the one module of core that front ends (the panes, the CLI) import.

Every operation is a request, ``api.request(action, params)``, handled by the workspace's one
dispatcher and logged once (DESIGN §2); the console's own operations are named actions in the
backend's style (``database.listCollections``, ``storage.listFiles``, ``functions.history`` …,
listed in ARCHITECTURE.md). Besides requests a front end may read a few cheap facts for display
(the roster, the user list, the recent events) and hear of changes. The types and errors a
front end names are re-exported here, so nothing else in core is imported from outside it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core import host_os, jsontext
from app.core.database.ejson import iso_date, to_ejson
from app.core.database.permissions import LABELS_EN as DATABASE_MODE_LABELS_EN
from app.core.database.permissions import LABELS_ZH as DATABASE_MODE_LABELS_ZH
from app.core.database.permissions import DEFAULT_MODE as DEFAULT_DATABASE_MODE
from app.core.database.permissions import MODES as DATABASE_MODES
from app.core.database.rerun import READS as RERUNNABLE_READS
from app.core.database.rerun import WRITES as RERUNNABLE_WRITES
from app.core.errors import CODE_WORDS, CloudError, InputError, SimulatorError, WxApiError
from app.core.event_export import export_events
from app.core.events import OUTCOME_DENIED, OUTCOME_ERROR, OUTCOME_OK, Event
from app.core.functions.runner import Invocation
from app.core.functions.sdk import call_function
from app.core.functions.triggers import TriggerScheduler, trigger_request
from app.core.identity.service import Persona, UserRecord
from app.core.jsontext import JsonTextError
from app.core.requests import SOURCE_CLI, SOURCE_CLIENT, SOURCE_CONSOLE, Caller, Decision, Request
from app.core.storage.permissions import LABELS_EN as STORAGE_MODE_LABELS_EN
from app.core.storage.permissions import LABELS_ZH as STORAGE_MODE_LABELS_ZH
from app.core.storage.permissions import MODES as STORAGE_MODES
from app.core.console_link import (
    CALL_TIMEOUT_S,
    ConsoleServer,
    Endpoint,
    HolderClosing,
    HolderUnreachable,
    RemoteLink,
)
from app.core.project import ProjectError
from app.core.reasons import Reason
from app.core.rules.ruleset import CUSTOM as RULES_MODE
from app.core.rules.ruleset import LABEL_EN as RULES_MODE_LABEL_EN
from app.core.rules.ruleset import LABEL_ZH as RULES_MODE_LABEL_ZH
from app.core.workspace import Workspace
from app.core.workspace_lock import WorkspaceBusy

__all__ = [
    "host_os",
    "DATABASE_MODES", "DATABASE_MODE_LABELS_EN", "DEFAULT_DATABASE_MODE", "DATABASE_MODE_LABELS_ZH", "OUTCOME_DENIED",
    "OUTCOME_ERROR", "OUTCOME_OK", "RERUNNABLE_READS", "RERUNNABLE_WRITES", "RULES_MODE", "RULES_MODE_LABEL_EN", "RULES_MODE_LABEL_ZH", "SOURCE_CLI", "SOURCE_CLIENT", "SOURCE_CONSOLE", "STORAGE_MODES",
    "STORAGE_MODE_LABELS_EN", "STORAGE_MODE_LABELS_ZH", "CODE_WORDS", "Caller", "CloudError", "Decision", "Event",
    "HolderUnreachable", "InputError", "ProjectError", "Invocation", "JsonTextError", "Persona", "Reason", "RemoteApi", "Request", "SimulatorError",
    "UserRecord", "WorkspaceApi", "WxApiError", "call_function", "connect", "export_events", "iso_date", "jsontext",
    "to_ejson",
]


class WorkspaceApi:
    """One open workspace as a front end sees it: requests, a few facts, change notices."""

    def __init__(self, workspace: Workspace, source: str = SOURCE_CONSOLE) -> None:
        self._workspace = workspace
        self._source = source  # the console's requests carry it (console, cli …)
        self._triggers: TriggerScheduler | None = None
        self._console: ConsoleServer | None = None

    @classmethod
    def open(cls, data_dir: Path, project_dir: Path | None = None, *, demo_data: Path | None = None,
             source: str = SOURCE_CONSOLE) -> "WorkspaceApi":
        """Open (or create) the workspace in ``data_dir``; raises InputError when it cannot."""
        return cls(Workspace.open(data_dir, project_dir, demo_data=demo_data), source)

    @classmethod
    def from_scenario(cls, scenario: Path, data_dir: Path, project_dir: Path | None = None,
                      *, source: str = SOURCE_CONSOLE) -> "WorkspaceApi":
        """A new workspace in ``data_dir`` (new or empty) holding a ``.wxsim`` scenario's state."""
        return cls(Workspace.from_scenario(scenario, data_dir, project_dir), source)

    # -- the environment -----------------------------------------------------------------------

    @property
    def env_id(self) -> str:
        return self._workspace.settings.env_id

    @property
    def appid(self) -> str:
        return self._workspace.settings.appid

    @property
    def data_dir(self) -> Path:
        return self._workspace.data_dir

    @property
    def project_root(self) -> Path | None:
        project = self._workspace.project
        return project.root if project else None

    @property
    def project_name(self) -> str:
        project = self._workspace.project
        return project.name if project else self._workspace.data_dir.name

    # -- requests ------------------------------------------------------------------------------

    def request(self, action: str, params: dict[str, Any] | None = None, caller: Caller | None = None, *,
                local_roots: tuple[Path, ...] = (), progress: Callable[[Any], None] | None = None) -> dict:
        """Handle one request, as the console unless ``caller`` says otherwise.

        Returns the result or raises a SimulatorError (CloudError, InputError …) for the
        expected failures. ``local_roots`` are host paths the person chose for a request made
        as someone else (a dropped file uploaded as a persona); ``progress`` hears how far a
        long console operation has got (an import's bytes, a client run's listener deliveries).
        """
        caller = caller or Caller.console(self._source)
        return self._workspace.handle(Request(action, params or {}, caller, local_roots=local_roots,
                                              progress=progress))

    def client_caller(self, persona: str | None) -> Caller:
        """A persona's mini program user (None: signed out); InputError for an unknown name."""
        return self._workspace.client_caller(persona)

    def openid_caller(self, openid: str) -> Caller:
        """A mini program user known only by openid (a persona's, or any other)."""
        persona = self._workspace.identity.persona_by_openid(openid)
        return self.client_caller(persona.name) if persona else Caller.client(openid, self.appid)

    # -- facts for display (cheap, any thread) ---------------------------------------------------

    def personas(self) -> list[Persona]:
        return self._workspace.identity.personas()

    def persona_by_openid(self, openid: str | None) -> Persona | None:
        return self._workspace.identity.persona_by_openid(openid)

    def users(self) -> list[UserRecord]:
        return self._workspace.identity.users()

    def recent_events(self) -> list[Event]:
        return self._workspace.events.recent()

    def triggers_paused(self) -> bool:
        """Whether timer triggers are paused (``functions.pauseTriggers`` changes it)."""
        return self._workspace.state.triggers_paused()

    # -- the timeline (the console's view of the event log) --------------------------------------

    def clear_timeline(self) -> None:
        """Forget the recent events, now and after a restart; events.jsonl, the QA log, keeps them."""
        self._workspace.clear_timeline()

    # -- change notices (called on whichever thread made the change) -----------------------------

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Hear of every handled request; returns the function that stops it."""
        return self._workspace.subscribe(listener)

    def on_database_change(self, listener: Callable[[str], None]) -> Callable[[], None]:
        """Hear the name of each collection whose documents or existence changed."""
        return self._workspace.database.store.on_change(listener)

    # -- lifecycle -----------------------------------------------------------------------------

    def start_triggers(self) -> None:
        """Fire the functions' timer triggers on schedule until ``close``."""
        if self._triggers is None:
            self._triggers = self._workspace.trigger_scheduler()
            self._triggers.start()

    def serve(self, port: int = 0) -> dict:
        """Start the loopback gateway; returns what ``wxsim serve`` prints (DESIGN §5)."""
        return self.request("gateway.describe", {"port": port})

    def publish(self) -> None:
        """Serve other wxsim processes' requests on this workspace until ``close`` (attach)."""
        if self._console is None:
            self._console = ConsoleServer(self._workspace.handle, self._caller_from_wire, self.data_dir)

    def _caller_from_wire(self, wire: dict) -> Caller:
        kind, source = wire.get("kind"), str(wire.get("source") or SOURCE_CLI)
        if kind == "client":
            openid = wire.get("openid")
            caller = self.openid_caller(openid) if openid else Caller.client(None, self.appid)
            return Caller(caller.kind, source, caller.openid, caller.appid, caller.unionid, caller.persona,
                          bool(wire.get("traceUser", True)))
        if kind == "admin":
            return Caller.admin(source)
        return Caller.console(source)

    def close(self, linger_s: float = 600.0) -> None:
        """Close the workspace; attached commands still running get up to ``linger_s`` to end."""
        if self._console is not None:
            self._console.close(linger_s)  # first: no attached request may run while services stop
            self._console = None
        if self._triggers is not None:
            self._triggers.stop()
            self._triggers = None
        self._workspace.close()


ATTACH_TIMEOUT_S = 10.0  # a holder answers the roster at once; longer means it is stuck


class RemoteApi:
    """A workspace another wxsim process holds, reached over its console link (attach).

    Offers what the command line uses of ``WorkspaceApi``; every request is the holder's, so it
    shows in the holder's timeline with this process's source.
    """

    def __init__(self, link: RemoteLink, data_dir: Path, source: str) -> None:
        self._link = link
        self._source = source
        self.data_dir = data_dir
        link.attach()  # the holder now serves this process's requests to their end
        roster = self.request("personas.list")
        self.env_id, self.appid = roster["env"], roster["appid"]
        self._personas = [Persona(**p) for p in roster["personas"]]

    @property
    def holder_pid(self) -> int:
        return self._link.endpoint.pid

    def request(self, action: str, params: dict[str, Any] | None = None, caller: Caller | None = None, *,
                local_roots: tuple[Path, ...] = (), progress: Callable[[Any], None] | None = None) -> dict:
        caller = caller or Caller.console(self._source)
        try:
            return self._link.call(action, params or {}, caller, local_roots)
        except HolderClosing:
            # Our session should have kept the holder serving us; it went away all the same.
            raise HolderUnreachable(f"the wxsim holding this workspace (process {self.holder_pid}) stopped "
                                    f"serving during this command; {action} was not done. Run it again.") from None

    def personas(self) -> list[Persona]:
        return list(self._personas)

    def client_caller(self, persona: str | None) -> Caller:
        if persona is None:
            return Caller.client(None, self.appid)
        for known in self._personas:
            if known.name == persona:
                return Caller.client(known.openid, self.appid, persona=known.name, unionid=known.unionid)
        raise InputError(Reason("persona.unknown", "There is no persona called “{name}”.", name=persona))

    def openid_caller(self, openid: str) -> Caller:
        known = next((p for p in self._personas if p.openid == openid), None)
        return self.client_caller(known.name) if known else Caller.client(openid, self.appid)

    def serve(self, port: int = 0) -> dict:
        """The holder's own gateway (started if need be): ``wxsim serve`` on a held workspace."""
        return self.request("gateway.describe", {"port": port})

    def close(self) -> None:
        self._link.detach()


def connect(data_dir: Path, project_dir: Path | None = None, *, demo_data: Path | None = None,
            source: str = SOURCE_CLI, wait_s: float = 60.0,
            on_wait: Callable[[str], None] | None = None) -> "WorkspaceApi | RemoteApi":
    """The workspace in ``data_dir``: attached to the process holding it, else opened here.

    A workspace opened here is published in turn, so commands started meanwhile attach to
    this one. While another process holds the workspace without serving (it is starting or
    closing), this waits up to ``wait_s`` seconds, saying so once through ``on_wait``.
    Raises HolderUnreachable when the time runs out.
    """
    import time

    deadline = time.monotonic() + wait_s
    said = False
    resolved = data_dir.expanduser().resolve()
    while True:
        endpoint = Endpoint.read(resolved)
        if endpoint is not None and endpoint.pid != os.getpid():
            link = RemoteLink(endpoint, timeout=ATTACH_TIMEOUT_S)
            try:
                api = RemoteApi(link, resolved, source)
            except HolderClosing:
                link.detach()  # going away, or a stale file whose port nobody serves: open here
            else:
                link.timeout = CALL_TIMEOUT_S  # from now on a request may run a long function
                return api
        try:
            api = WorkspaceApi.open(data_dir, project_dir, demo_data=demo_data, source=source)
        except WorkspaceBusy as busy:
            holder = busy.holder_pid
        else:
            api.publish()
            return api
        if time.monotonic() > deadline:
            raise HolderUnreachable(
                f"The workspace {resolved} is held by another wxsim (process {holder or '?'}) that does not "
                f"answer; waited {wait_s:g} s. Close it, or use another --data-dir.")
        if not said and on_wait is not None:
            on_wait(f"waiting for the workspace {resolved}, held by process {holder or '?'} …")
            said = True
        time.sleep(0.02)
