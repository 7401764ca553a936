"""The mini program's pages, read from the project's ``app.json`` on every call (edits count at
once), for the page checks of codes and links (openapi.md §3.4, §6.3)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core import jsontext
from app.core.project import Project


@dataclass(frozen=True)
class PageList:
    """``pages`` plus every subpackage's pages; ``home`` is the first of ``pages``."""

    pages: frozenset[str]
    home: str | None

    def has(self, page: str) -> bool:
        return page in self.pages


class Pages:
    """Reads ``app.json`` of the project's mini program folder."""

    def __init__(self, project: Project | None) -> None:
        self._project = project

    def read(self) -> PageList | None:
        """The pages, or None when the project has no readable app.json (then none is checked)."""
        if self._project is None:
            return None
        root = self._project.miniprogram_root or self._project.root
        try:
            config = jsontext.loads((Path(root) / "app.json").read_text(encoding="utf-8"), what="app.json")
        except (OSError, UnicodeDecodeError, jsontext.JsonTextError):
            return None
        if not isinstance(config, dict) or not isinstance(config.get("pages"), list):
            return None
        main = [p for p in config["pages"] if isinstance(p, str)]
        pages = set(main)
        for package in config.get("subpackages") or config.get("subPackages") or []:
            if isinstance(package, dict) and isinstance(package.get("root"), str):
                base = package["root"].strip("/")
                pages.update(f"{base}/{p.lstrip('/')}" for p in package.get("pages") or [] if isinstance(p, str))
        return PageList(frozenset(pages), main[0] if main else None)
