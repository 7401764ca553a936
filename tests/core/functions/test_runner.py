"""Invoking cloud functions through the dispatcher and the CLI (spec §1.3, §2.4, §9.9 F1–F4)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from app.core.functions.catalog import read_function
from app.core.functions.cron import Cron, CronError
from app.core.functions.sdk import call_function
from app.core.functions.triggers import TriggerScheduler
from app.core.requests import Caller
from app.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def make_project(root: Path, functions: dict[str, str], configs: dict[str, dict] | None = None) -> Path:
    (root / "cloudfunctions").mkdir(parents=True)
    (root / "project.config.json").write_text(json.dumps(
        {"appid": "wxabc0123456789def", "projectname": "fntest", "cloudfunctionRoot": "cloudfunctions/"}))
    for name, code in functions.items():
        folder = root / "cloudfunctions" / name
        folder.mkdir()
        (folder / "index.js").write_text(code, encoding="utf-8")
        if configs and name in configs:
            (folder / "config.json").write_text(json.dumps(configs[name]))
    return root


FUNCTIONS = {
    "add": "exports.main = async (e) => e.a + e.b",
    "nothing": "exports.main = async () => {}",
    "boom": "exports.main = async () => { throw new Error('boom') }",
    "echo": "exports.main = async (event, context) => ({ event, name: context.function_name, "
            "limit: context.time_limit_in_ms, env: process.env.GREETING, source: process.env.TCB_SOURCE })",
    "spin": "exports.main = async () => { while (true) {} }",
    "spinLater": "exports.main = () => new Promise(r => setTimeout(() => { while (true) {} }, 10))",
    "big": "exports.main = async () => 'x'.repeat(1100 * 1024)",
    "counter": "let n = 0; exports.main = async () => ++n",
    "chatty": "exports.main = async () => { console.log('hello', {a: 1}); console.warn('careful'); console.error('bad'); return 1 }",
}
CONFIGS = {"echo": {"envVariables": {"GREETING": "你好"}, "timeout": 7}, "spin": {"timeout": 1}, "spinLater": {"timeout": 1}}


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    root = tmp_path_factory.mktemp("fn")
    workspace = Workspace.open(root / "data", make_project(root / "project", FUNCTIONS, CONFIGS))
    yield workspace
    workspace.close()


def client(ws, persona="学生A"):
    return ws.client_caller(persona)


def test_f1_result_and_request_id(ws):
    out = call_function(ws.handle, client(ws), "add", {"a": 1, "b": 2})
    assert out.ok and out.value["result"] == 3 and out.value["errMsg"] == "cloud.callFunction:ok"
    assert UUID.match(out.value["requestID"])


def test_f2_nothing_is_null(ws):
    assert call_function(ws.handle, client(ws), "nothing").value["result"] is None


def test_f3_throw(ws):
    out = call_function(ws.handle, client(ws), "boom")
    assert out.value["errCode"] == -404011
    assert "cloud.callFunction:fail" in out.value["errMsg"] and "-504002" in out.value["errMsg"]
    assert "boom" in out.value["errMsg"]
    run = ws.functions.history("boom")[0]
    assert run.error == "Error: boom" and "index.js" in run.stack


def test_f4_unknown_function(ws):
    out = call_function(ws.handle, client(ws), "nope")
    assert out.value["errCode"] == -501000
    assert "FunctionName parameter could not be found" in out.value["errMsg"]


def test_f6_server_shape(ws):
    out = call_function(ws.handle, Caller.admin("scf"), "add", {"a": 1, "b": 2})
    assert out.value["errMsg"] == "callFunction:ok" and out.value["result"] == 3


def test_user_info_injected_and_unforgeable(ws):
    forged = {"x": 1, "userInfo": {"openId": "oFAKE", "appId": "wxfake"}}
    event = call_function(ws.handle, client(ws), "echo", forged).value["result"]["event"]
    assert event == {"x": 1, "userInfo": {"appId": ws.settings.appid, "openId": ws.identity.persona("学生A").openid}}


def test_context_config_and_source(ws):
    result = call_function(ws.handle, Caller.admin("console"), "echo", {}).value["result"]
    assert result["name"] == "echo" and result["limit"] == 7000 and result["env"] == "你好"
    assert result["source"] == "wx_devtools" and "userInfo" not in result["event"]


@pytest.mark.parametrize("name", ["spin", "spinLater"])
def test_timeout_kills_the_loop_and_the_next_call_works(ws, name):
    """§10 #17: -504002 with 'Task timed out after 1.00 seconds'; the runtime stays usable."""
    out = call_function(ws.handle, client(ws), name)
    assert out.value["errCode"] == -404011 and "Task timed out after 1.00 seconds" in out.value["errMsg"]
    assert call_function(ws.handle, client(ws), "add", {"a": 2, "b": 2}).value["result"] == 4


