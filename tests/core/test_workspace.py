"""Opening workspaces, the dispatcher and the event log."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.core.errors import CloudError, InputError
from app.core.events import EventLog
from app.core.jsonfile import TEMP_PREFIX
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from app.paths import demo_project

ENV_ID = re.compile(r"^[a-z][a-z0-9]*-[a-z0-9]{5}$")


def test_demo_workspace_takes_appid_from_project(workspace):
    """The appid comes from project.config.json; the env id has the real shape."""
    assert workspace.settings.appid == "wx5c0d3a1f2b9e4c7d"
    assert ENV_ID.match(workspace.settings.env_id)
    assert workspace.settings.env_id.startswith("demo-")
    assert workspace.project.cloudfunction_root == demo_project() / "cloudfunctions"


def test_without_project_appid_is_generated(tmp_path):
    ws = Workspace.open(tmp_path)
    assert re.fullmatch(r"wx[0-9a-f]{16}", ws.settings.appid)
    assert ws.settings.env_id.startswith("cloud1-")


def test_settings_persist_across_opens(tmp_path):
    first = Workspace.open(tmp_path)
    first.close()
    again = Workspace.open(tmp_path)
    assert again.settings == first.settings
    state = json.loads((tmp_path / "workspace.json").read_text(encoding="utf-8"))
    assert state["env_id"] == first.settings.env_id and len(state["personas"]) == 3


def test_open_removes_stale_temp_files(tmp_path):
    Workspace.open(tmp_path).close()
    (tmp_path / f"{TEMP_PREFIX}x").write_text("{")
    Workspace.open(tmp_path).close()
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


def test_not_a_project_gives_a_clear_error(tmp_path):
    (tmp_path / "proj").mkdir()
    with pytest.raises(InputError, match="no project.config.json"):
        Workspace.open(tmp_path / "data", tmp_path / "proj")
    assert not (tmp_path / "data").exists()  # nothing half-created


def test_damaged_workspace_file_is_reported(tmp_path):
    (tmp_path / "workspace.json").write_text("{not json")
    with pytest.raises(InputError, match="damaged"):
        Workspace.open(tmp_path)


def test_unknown_action_is_an_invalid_parameter_error(workspace):
    with pytest.raises(CloudError) as info:
        workspace.handle(Request("database.nope", {}, Caller.admin()))
    assert info.value.code == -501007
    assert info.value.errmsg_for("collection.get") == (
        "collection.get:fail -501007 invalid parameters. action database.nope is not supported"
    )


def test_every_request_is_logged_with_who_what_and_outcome(workspace):
    """Each request, ok or failed, becomes one event; subscribers hear of it."""
    heard = []
    workspace.subscribe(heard.append)
    caller = workspace.client_caller("学生A")
    code = workspace.handle(Request("auth.wxLogin", {}, caller))["code"]
    workspace.handle(Request("auth.code2Session", {"js_code": code}, Caller.console()))
    with pytest.raises(Exception):
        workspace.handle(Request("auth.code2Session", {"js_code": code}, Caller.console()))
    assert [(e.action, e.outcome, e.error_code) for e in heard] == [
        ("auth.wxLogin", "ok", None),
        ("auth.code2Session", "ok", None),
        ("auth.code2Session", "error", 40163),
    ]
    login = heard[0]
    assert (login.persona, login.source, login.caller_kind) == ("学生A", "wx_client", "client")
    assert login.openid == caller.openid and login.duration_ms >= 0
    assert heard[1].target == code and heard[1].persona is None and heard[1].source == "console"


def test_event_log_survives_reopen(tmp_path):
    """The timeline shows the previous session's requests after a restart."""
    ws = Workspace.open(tmp_path)
    ws.handle(Request("auth.initCloud", {}, ws.client_caller("学生B")))
    ws.close()
    again = Workspace.open(tmp_path)
    assert [e.action for e in again.events.recent()] == ["auth.initCloud"]


def test_event_log_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "events.jsonl"
    log = EventLog(path)
    ws = Workspace.open(tmp_path / "w")
    ws.subscribe(log.append)
    ws.handle(Request("auth.initCloud", {}, ws.client_caller("学生B")))
    with path.open("a") as handle:
        handle.write('{"id": "half')
    assert len(EventLog(path).recent()) == 1


def test_unsubscribe_stops_notifications(workspace):
    heard = []
    unsubscribe = workspace.subscribe(heard.append)
    unsubscribe()
    workspace.handle(Request("auth.initCloud", {}, workspace.client_caller("学生A")))
    assert heard == []


def test_cloud_error_text_matches_sdk():
    """errMsg has the SDK's exact shape: <api>:fail <code> <text>. <detail>."""
    err = CloudError(-502005, "Db or Table not exist: missing")
    assert err.errmsg_for("collection.get") == (
        "collection.get:fail -502005 database collection not exists. Db or Table not exist: missing"
    )
    assert err.tcb_code == "DATABASE_COLLECTION_NOT_EXIST"


def test_a_workspace_opens_in_one_process_at_a_time(tmp_path):
    """A second wxsim on the same data dir is refused clearly instead of losing writes."""
    import subprocess
    import sys

    ws = Workspace.open(tmp_path)
    code = f"from pathlib import Path; from app.core.workspace import Workspace; Workspace.open(Path({str(tmp_path)!r}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode != 0 and "already open in another wxsim" in out.stderr
    ws.close()
    Workspace.open(tmp_path).close()  # free again once closed
