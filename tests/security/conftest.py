"""Shared helpers of the security suite: a project of hostile functions on a real workspace."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.functions.sdk import call_function
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

APPID = "wxabc0123456789def"


def make_project(root: Path, functions: dict[str, str]) -> Path:
    """A mini program project whose cloudfunctions/ holds ``functions`` (name -> index.js)."""
    (root / "cloudfunctions").mkdir(parents=True)
    (root / "project.config.json").write_text(json.dumps(
        {"appid": APPID, "projectname": "sec", "cloudfunctionRoot": "cloudfunctions/"}))
    for name, code in functions.items():
        folder = root / "cloudfunctions" / name
        folder.mkdir()
        (folder / "index.js").write_text(code, encoding="utf-8")
    return root


@pytest.fixture
def hostile(tmp_path: Path):
    """``hostile(functions)`` opens a workspace on a project of those functions."""
    opened: list[Workspace] = []

    def open_with(functions: dict[str, str]) -> Workspace:
        project = make_project(tmp_path / f"project{len(opened)}", functions)
        ws = Workspace.open(tmp_path / f"data{len(opened)}", project)
        opened.append(ws)
        return ws

    yield open_with
    for ws in opened:
        ws.close()


def run(ws: Workspace, name: str, data: dict | None = None, persona: str | None = "学生A") -> dict:
    """Call function ``name`` as a persona (or as a console test with ``persona=None``)."""
    caller = ws.client_caller(persona) if persona else Caller.console()
    return call_function(ws.handle, caller, name, data or {}).value


UNTRUSTED = ("client", "function", "gateway")


def untrusted_caller(ws: Workspace, kind: str) -> Caller:
    """A mini program user, a cloud function acting for one, or a gateway caller (server code)."""
    return {
        "client": lambda: ws.client_caller("学生A"),
        "function": lambda: Caller("admin", "wx_client,scf", ws.client_caller("学生A").openid, ws.settings.appid),
        "gateway": lambda: Caller.admin("wx_devtools"),
    }[kind]()


# Raw host calls: user code reaches the request API only through the SDK shims' transport.
RAW = "const { send } = require('wxsim:sdk/transport')\n"


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path


OWNER = {"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}


@pytest.fixture
def notes(workspace: Workspace) -> Workspace:
    """The workspace with a ``notes`` collection under CUSTOM rules: each user their own notes."""
    workspace.handle(Request("database.addCollection", {"collectionName": "notes"}, Caller.console()))
    workspace.handle(Request("database.setPermission", {"collectionName": "notes", "mode": "CUSTOM",
                                                        "rules": OWNER}, Caller.console()))
    return workspace
