"""A workspace on the acceptance project (``project.py``), and running ``oa`` in it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.core.functions.sdk import call_function
from app.core.requests import Caller
from app.core.workspace import Workspace
from tests.core.openapi.project import make_project


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "project")


@pytest.fixture
def ws(project, tmp_path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "data", project)
    yield workspace
    workspace.close()


def run(ws: Workspace, *calls, persona: str | None = "学生A", function: str = "oa", caller: Caller | None = None) -> list:
    """Each call's ``{ok}``/``{err}`` as the function saw it (``oa`` run as ``persona``)."""
    who = caller or (ws.client_caller(persona) if persona else Caller.console())
    outcome = call_function(ws.handle, who, function, {"calls": [list(c) for c in calls]})
    assert outcome.ok, outcome.value
    return outcome.value["result"]


def one(ws: Workspace, path: str, params: dict | None = None, options: dict | None = None, **kwargs) -> dict:
    call = [path, params if params is not None else {}] + ([options] if options else [])
    return run(ws, call, **kwargs)[0]
