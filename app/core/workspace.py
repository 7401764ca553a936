"""A workspace: one simulated cloud environment's settings, services and request handling."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from app.core.database.actions import database_actions
from app.core.database.permissions import DEFAULT_MODE
from app.core.database.service import DatabaseService
from app.core.database.store import DocumentStore
from app.core.database.transactions import Transactions
from app.core.demo_seed import seed_database, seed_storage
from app.core.dispatcher import Dispatcher
from app.core.functions.actions import function_actions
from app.core.functions.catalog import Catalog
from app.core.functions.runtime.node import find_node, sdk_problem
from app.core.functions.runner import FunctionRunner
from app.core.gateway import gateway_actions
from app.core.http.gateway_server import Gateway
from app.core.gateway.credentials import load_or_create as load_gateway_secret
from app.core.errors import InputError
from app.core.events import Event, EventLog
from app.core.identity.service import Identity, Persona, derive_openid
from app.core.identity.actions import identity_actions
from app.core.jsonfile import make_private_dir, read_json, remove_stale_temp_files, write_json
from app.core.project import Project
from app.core.requests import Caller, Request
from app.core.storage import StorageService, storage_actions
from app.core.storage.permissions import DEFAULT_MODE as DEFAULT_STORAGE_MODE
from app.core.workspace_lock import WorkspaceLock

WORKSPACE_FILE = "workspace.json"
FORMAT_VERSION = 1
DEFAULT_PERSONAS = (("学生A", "#1F7AE0"), ("学生B", "#07C160"), ("老师", "#FA9D3B"))
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
RUNTIMES = ("v8", "node")


@dataclass(frozen=True)
class Settings:
    """The environment's identity, as written in workspace.json."""

    env_id: str
    appid: str
    seed: str


