"""The app's own preferences (language, recent projects, window layout, presenter mode), kept in
one small JSON file. Workspace state lives elsewhere; this is the desktop's, not the project's."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.core.jsonfile import read_json, write_json

MAX_RECENT = 8
THEMES = ("standard", "contrast", "dark")  # the system look, high-contrast light, dark
ZOOM_LIMITS = (0.5, 3.0)


@dataclass
class AppSettings:
    """``path`` None keeps the settings in memory only (a window built by a test)."""

    path: Path | None
    language: str | None = None
    recent_projects: list[str] = field(default_factory=list)
    # The window: Qt's saveGeometry / saveState and each splitter's saveState, base64.
    geometry: str = ""
    window_state: str = ""
    splitters: dict[str, str] = field(default_factory=dict)
    last_pane: int = 0
    # How it looks in front of a class.
    presenter: bool = False
    zoom: float = 1.0
    theme: str = "standard"  # outside presenter mode
    presenter_theme: str = "contrast"  # presenter mode defaults to high-contrast light
    locked: bool = False  # the read-only lock on settings controls
    welcomed: bool = False  # the first-run screen was shown

    @classmethod
    def load(cls, path: Path) -> "AppSettings":
        try:
            data = read_json(path, default={}) or {}
        except ValueError:
            data = {}  # a damaged preferences file only costs the preferences
        if not isinstance(data, dict):
            data = {}
        settings = cls(path)
        settings.recent_projects = [str(p) for p in data.get("recent_projects", []) if isinstance(p, str)][:MAX_RECENT]
        settings.language = data.get("language") if data.get("language") in ("zh_CN", "en") else None
        for name in ("geometry", "window_state"):
            setattr(settings, name, _typed(data.get(name), str, ""))
        splitters = _typed(data.get("splitters"), dict, {})
        settings.splitters = {k: v for k, v in splitters.items() if isinstance(k, str) and isinstance(v, str)}
        settings.last_pane = max(0, _typed(data.get("last_pane"), int, 0))
        settings.presenter = _typed(data.get("presenter"), bool, False)
        zoom = _typed(data.get("zoom"), (int, float), 1.0)
        settings.zoom = min(max(float(zoom), ZOOM_LIMITS[0]), ZOOM_LIMITS[1])
        settings.theme = data.get("theme") if data.get("theme") in THEMES else "standard"
        settings.presenter_theme = data.get("presenter_theme") if data.get("presenter_theme") in THEMES else "contrast"
        settings.locked = _typed(data.get("locked"), bool, False)
        settings.welcomed = _typed(data.get("welcomed"), bool, False)
        return settings

    def remember_project(self, project: Path) -> None:
        entry = str(project)
        self.recent_projects = [entry] + [p for p in self.recent_projects if p != entry]
        del self.recent_projects[MAX_RECENT:]
        self.save()

    def existing_recent_projects(self) -> list[Path]:
        return [Path(p) for p in self.recent_projects if Path(p).is_dir()]

    def save(self) -> None:
        if self.path is None:
            return
        write_json(self.path, {f.name: getattr(self, f.name) for f in fields(self) if f.name != "path"})


def _typed(value: Any, kind: type | tuple[type, ...], default: Any) -> Any:
    """``value`` if it is of ``kind`` (a bool is not an int here), else ``default``."""
    if isinstance(value, bool) and kind is not bool and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        return default
    return value if isinstance(value, kind) else default
