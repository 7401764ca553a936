"""A gateway serving a real workspace on tmp_path, and a small HTTP client for it.

The client signs as the SDK does, with wxsim's own signer (the independent check against the
SDK's algorithm is in tests/security and, with the real SDK, tests/contract).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.gateway import gateway_actions
from app.core.http.gateway_server import Gateway
from app.core.gateway.credentials import Credentials
from app.core.gateway.signature import json_members, sign
from app.core.requests import Caller, Request
from app.core.workspace import Workspace

CREDENTIALS = Credentials("AKIDtest", "test-secret-key", "test-session-token")


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
    gw = Gateway(workspace.handle, workspace.settings.env_id, appid=workspace.settings.appid,
                 credentials=CREDENTIALS)
    gw.start()
    yield gw
    gw.stop()


def post(url: str, body: bytes, *, query: str = "", headers: dict | None = None,
         params: dict[str, Any] | None = None) -> tuple[int, str, bytes]:
    """POST ``body`` to ``url + query``, signed with CREDENTIALS; returns status, content type and body.

    ``params`` are what the body carries, for a form; a JSON body is read for them.
    """
    headers = {"Content-Type": "application/json", **(headers or {})}
    if params is None:
        members = json_members(body)
        params = body if members is None else members
    headers.update(sign(CREDENTIALS, "POST", url + query, headers, params))
    request = urllib.request.Request(url + query, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers.get("Content-Type"), response.read()


def call(url: str, action: str, params: dict, *, seq_id: str = "18c0f_1", source: str = ",scf",
         env: str = "demo-x") -> dict:
    """An SDK 4.x style call: env and seqId in the query, common fields in the body."""
    fields = {"action": action, **params, "envName": env, "wxCloudApiToken": "", "tcb_sessionToken": "",
              "sessionToken": CREDENTIALS.session_token, "crossAuthorizationToken": ""}
    status, content_type, body = post(
        url, json.dumps(fields).encode(), query=f"?env={env}&seqId={seq_id}",
        headers={"Content-Type": "application/json", "X-TCB-Source": source},
    )
    assert status == 200
    assert content_type.startswith("application/json")
    return json.loads(body)
