"""A mini program project folder as WeChat DevTools lays it out (read-only for us)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.core import jsontext
from app.core.errors import InputError
from app.core.reasons import Reason

APPID = re.compile(r"^wx[0-9a-f]{16}$")


class ProjectError(InputError):
    """The folder given as a mini program project is not one (a usage error, not the workspace's)."""


@dataclass(frozen=True)
class Project:
    """What we read from ``project.config.json``."""

    root: Path
    name: str
    appid: str | None  # None for a tourist appid or none at all
    cloudfunction_root: Path | None
    miniprogram_root: Path | None

    @classmethod
    def load(cls, root: Path) -> "Project":
        """Read a project folder; a clear InputError when it is not one."""
        root = root.expanduser().resolve()
        if not root.is_dir():
            raise ProjectError(Reason("project.no_folder", "The project folder {folder} does not exist.", folder=str(root)))
        config_file = root / "project.config.json"
        if not config_file.is_file():
            raise ProjectError(Reason(
                "project.no_config", "{folder} is not a mini program project: it has no project.config.json. "
                "Choose the folder you open in WeChat DevTools.", folder=str(root)))
        try:
            # A project folder may come from anyone: read strictly (no traceback on 10,000 levels).
            config = jsontext.loads(config_file.read_text(encoding="utf-8"), what=str(config_file))
        except UnicodeDecodeError as exc:
            raise ProjectError(Reason("project.not_utf8", "{file} is not UTF-8 text: {detail}",
                                      file=str(config_file), detail=str(exc))) from exc
        if not isinstance(config, dict):
            raise ProjectError(Reason("project.not_object", "{file} must hold a JSON object.", file=str(config_file)))
        appid = str(config.get("appid") or "")
        return cls(
            root=root,
            name=str(config.get("projectname") or root.name),
            appid=appid if APPID.match(appid) else None,
            cloudfunction_root=_subdir(root, config.get("cloudfunctionRoot")),
            miniprogram_root=_subdir(root, config.get("miniprogramRoot")),
        )


def _subdir(root: Path, value: object) -> Path | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return (root / value).resolve()