class Workspace:
    """Owns the services of one environment and handles every request made to it."""

    def __init__(
        self,
        data_dir: Path,
        settings: Settings,
        project: Project | None,
        personas: list[Persona],
        db_modes: dict[str, str],
        clock: Callable[[], float],
        storage_mode: str = DEFAULT_STORAGE_MODE,
    ) -> None:
        self.data_dir = data_dir
        self.settings = settings
        self.project = project
        self._lock = threading.Lock()
        self._personas = personas
        self._db_modes = dict(db_modes)
        self._storage_mode = storage_mode
        self._presets: dict[str, dict[str, str]] = {}
        self._runtimes: dict[str, str] = {}  # function name -> "v8" | "node"
        self._node_path: str | None = None
        self.events = EventLog(data_dir / "events.jsonl")
        self.identity = Identity(settings.seed, personas, self._save_personas, data_dir / "auth.json", clock)
        self.database = DatabaseService(DocumentStore(data_dir / "db"), self.db_mode, clock)
        self._dispatcher = Dispatcher(self.events, self._record_visit)
        self._dispatcher.register(identity_actions(self.identity))
        self._dispatcher.register(
            database_actions(self.database, self._set_db_mode, Transactions(self.database.store))
        )
        self.storage = StorageService(
            data_dir / "storage", data_dir / "storage-index.json",
            settings.env_id, settings.appid, self.storage_mode, clock,
            handle=self.handle,  # uploads over HTTP are logged as requests too
        )
        self._dispatcher.register(storage_actions(self.storage, self._set_storage_mode))
        root = project.cloudfunction_root if project else None
        # The loopback gateway the real wx-server-sdk talks to (Node runtime, `wxsim serve`).
        # It answers only requests signed with the workspace secret (DESIGN §7).
        self.gateway = Gateway(self.handle, settings.env_id, appid=settings.appid,
                               credentials=load_gateway_secret(data_dir))
        self.functions = FunctionRunner(
            Catalog(root), settings.env_id, settings.appid, self.handle, data_dir / "invocations.jsonl", clock,
            runtime_for=self.function_runtime, node_path=lambda: self._node_path, gateway=self.gateway,
        )
        self._dispatcher.register(function_actions(self.functions))
        self._dispatcher.register(gateway_actions(self._dispatcher.actions()))

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
            raise InputError(f"The data folder {data_dir} is a file, not a folder.")
        make_private_dir(data_dir)
        lock = WorkspaceLock(data_dir)
        try:
            return cls._open_locked(data_dir, project, seed, demo_data, clock, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open_locked(cls, data_dir, project, seed, demo_data, clock, lock) -> "Workspace":
        remove_stale_temp_files(data_dir)
        state = _read_state(data_dir / WORKSPACE_FILE)
        if state is None:
            settings = _new_settings(project, seed)
            personas = [
                Persona(name, color, derive_openid(settings.seed, name))
                for name, color in DEFAULT_PERSONAS
            ]
        else:
            settings = Settings(state["env_id"], state["appid"], state["seed"])
            if project and project.appid and project.appid != settings.appid:
                settings = Settings(settings.env_id, project.appid, settings.seed)
            personas = [Persona(**p) for p in state.get("personas", [])]
        db_modes = (state or {}).get("database_permissions", {})
        storage_mode = (state or {}).get("storage_permission", DEFAULT_STORAGE_MODE)
        workspace = cls(data_dir, settings, project, personas, db_modes, clock, storage_mode)
        workspace._lock_file = lock
        workspace._presets = (state or {}).get("function_presets", {})
        workspace._runtimes = {k: v for k, v in (state or {}).get("function_runtimes", {}).items() if v in RUNTIMES}
        workspace._node_path = (state or {}).get("node_path")
        if state is None and demo_data is not None:
            seed_database(workspace.database, workspace._set_db_mode, personas, demo_data)
            seed_storage(workspace.storage, personas, demo_data)
        workspace._save()
        return workspace

    # -- requests ------------------------------------------------------------------------------

    def handle(self, request: Request) -> dict:
        """Handle one request; returns its result or raises a SimulatorError."""
        return self._dispatcher.handle(request)

    def subscribe(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        return self.events.subscribe(listener)

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

    def db_mode(self, collection: str) -> str:
        """The permission mode of a collection (spec §4.1)."""
        with self._lock:
            return self._db_modes.get(collection, DEFAULT_MODE)

    def _set_db_mode(self, collection: str, mode: str | None) -> None:
        """Persist a collection's mode; None forgets it (a re-created collection starts afresh)."""
        with self._lock:
            if mode is None:
                self._db_modes.pop(collection, None)
            else:
                self._db_modes[collection] = mode
        self._save()

    def storage_mode(self) -> str:
        """The storage permission mode (spec §4.4; one for the whole bucket)."""
        with self._lock:
            return self._storage_mode

    def _set_storage_mode(self, mode: str) -> None:
        with self._lock:
            self._storage_mode = mode
        self._save()

    def function_runtime(self, function: str) -> str:
        """Where a function runs: "v8" (embedded, the default) or "node" (real Node.js)."""
        with self._lock:
            return self._runtimes.get(function, "v8")

    def set_function_runtime(self, function: str, runtime: str) -> None:
        if runtime not in RUNTIMES:
            raise InputError(f"The runtime must be v8 or node, not {runtime!r}.")
        with self._lock:
            self._runtimes[function] = runtime
        self._save()

    def set_node_path(self, path: str | None) -> None:
        """Use this Node.js (a path, a folder holding node, or a name on PATH); None: search."""
        with self._lock:
            self._node_path = path or None
        self.functions.reset_node_pool()
        self._save()

    def node_runtime_problem(self, function: str) -> str | None:
        """Why ``function`` cannot run on Node.js here, in words; None if it can."""
        if find_node(self._node_path) is None:
            return ("Node.js was not found" + (f" at {self._node_path}" if self._node_path else " on the PATH")
                    + ". Install it, or run this function on the embedded runtime.")
        info = self.functions.catalog.find(function)
        return sdk_problem(info.folder) if info else None

    def function_presets(self, function: str) -> dict[str, str]:
        """Saved event payloads of a function, by label (the console's test templates)."""
        with self._lock:
            return dict(self._presets.get(function, {}))

    def save_function_preset(self, function: str, label: str, payload: str) -> None:
        if not label.strip():
            raise InputError("A preset needs a name.")
        with self._lock:
            self._presets.setdefault(function, {})[label.strip()] = payload
        self._save()

    def delete_function_preset(self, function: str, label: str) -> None:
        with self._lock:
            self._presets.get(function, {}).pop(label, None)
        self._save()

    def close(self) -> None:
        """Stop the JS workers and compact the database journals (writes are already durable)."""
        self.gateway.stop()  # first: no HTTP request may arrive while the services shut down
        self.functions.close()
        self.storage.close()
        self.database.store.close()
        self.identity.close()
        self.events.close()
        self._lock_file.release()

    def _record_visit(self, request: Request) -> None:
        if request.caller.openid:
            self.identity.record_visit(request.caller.openid, request.caller.appid or "")

    def _save_personas(self, personas: list[Persona]) -> None:
        with self._lock:
            self._personas = list(personas)
        self._save()

    def _save(self) -> None:
        with self._lock:
            write_json(
                self.data_dir / WORKSPACE_FILE,
                {
                    "version": FORMAT_VERSION,
                    **asdict(self.settings),
                    "personas": [asdict(p) for p in self._personas],
                    "database_permissions": dict(sorted(self._db_modes.items())),
                    "function_presets": self._presets,
                    "function_runtimes": self._runtimes,
                    "node_path": self._node_path,
                    "storage_permission": self._storage_mode,
                },
            )


def _read_state(path: Path) -> dict | None:
    try:
        state = read_json(path)
    except ValueError as exc:
        raise InputError(f"{path} is damaged ({exc}); move it away to start afresh.") from exc
    if state is None:
        return None
    if not isinstance(state, dict) or not {"env_id", "appid", "seed"} <= state.keys():
        raise InputError(f"{path} is not a wxsim workspace file.")
    return state


def _new_settings(project: Project | None, seed: str | None) -> Settings:
    # A project's own appid gives the seed, so every trainee opening the same project gets
    # the same openids and env id without sharing any state.
    if seed is None:
        seed = (
            hashlib.sha256(f"wxsim-seed:{project.appid}".encode()).hexdigest()[:16]
            if project and project.appid
            else secrets.token_hex(8)
        )
    digest = hashlib.sha256(f"wxsim-env:{seed}".encode()).digest()
    suffix = "".join(_BASE36[b % 36] for b in digest[:5])
    slug = re.sub(r"[^a-z0-9]", "", (project.name if project else "").lower())[:12]
    env_id = f"{slug if slug[:1].isalpha() else 'cloud1'}-{suffix}"
    appid = project.appid if project and project.appid else "wx" + digest[5:13].hex()
    return Settings(env_id=env_id, appid=appid, seed=seed)
