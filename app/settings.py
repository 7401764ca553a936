"""The app's own preferences (language, recent projects), kept in one small JSON file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core.jsonfile import read_json, write_json

MAX_RECENT = 8


@dataclass
class AppSettings:
    path: Path
    language: str | None = None
    recent_projects: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> "AppSettings":
        try:
            data = read_json(path, default={}) or {}
        except ValueError:
            data = {}  # a damaged preferences file only costs the recent list
        recent = [str(p) for p in data.get("recent_projects", []) if isinstance(p, str)]
        language = data.get("language") if data.get("language") in ("zh_CN", "en") else None
        return cls(path, language, recent[:MAX_RECENT])

    def remember_project(self, project: Path) -> None:
        entry = str(project)
        self.recent_projects = [entry] + [p for p in self.recent_projects if p != entry]
        del self.recent_projects[MAX_RECENT:]
        self.save()

    def existing_recent_projects(self) -> list[Path]:
        return [Path(p) for p in self.recent_projects if Path(p).is_dir()]

    def save(self) -> None:
        write_json(self.path, {"language": self.language, "recent_projects": self.recent_projects})
