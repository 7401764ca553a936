"""workspace.json: the environment's identity and the console's settings, saved on each change.

One object owns the file, so the services that need a setting (a collection's permission mode,
a function's runtime) read it here and the console actions that change one write it here;
nothing else touches the file.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.core.database.permissions import DEFAULT_MODE
from app.core.errors import InputError
from app.core.identity.service import Persona, derive_openid
from app.core.jsonfile import read_json, write_json
from app.core.project import Project
from app.core.reasons import Reason
from app.core.storage.permissions import DEFAULT_MODE as DEFAULT_STORAGE_MODE

WORKSPACE_FILE = "workspace.json"
FORMAT_VERSION = 1
DEFAULT_PERSONAS = (("学生A", "#1F7AE0"), ("学生B", "#07C160"), ("老师", "#FA9D3B"))
RUNTIMES = ("v8", "node")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Settings:
    """The environment's identity, as written in workspace.json."""

    env_id: str
    appid: str
    seed: str


@dataclass
class _Saved:
    """What workspace.json holds besides the identity."""

    personas: list[Persona]
    db_modes: dict[str, str] = field(default_factory=dict)
    storage_mode: str = DEFAULT_STORAGE_MODE
    presets: dict[str, dict[str, str]] = field(default_factory=dict)
    runtimes: dict[str, str] = field(default_factory=dict)  # function name -> "v8" | "node"
    node_path: str | None = None
    triggers_paused: bool = False  # a trainer's "no timer triggers in class" survives a restart
    timeline_cleared_at: float | None = None  # the timeline shows only later events (Unix seconds)
    db_rules: dict[str, dict] = field(default_factory=dict)  # collection -> security rules (CUSTOM)
    storage_rules: dict | None = None  # the bucket's security rules (CUSTOM)


