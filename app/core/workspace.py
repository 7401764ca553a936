"""A workspace: one simulated cloud environment's services, wired together, and its requests.

This is core's composition root: it builds every service from the workspace's state
(``workspace_state.py``) and registers their actions with the one dispatcher. Front ends do
not use it directly; they go through ``app/core/api.py``.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable

from app.core.database.actions import database_actions
from app.core.database.aggregate.actions import aggregate_actions
from app.core.database.console_actions import database_console_actions
from app.core.database.console_query import console_query_actions
from app.core.database.rerun import rerun_actions
from app.core.database.service import DatabaseService
from app.core.database.store import DocumentStore
from app.core.database.transactions import Transactions
from app.core.database.watch_actions import watch_actions
from app.core.demo_seed import seed_database, seed_storage
from app.core.dispatcher import Dispatcher
from app.core.errors import InputError, SimulatorError
from app.core.events import Event, EventLog
from app.core.functions.actions import function_actions
from app.core.functions.catalog import Catalog
from app.core.functions.console_actions import function_console_actions
from app.core.functions.runner import FunctionRunner
from app.core.functions.triggers import TriggerScheduler
from app.core.gateway import gateway_actions
from app.core.gateway.actions import gateway_console_actions
from app.core.gateway.credentials import load_or_create as load_gateway_secret
from app.core.http.gateway_server import Gateway
from app.core.identity.actions import identity_actions
from app.core.identity.service import Identity
from app.core.jsonfile import make_private_dir, remove_stale_temp_files, write_json
from app.core.openapi.calls import Services as OpenApiServices
from app.core.openapi.dispatch import openapi_actions
from app.core.openapi.mailbox import Mailbox
from app.core.openapi.media_checks import MediaChecks
from app.core.openapi.message_actions import message_actions
from app.core.openapi.opendata import OpenData, opendata_actions
from app.core.openapi.pages import Pages
from app.core.openapi.registry_actions import registry_actions
from app.core.openapi.security_actions import security_actions
from app.core.openapi.store import OpenApiStore
from app.core.project import Project
from app.core.reasons import Reason
from app.core.requests import Caller, Request
from app.core.rules.check import rules_console_actions
from app.core.snapshots.actions import checkpoint_before, snapshot_actions
from app.core.snapshots.restore import recover as recover_restore
from app.core.storage import StorageService, storage_actions
from app.core.storage.console_actions import storage_console_actions
from app.core.workspace_lock import WorkspaceLock
from app.core.workspace_state import Settings, WorkspaceState

log = logging.getLogger(__name__)

__all__ = ["Settings", "Workspace"]


class Workspace:
    """Owns the services of one environment and handles every request made to it."""

    def __init__(self, data_dir: Path, state: WorkspaceState, project: Project | None,
                 clock: Callable[[], float], demo_data: Path | None = None) -> None:
        self.data_dir = data_dir
        self.state = state
        self.settings = state.settings
        self.project = project
        settings = state.settings
        self.events = EventLog(data_dir / "events.jsonl", since=state.timeline_cleared_at())
        self._dispatcher = Dispatcher(self.events, self._record_visit)
        handle = self._dispatcher.handle
        self.identity = Identity(settings.seed, state.personas(), state.save_personas, data_dir / "auth.json", clock)
        self.database = DatabaseService(DocumentStore(data_dir / "db"), state.db_mode, clock, rules_of=state.db_rules)
        self.storage = StorageService(
            data_dir / "storage", data_dir / "storage-index.json",
            settings.env_id, settings.appid, state.storage_mode, clock,
            handle=handle,  # uploads over HTTP are logged as requests too
            rules_of=state.storage_rules,
            persona_name=self._persona_name,  # refusals name an uploader by persona
        )
        # The loopback gateway the real wx-server-sdk talks to (Node runtime, `wxsim serve`).
        # It answers only requests signed with the workspace secret (DESIGN §7).
        self.gateway = Gateway(handle, settings.env_id, appid=settings.appid,
                               credentials=load_gateway_secret(data_dir))
        root = project.cloudfunction_root if project else None
        self.functions = FunctionRunner(
            Catalog(root), settings.env_id, settings.appid, handle, data_dir / "invocations.jsonl", clock,
            runtime_for=state.function_runtime, node_path=state.node_path, gateway=self.gateway,
        )
        register = self._dispatcher.register
        register(identity_actions(self.identity, settings.env_id, settings.appid))
        self._watch_hub = None  # realtime listeners: made when the first one opens (watch)
        register(database_actions(self.database, self._set_db_mode, Transactions(self.database.store, clock)))
        register(watch_actions(self.database, lambda: self.watch))
        register(aggregate_actions(self.database, state.db_mode))
        register(database_console_actions(self.database, state, handle))
        register(console_query_actions(self.database, state, self.client_caller, self.functions, handle, data_dir))
        register(storage_actions(self.storage, state.set_storage_mode))
        register(storage_console_actions(self.storage, self.client_caller))
        register(function_console_actions(self.functions, state, self.client_caller, data_dir, self.events.recent))
        register(gateway_console_actions(self.gateway, data_dir))
        register(rules_console_actions())
        openapi_store = OpenApiStore(data_dir / "openapi", settings.seed)
        self._clock = clock
        self._media_checks = MediaChecks(openapi_store)  # mediaCheckAsync's verdicts, pushed when due
        openapi = OpenApiServices(openapi_store, Pages(project), settings.appid, clock,
                                  mailbox=Mailbox(openapi_store, root, clock), persona_name=self._persona_name)
        register(openapi_actions(openapi, self.functions.running))
        opendata = OpenData(openapi)  # a user's wx.cloud.CloudID values open on their way to a function
        register(function_actions(self.functions, client_event=opendata.replace_cloud_ids))
        register(opendata_actions(openapi, self.identity.personas, self.identity.session_key))
        register(message_actions(openapi, lambda name: self.identity.persona(name).openid))
        register(security_actions(openapi, handle, lambda: [f.name for f in self.functions.functions()]))
        register(registry_actions(openapi, self.client_caller))
        register(rerun_actions(self.database, self.client_caller, self.events.recent))
        self._demo_data = demo_data
        self._snapshots = None  # time travel (app/core/snapshots): made on first use
        register(snapshot_actions(lambda: self.snapshots, {"envId": settings.env_id, "appid": settings.appid,
                                                   "seed": settings.seed}))
        self._dispatcher.before = checkpoint_before(handle)  # bulk deletes and overwrites can be undone
        register(gateway_actions(self._dispatcher.actions()))

    @classmethod
    def open(
        cls,
        data_dir: Path,
        project_dir: Path | None = None,
        *,
        seed: str | None = None,
        demo_data: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> "Workspace":
        """Open the workspace in ``data_dir``, creating it on first use.

        ``demo_data`` (the bundled demo's collections) fills a workspace created now.
        """
        project = Project.load(project_dir) if project_dir is not None else None
        data_dir = data_dir.expanduser().resolve()
        if data_dir.exists() and not data_dir.is_dir():
            raise InputError(Reason("workspace.data_dir_is_file", "The data folder {folder} is a file, not a folder.",
                                    folder=str(data_dir)))
        make_private_dir(data_dir)
        lock = WorkspaceLock(data_dir)
        try:
            remove_stale_temp_files(data_dir)
            recover_restore(data_dir)  # a restore a kill interrupted is finished before anything reads
            state = WorkspaceState.load(data_dir, project, seed)
            workspace = cls(data_dir, state, project, clock, demo_data)
        except BaseException:
            lock.release()
            raise
        workspace._lock_file = lock
        if state.created and demo_data is not None:
            personas = state.personas()
            seed_database(workspace.database, state.set_db_mode, personas, demo_data)
            seed_storage(workspace.storage, personas, demo_data)
        if state.created:
            workspace.snapshots.save_initial()  # what "Reset to start" goes back to
        workspace.storage.objects.resume()  # temp URLs handed out before open again
        return workspace

    @classmethod
    def from_scenario(cls, scenario: Path, data_dir: Path, project_dir: Path | None = None,
                      *, clock: Callable[[], float] = time.time) -> "Workspace":
        """A new workspace in ``data_dir`` (which must not hold one) holding a ``.wxsim``
        scenario's state, which is also its initial state: Reset goes back to the scenario."""
        import shutil

        from app.core.snapshots.scenario import ScenarioError, read_manifest, read_scenario
        from app.core.snapshots.store import INITIAL

        data_dir = data_dir.expanduser().resolve()
        manifest = read_manifest(scenario)
        if data_dir.exists() and (not data_dir.is_dir() or any(data_dir.iterdir())):
            raise ScenarioError(Reason("scenario.target_not_empty", "{folder} is not empty: a scenario opens only into "
                                       "a new, empty folder, never over a workspace.", folder=str(data_dir)))
        env = manifest["env"]
        make_private_dir(data_dir)
        write_json(data_dir / "workspace.json", {"version": 1, "env_id": env["envId"], "appid": env["appid"],
                                                  "seed": env["seed"], "personas": []})
        workspace = cls.open(data_dir, project_dir, clock=clock)
        try:
            scratch = workspace.snapshots.store.stage_folder()
            try:
                _, captured = read_scenario(scenario, scratch / "links")
                initial = workspace.snapshots.store.save_captured(
                    captured, name="initial", kind=INITIAL, note=str(manifest.get("name") or ""),
                    code_hashes=manifest.get("functions") or {})
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            workspace.snapshots.restore(initial)
        except BaseException:
            workspace.close()
            shutil.rmtree(data_dir, ignore_errors=True)  # nothing half-made is left behind
            raise
        return workspace

    # -- requests ------------------------------------------------------------------------------

    def handle(self, request: Request) -> dict:
        """Handle one request; returns its result or raises a SimulatorError."""
        return self._dispatcher.handle(request)

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        return self.events.subscribe(listener)

    def clear_timeline(self) -> None:
        """Start the timeline afresh, now and after a restart; events.jsonl keeps every event."""
        self.state.set_timeline_cleared_at(time.time())  # the events' own clock
        self.events.clear_recent()

    def trigger_scheduler(self, now: Callable[[], datetime] = datetime.now) -> TriggerScheduler:
        """The timer triggers' scheduler (not started), which fires none while they are paused."""
        return TriggerScheduler(self.functions.functions, self.handle, now, paused=self.state.triggers_paused,
                                on_tick=self._push_due_media_checks)

    def _push_due_media_checks(self) -> None:
        """mediaCheckAsync's verdicts reach the project when due, as the platform pushes them: one
        logged request when some are due, none otherwise (the check reads a small file)."""
        if any(entry["due"] <= self._clock() for entry in self._media_checks.waiting()):
            # On its own thread, as a trigger fires: the push runs a function, and a slow one must
            # not hold up the next trigger. Verdicts are taken atomically, so none goes out twice.
            threading.Thread(target=self._deliver_media_checks, name="wxsim-media-checks", daemon=True).start()

    def _deliver_media_checks(self) -> None:
        try:
            self.handle(Request("openapi.deliverMediaChecks", {}, Caller.console()))
        except SimulatorError as exc:  # already in the event log
            log.info("pushing mediaCheckAsync verdicts failed: %s", exc)

    def client_caller(self, persona_name: str | None, **kwargs) -> Caller:
        """A mini program user acting as the named persona, or signed out when None."""
        if persona_name is None:
            return Caller.client(None, self.settings.appid, **kwargs)
        persona = self.identity.persona(persona_name)
        return Caller.client(
            persona.openid,
            self.settings.appid,
            persona=persona.name,
            unionid=persona.unionid,
            **kwargs,
        )

    def close(self) -> None:
        """Stop the JS workers and compact the database journals (writes are already durable)."""
        self.gateway.stop()  # first: no HTTP request may arrive while the services shut down
        self.functions.close()
        self.storage.close()
        if self._watch_hub is not None:
            self._watch_hub.close_all()
        self.database.store.close()
        self.identity.close()
        self.events.close()
        self._lock_file.release()

    @property
    def snapshots(self):
        """Snapshots, checkpoints and reset (``app/core/snapshots``), loaded on first use."""
        if self._snapshots is None:
            from app.core.snapshots.service import Snapshots

            self._snapshots = Snapshots(self, build_initial=self._build_initial)
        return self._snapshots

    @property
    def watch(self):
        """The realtime listeners (``database/watch.py``), loaded and started on first use: most
        sessions never open one, and start-up should not pay for it."""
        if self._watch_hub is None:
            from app.core.database.watch import WatchHub

            self._watch_hub = WatchHub(self.database)
        return self._watch_hub

    def _build_initial(self, scratch: Path):
        """The state this workspace had when made, rebuilt in ``scratch`` (for one made before
        wxsim kept snapshots): a new workspace with the same seed, and the demo's data if it
        is the demo."""
        from app.core.snapshots.store import capture

        fresh = Workspace.open(scratch / "workspace", seed=self.settings.seed, demo_data=self._demo_data)
        try:
            return capture(fresh, scratch / "links")
        finally:
            fresh.close()

    def _set_db_mode(self, collection: str, mode: str | None, rules: dict | None = None) -> None:
        """Save a collection's mode (and rules); its listeners are judged again under them."""
        self.state.set_db_mode(collection, mode, rules)
        if self._watch_hub is not None:
            self._watch_hub.permissions_changed(collection)

    def _persona_name(self, openid: str) -> str | None:
        """The name of the persona whose openid this is (None for an openid no persona has)."""
        persona = self.identity.persona_by_openid(openid)
        return persona.name if persona else None

    def _record_visit(self, request: Request) -> None:
        if request.caller.openid:
            self.identity.record_visit(request.caller.openid, request.caller.appid or "")
