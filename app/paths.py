"""The one place that knows where things live: resources (frozen or not) and user data."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "wxsim"


def resource(name: str = "") -> Path:
    """Path of a bundled read-only resource (inside the one-file bundle when frozen)."""
    if getattr(sys, "frozen", False):
        root = Path(getattr(sys, "_MEIPASS"))  # PyInstaller's extraction folder
    else:
        root = Path(__file__).resolve().parent.parent
    return root / "resources" / name


def demo_project() -> Path:
    return resource("demo-project")


def user_data_root() -> Path:
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def user_log_dir() -> Path:
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def settings_file() -> Path:
    return user_data_root() / "settings.json"


def build_date() -> str | None:
    """The day this binary was built (``build.spec`` writes it), or None from a source checkout."""
    try:
        return json.loads(resource("build-info.json").read_text(encoding="utf-8")).get("built")
    except (OSError, ValueError, AttributeError):
        return None


def scenario_data_dir(scenario: Path) -> Path:
    """A new, empty folder for a scenario opened without ``--data-dir``: ``scenarios/<name>``,
    or ``<name>-2``, ``-3`` … when that one is taken (a scenario never opens over a workspace)."""
    slug = re.sub(r"[^A-Za-z0-9_\-\u4e00-\u9fff]+", "-", scenario.stem).strip("-") or "scenario"
    root = user_data_root() / "scenarios"
    candidate, number = root / slug, 1
    while candidate.exists():
        number += 1
        candidate = root / f"{slug}-{number}"
    return candidate


def default_data_dir(project_dir: Path) -> Path:
    """Workspace state for a project: under the user data dir, never in the project or bundle.

    The bundled demo always maps to ``workspaces/demo`` (its bundle path changes on every
    launch of the one-file binary); other projects get their folder name plus a short hash of
    the absolute path, so two projects called ``app`` don't share state.
    """
    project_dir = project_dir.resolve()
    if project_dir == demo_project().resolve():
        name = "demo"
    else:
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", project_dir.name).strip("-") or "project"
        digest = hashlib.sha1(str(project_dir).encode()).hexdigest()[:8]
        name = f"{slug}-{digest}"
    return user_data_root() / "workspaces" / name


@dataclass(frozen=True)
class Paths:
    """Where one run of the app reads its project and keeps its state."""

    project_dir: Path
    data_dir: Path

    @classmethod
    def decide(cls, project: Path | None, data_dir: Path | None) -> "Paths":
        project_dir = (project or demo_project()).expanduser().resolve()
        chosen = data_dir.expanduser().resolve() if data_dir else default_data_dir(project_dir)
        return cls(project_dir=project_dir, data_dir=chosen)
