"""A gateway serving a real workspace on tmp_path, and a small HTTP client for it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from app.core.gateway import Gateway, gateway_actions
from app.core.requests import Caller, Request
from app.core.workspace import Workspace


def add_gateway_actions(workspace: Workspace) -> None:
    """Register wx.openApi and friends unless workspace.py already does (then this is a no-op)."""
    dispatcher = workspace._dispatcher  # until workspace.py registers gateway_actions itself
    dispatcher.register(gateway_actions(dispatcher.actions()))


@pytest.fixture
def gateway(workspace: Workspace) -> Iterator[Gateway]:
    """A started gateway on the demo workspace, with a ``todos`` collection of two documents."""
    add_gateway_actions(workspace)
    admin = Caller.admin("console")
    workspace.handle(Request("database.addCollection", {"collectionName": "todos"}, admin))
    docs = [{"_id": "t1", "title": "a", "done": False, "progress": 20},
            {"_id": "t2", "title": "b", "done": False, "progress": 50}]
    workspace.handle(Request("database.insertDocument", {"collectionName": "todos", "data": docs}, admin))
    gw = Gateway(workspace.handle, workspace.settings.env_id, appid=workspace.settings.appid)
    gw.start()
    yield gw
    gw.stop()


def post(url: str, body: bytes, *, query: str = "", headers: dict | None = None) -> tuple[int, str, bytes]:
    """POST ``body`` to ``url + query``; returns status, content type and body."""
    request = urllib.request.Request(url + query, data=body, method="POST", headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read()


def call(url: str, action: str, params: dict, *, seq_id: str = "18c0f_1", source: str = ",scf",
         env: str = "demo-x") -> dict:
    """An SDK 4.x style call: env and seqId in the query, common fields in the body."""
    fields = {"action": action, **params, "envName": env, "wxCloudApiToken": "", "tcb_sessionToken": "",
              "sessionToken": "wxsim-local", "crossAuthorizationToken": ""}
    status, content_type, body = post(
        url, json.dumps(fields).encode(), query=f"?env={env}&seqId={seq_id}",
        headers={"Content-Type": "application/json", "X-TCB-Source": source},
    )
    assert status == 200
    assert content_type.startswith("application/json")
    return json.loads(body)