class WorkspaceState:
    """The settings of one workspace, thread-safe, written atomically on every change."""

    def __init__(self, path: Path, settings: Settings, saved: _Saved, *, created: bool) -> None:
        self.path = path
        self.settings = settings
        self.created = created  # made now: the caller may seed demo data
        self._saved = saved
        self._lock = threading.Lock()

    @classmethod
    def load(cls, data_dir: Path, project: Project | None, seed: str | None = None) -> "WorkspaceState":
        """Read ``data_dir/workspace.json``, or make a new environment for ``project``."""
        path = data_dir / WORKSPACE_FILE
        state = _read_state(path)
        if state is None:
            settings = _new_settings(project, seed)
            personas = [Persona(name, color, derive_openid(settings.seed, name)) for name, color in DEFAULT_PERSONAS]
            workspace = cls(path, settings, _Saved(personas), created=True)
        else:
            settings = Settings(state["env_id"], state["appid"], state["seed"])
            if project and project.appid and project.appid != settings.appid:
                settings = Settings(settings.env_id, project.appid, settings.seed)
            saved = _saved_from(state)
            workspace = cls(path, settings, saved, created=False)
        workspace.save()
        return workspace

    # -- personas (the identity service owns them; this keeps them on disk) -------------------

    def personas(self) -> list[Persona]:
        with self._lock:
            return list(self._saved.personas)

    def save_personas(self, personas: list[Persona]) -> None:
        with self._lock:
            self._saved.personas = list(personas)
        self.save()

    # -- permission modes ----------------------------------------------------------------------

    def db_mode(self, collection: str) -> str:
        """The permission mode of a collection (spec §4.1)."""
        with self._lock:
            return self._saved.db_modes.get(collection, DEFAULT_MODE)

    def set_db_mode(self, collection: str, mode: str | None, rules: dict | None = None) -> None:
        """Persist a collection's mode, and its security rules with CUSTOM (kept while a simple
        mode is in force); None forgets both (a re-created collection starts afresh)."""
        with self._lock:
            if mode is None:
                self._saved.db_modes.pop(collection, None)
                self._saved.db_rules.pop(collection, None)
            else:
                self._saved.db_modes[collection] = mode
                if rules is not None:
                    self._saved.db_rules[collection] = rules
        self.save()

    def db_rules(self, collection: str) -> dict | None:
        """A collection's security rules as they were set (spec §4.2), or None."""
        with self._lock:
            return self._saved.db_rules.get(collection)

    def storage_mode(self) -> str:
        """The storage permission mode (spec §4.4; one for the whole bucket)."""
        with self._lock:
            return self._saved.storage_mode

    def set_storage_mode(self, mode: str, rules: dict | None = None) -> None:
        with self._lock:
            self._saved.storage_mode = mode
            if rules is not None:
                self._saved.storage_rules = rules
        self.save()

    def storage_rules(self) -> dict | None:
        """The bucket's security rules (spec §4.4), or None."""
        with self._lock:
            return self._saved.storage_rules

    # -- functions -----------------------------------------------------------------------------

    def function_runtime(self, function: str) -> str:
        """Where a function runs: "v8" (embedded, the default) or "node" (real Node.js)."""
        with self._lock:
            return self._saved.runtimes.get(function, "v8")

    def set_function_runtime(self, function: str, runtime: str) -> None:
        if runtime not in RUNTIMES:
            raise InputError(Reason("workspace.bad_runtime", "The runtime must be v8 or node, not {runtime}.",
                                    runtime=repr(runtime)))
        with self._lock:
            self._saved.runtimes[function] = runtime
        self.save()

    def node_path(self) -> str | None:
        with self._lock:
            return self._saved.node_path

    def set_node_path(self, path: str | None) -> None:
        with self._lock:
            self._saved.node_path = path or None
        self.save()

    def triggers_paused(self) -> bool:
        """Whether timer triggers are paused: the scheduler fires none while they are."""
        with self._lock:
            return self._saved.triggers_paused

    def set_triggers_paused(self, paused: bool) -> None:
        with self._lock:
            self._saved.triggers_paused = bool(paused)
        self.save()

    def function_presets(self, function: str) -> dict[str, str]:
        """Saved event payloads of a function, by label (the console's test templates)."""
        with self._lock:
            return dict(self._saved.presets.get(function, {}))

    def save_function_preset(self, function: str, label: str, payload: str) -> None:
        if not label.strip():
            raise InputError(Reason("workspace.preset_name_missing", "A preset needs a name."))
        with self._lock:
            self._saved.presets.setdefault(function, {})[label.strip()] = payload
        self.save()

    def delete_function_preset(self, function: str, label: str) -> None:
        with self._lock:
            self._saved.presets.get(function, {}).pop(label, None)
        self.save()

    # -- the timeline --------------------------------------------------------------------------

    def timeline_cleared_at(self) -> float | None:
        """When the timeline was last cleared: older events stay in events.jsonl, not in view."""
        with self._lock:
            return self._saved.timeline_cleared_at

    def set_timeline_cleared_at(self, when: float) -> None:
        with self._lock:
            self._saved.timeline_cleared_at = when
        self.save()

    # -- snapshots (what a snapshot keeps of this file) ------------------------------------------

    def portable(self) -> dict:
        """The environment's state as a snapshot keeps it: personas, permission modes and rules,
        the functions' settings. Not the identity (env id, appid, seed) nor this machine's
        settings (the Node path, when the timeline was cleared)."""
        with self._lock:
            saved = self._saved
            return copy.deepcopy({  # the caller keeps it: no live dict of this state inside
                "personas": [asdict(p) for p in saved.personas],
                "database_permissions": dict(sorted(saved.db_modes.items())),
                "database_rules": dict(sorted(saved.db_rules.items())),
                "storage_permission": saved.storage_mode,
                "storage_rules": saved.storage_rules,
                "function_presets": saved.presets,
                "function_runtimes": saved.runtimes,
                "triggers_paused": saved.triggers_paused,
            })

    def file_with(self, portable: dict) -> dict:
        """workspace.json as it would be with ``portable`` in place of this state's."""
        with self._lock:
            return {**self._document(), **{key: portable[key] for key in _PORTABLE_KEYS if key in portable}}

    @contextmanager
    def reloading(self) -> Iterator[Callable[[], None]]:
        """Hold the settings still while workspace.json is replaced; the yielded ``install()``
        reads the new file (keeping this environment's identity)."""
        with self._lock:
            def install() -> None:
                state = _read_state(self.path) or {}
                self._saved = _saved_from(state)

            yield install

    # -- the file ------------------------------------------------------------------------------

    def save(self) -> None:
        with self._lock:
            write_json(self.path, self._document())

    def _document(self) -> dict:
        saved = self._saved
        return {
            "version": FORMAT_VERSION,
            **asdict(self.settings),
            "personas": [asdict(p) for p in saved.personas],
            "database_permissions": dict(sorted(saved.db_modes.items())),
            "function_presets": saved.presets,
            "function_runtimes": saved.runtimes,
            "node_path": saved.node_path,
            "storage_permission": saved.storage_mode,
            "triggers_paused": saved.triggers_paused,
            "timeline_cleared_at": saved.timeline_cleared_at,
            "database_rules": dict(sorted(saved.db_rules.items())),
            "storage_rules": saved.storage_rules,
        }


_PORTABLE_KEYS = ("personas", "database_permissions", "database_rules", "storage_permission", "storage_rules",
                  "function_presets", "function_runtimes", "triggers_paused")


def _saved_from(state: dict) -> _Saved:
    return _Saved(
        personas=[Persona(**p) for p in state.get("personas", [])],
        db_modes=dict(state.get("database_permissions", {})),
        storage_mode=state.get("storage_permission", DEFAULT_STORAGE_MODE),
        presets=dict(state.get("function_presets", {})),
        runtimes={k: v for k, v in state.get("function_runtimes", {}).items() if v in RUNTIMES},
        node_path=state.get("node_path"),
        triggers_paused=state.get("triggers_paused") is True,
        timeline_cleared_at=_seconds(state.get("timeline_cleared_at")),
        db_rules={k: v for k, v in state.get("database_rules", {}).items() if isinstance(v, dict)},
        storage_rules=state.get("storage_rules") if isinstance(state.get("storage_rules"), dict) else None,
    )


def _read_state(path: Path) -> dict | None:
    try:
        state = read_json(path)
    except ValueError as exc:
        raise InputError(Reason("workspace.state_damaged", "{file} is damaged ({detail}); move it away to start afresh.",
                                file=str(path), detail=str(exc))) from exc
    if state is None:
        return None
    if not isinstance(state, dict) or not {"env_id", "appid", "seed"} <= state.keys():
        raise InputError(Reason("workspace.not_state_file", "{file} is not a wxsim workspace file.", file=str(path)))
    return state


def _seconds(value: object) -> float | None:
    return float(value) if type(value) in (int, float) and math.isfinite(value) else None


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