def test_result_over_1mb(ws):
    out = call_function(ws.handle, Caller.admin("scf"), "big")
    assert out.value["errCode"] == -604001


def test_warm_instances_keep_module_state(ws):
    first = call_function(ws.handle, client(ws), "counter").value["result"]
    assert call_function(ws.handle, client(ws), "counter").value["result"] == first + 1


def test_console_logs_with_levels(ws):
    call_function(ws.handle, client(ws), "chatty")
    logs = ws.functions.history("chatty")[0].logs
    assert [(line["level"], line["text"]) for line in logs] == [
        ("log", "hello { a: 1 }"), ("warn", "careful"), ("error", "bad")]


def test_invocations_nest_under_the_timeline_event(ws):
    call_function(ws.handle, client(ws), "add", {"a": 1, "b": 1})
    event = ws.events.recent()[-1]
    assert event.action == "functions.invokeFunction" and event.target == "add" and event.persona == "学生A"
    assert ws.functions.history("add")[0].request_id.replace("-", "") == event.id


def test_hot_reload(tmp_path):
    project = make_project(tmp_path / "p", {"v": "exports.main = async () => 1"})
    ws = Workspace.open(tmp_path / "d", project)
    try:
        assert call_function(ws.handle, Caller.admin(), "v").value["result"] == 1
        index = project / "cloudfunctions" / "v" / "index.js"
        index.write_text("exports.main = async () => 2")
        # Same size as before: move the mtime on, as a later save would, rather than sleeping
        # and hoping the clock ticked past the filesystem's granularity.
        stat = index.stat()
        os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
        assert call_function(ws.handle, Caller.admin(), "v").value["result"] == 2
        (project / "cloudfunctions" / "v" / "index.js").write_text("exports.main = async () => {{")
        out = call_function(ws.handle, Caller.admin(), "v")
        assert not out.ok and "index.js" in ws.functions.history("v")[0].stack + ws.functions.history("v")[0].error
    finally:
        ws.close()


def test_bad_config_is_reported(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "index.js").write_text("exports.main = async () => 1")
    (folder / "config.json").write_text('{"timeout": 99}')
    assert "timeout must be a number of seconds from 1 to 60" in read_function(folder).problem
    (folder / "config.json").write_text('{"triggers": [{"type": "timer", "config": "* * *"}]}')
    assert "needs 7" in read_function(folder).problem


def test_cron_next_firing():
    assert Cron.parse("0 0 2 1 * * *").next_after(datetime(2025, 3, 5, 10)) == datetime(2025, 4, 1, 2)
    assert Cron.parse("*/5 * * * * * *").next_after(datetime(2025, 3, 5, 10, 0, 3)) == datetime(2025, 3, 5, 10, 0, 5)
    assert Cron.parse("0 30 9 * * MON-FRI *").next_after(datetime(2025, 3, 8, 10)) == datetime(2025, 3, 10, 9, 30)
    with pytest.raises(CronError, match="minute"):
        Cron.parse("0 61 * * * * *")


def test_trigger_fires_on_schedule(tmp_path):
    project = make_project(
        tmp_path / "p", {"tick": "exports.main = async () => process.env.TCB_SOURCE"},
        {"tick": {"triggers": [{"name": "t", "type": "timer", "config": "* * * * * * *"}]}})
    ws = Workspace.open(tmp_path / "d", project)
    scheduler = TriggerScheduler(ws.functions.functions, ws.handle)
    try:
        scheduler.start()
        deadline = time.monotonic() + 10
        while not ws.functions.history("tick") and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
        ws.close()
    run = ws.functions.history("tick")[0]
    assert run.result == "wx_trigger" and run.source == "wx_trigger" and run.openid is None


def test_wxsim_call_cli(tmp_path):
    """F1 through the command line: one JSON object on stdout, exit codes as DESIGN §5."""
    project = make_project(tmp_path / "p", {"add": FUNCTIONS["add"], "boom": FUNCTIONS["boom"]})

    def wxsim(*args):
        return subprocess.run([sys.executable, "-m", "app", *args, "--project", str(project),
                               "--data-dir", str(tmp_path / "d")], cwd=ROOT, capture_output=True, text=True, timeout=60)

    out = wxsim("call", "add", "--data", '{"a": 1, "b": 2}', "--as", "学生A")
    assert out.returncode == 0 and json.loads(out.stdout)["result"] == 3
    out = wxsim("call", "boom")
    assert out.returncode == 1 and json.loads(out.stdout)["errCode"] == -404011
    out = wxsim("call", "add", "--data", "{bad")
    assert out.returncode == 2 and "not valid JSON" in out.stderr and out.stdout == ""  # an input error
