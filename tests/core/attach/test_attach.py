"""Scripts reach the running app: commands attach to the process holding the workspace."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.core.api import WorkspaceApi
from app.paths import demo_project, resource
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
HOLDER = Path(__file__).with_name("holder.py")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def wxsim(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args, "--data-dir", str(data_dir)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=timeout)


def stats(data_dir: Path) -> subprocess.CompletedProcess:
    return wxsim(data_dir, "call", "todos", "--as", "学生A", "--data", '{"action": "stats"}')



@pytest.fixture
def holder(tmp_path: Path):
    """A process holding tmp_path/data, like the desktop app: ``holder(extra_args)``."""
    started: list[subprocess.Popen] = []

    def start(*extra: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, str(HOLDER), str(tmp_path / "data"), *extra], cwd=ROOT, env=ENV,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.stdin.close()
            proc.wait(timeout=60)


def test_a_command_prints_the_same_attached_as_standalone(tmp_path: Path, holder):
    """Same stdout JSON, exit code and stderr shape; the holder's timeline shows the call."""
    standalone = stats(tmp_path / "data")
    assert standalone.returncode == 0, standalone.stderr
    proc = holder()
    attached = stats(tmp_path / "data")
    assert attached.returncode == 0, attached.stderr
    strip = lambda out: {k: v for k, v in json.loads(out).items() if k != "requestID"}  # noqa: E731
    assert strip(attached.stdout) == strip(standalone.stdout) == {
        "errMsg": "cloud.callFunction:ok", "result": {"open": 4, "mine": 3}}
    proc.stdin.close()
    proc.wait(timeout=60)
    events = [json.loads(line) for line in (tmp_path / "data" / "events.jsonl").read_text().splitlines()]
    calls = [e for e in events if e["action"] == "functions.invokeFunction" and e["persona"] == "学生A"]
    assert len(calls) == 2  # the standalone one, then the attached one, logged by the holder


def test_every_command_attaches(tmp_path: Path, holder):
    """personas, db export/import/permission and run-client reach the holder too."""
    holder()
    data = tmp_path / "data"
    personas = wxsim(data, "personas")
    assert personas.returncode == 0 and [p["name"] for p in json.loads(personas.stdout)["personas"]] == ["学生A", "学生B", "老师"]
    lines = tmp_path / "new.jsonl"
    lines.write_text('{"_id": "n1", "v": 1}\n{"_id": "n2", "v": 2}\n')
    imported = wxsim(data, "db", "import", "fresh", str(lines))
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["inserted"] == 2 and "created collection fresh" in imported.stderr
    exported = wxsim(data, "db", "export", "fresh")
    assert exported.returncode == 0 and [json.loads(x)["_id"] for x in exported.stdout.splitlines()] == ["n1", "n2"]
    assert wxsim(data, "db", "permission", "fresh", "READONLY").returncode == 0
    script = tmp_path / "client" / "main.js"
    script.parent.mkdir()
    script.write_text("exports.main = async () => (await wx.cloud.database().collection('fresh').count()).total")
    client = wxsim(data, "run-client", str(script), "--as", "学生B")
    assert client.returncode == 0 and client.stdout.strip() == "2", client.stderr


def test_serve_on_a_held_workspace_names_the_holders_gateway(tmp_path: Path, holder):
    proc = holder()
    served = wxsim(tmp_path / "data", "serve")
    assert served.returncode == 0, served.stderr
    info = json.loads(served.stdout)
    assert info["url"].startswith("http://127.0.0.1:") and f"held by process {proc.pid}" in served.stderr


@pytest.mark.parametrize("held", [False, True], ids=["free", "held"])
def test_twenty_concurrent_calls_all_complete(tmp_path: Path, holder, held: bool):
    """On a free workspace the first command holds it for the others; all twenty writes land."""
    data = tmp_path / "data"
    assert wxsim(data, "personas").returncode == 0  # made, then free again
    if held:
        holder()

    def add(i: int) -> subprocess.CompletedProcess:
        return wxsim(data, "call", "todos", "--as", "学生A", "--data", json.dumps({"action": "add", "title": f"n{i}"}))

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(add, range(20)))
    assert [o.returncode for o in outcomes] == [0] * 20, [o.stderr for o in outcomes if o.returncode]
    exported = wxsim(data, "db", "export", "todos")
    titles = {json.loads(line).get("title") for line in exported.stdout.splitlines()}
    assert {f"n{i}" for i in range(20)} <= titles


def test_a_stale_endpoint_is_ignored(tmp_path: Path):
    """A holder killed without cleaning up left endpoint.json: its pid is gone, or nothing answers."""
    data = tmp_path / "data"
    assert wxsim(data, "personas").returncode == 0
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for pid in (dead.pid, os.getpid()):  # a dead pid; a live one that serves nothing
        (data / "endpoint.json").write_text(json.dumps({"pid": pid, "url": "http://127.0.0.1:9/console", "token": "x"}))
        outcome = stats(data)
        assert outcome.returncode == 0, outcome.stderr


def test_a_holder_that_dies_mid_call_gives_exit_3(tmp_path: Path, holder):
    marker = tmp_path / "in-the-call"
    proc = holder("--hang-on", "functions.invokeFunction", str(marker))
    command = subprocess.Popen([sys.executable, "-m", "app", "call", "todos", "--as", "学生A", "--data",
                                '{"action": "stats"}', "--data-dir", str(tmp_path / "data")],
                               cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(marker.exists, "the call reaching the holder")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    out, err = command.communicate(timeout=120)
    assert command.returncode == 3, err
    assert out == "" and "went away during the request" in err


def test_requests_of_an_attached_command_are_in_the_holders_timeline(tmp_path: Path):
    """A holder in this process (as the app is): the command's call shows with source cli."""
    api = WorkspaceApi.open(tmp_path / "data", demo_project(), demo_data=resource("demo-data"))
    api.publish()
    try:
        outcome = stats(tmp_path / "data")
        assert outcome.returncode == 0, outcome.stderr
        calls = [e for e in api.recent_events() if e.action == "functions.invokeFunction"]
        assert [(e.persona, e.source) for e in calls] == [("学生A", "wx_client")]
        assert any(e.action == "personas.list" and e.source == "cli" for e in api.recent_events())
    finally:
        api.close()


def test_the_exit_codes(tmp_path: Path):
    data = tmp_path / "data"
    assert stats(data).returncode == 0
    assert wxsim(data, "call", "nope").returncode == 1  # the platform's failure, errMsg printed
    assert wxsim(data, "call", "todos", "--data", "{bad").returncode == 2
    assert wxsim(data, "call", "todos", "--as", "nobody").returncode == 2
    (tmp_path / "file").write_text("")
    assert wxsim(tmp_path / "file", "personas").returncode == 3  # a data dir that cannot be opened
