"""``wxsim call`` starts its JS worker before the app's imports; the pool adopts it, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.core.functions.runtime import worker_start
from app.core.functions.runtime.child.v8_worker import heap_from_argv
from app.core.functions.runtime.v8 import JsPool
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]
LINUX_ONLY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@pytest.fixture(autouse=True)
def no_early_worker_left():
    yield
    worker_start._kill_unadopted()


def _alive(pid: int) -> bool:  # Linux: /proc tells a zombie from a live process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    return state != "Z"


def test_only_a_call_command_starts_one_early():
    for argv in ([], ["db", "export", "todos"], ["call", "--help"], ["--wxsim-js-worker"]):
        worker_start.start_early(argv)
        assert worker_start.take_early(worker_start.DEFAULT_HEAP_MB) is None, argv
    worker_start.start_early(["call", "login"])
    worker_start.start_early(["call", "login"])  # a second request does not start another
    proc = worker_start.take_early(worker_start.DEFAULT_HEAP_MB)
    assert proc is not None and proc.poll() is None
    assert worker_start.take_early(worker_start.DEFAULT_HEAP_MB) is None  # handed out once
    proc.kill()
    proc.wait()


@LINUX_ONLY
def test_the_pool_adopts_the_early_worker_and_runs_a_function_on_it(tmp_path):
    fn = tmp_path / "fn"
    fn.mkdir()
    (fn / "index.js").write_text("exports.main = async (e) => ({ twice: e.n * 2 })", encoding="utf-8")
    worker_start.start_early(["call", "fn"])
    early_pid = worker_start._early.pid
    with JsPool(spare_workers=1, watch_interval_s=None) as pool:
        assert pool.stats().spares == 1  # there at once, not after a refill
        outcome = pool.invoke(fn, {"n": 21}, {}, {}, 5.0, lambda action, params: {})
        assert outcome.error is None and outcome.result == {"twice": 42}
        assert [w.pid for w in pool._busy | set(pool._idle)] == [early_pid]
    wait_until(lambda: not _alive(early_pid), "the adopted worker to end with its pool")


def test_a_pool_with_another_heap_limit_leaves_it_and_exit_kills_it():
    worker_start.start_early(["call", "fn"])
    early = worker_start._early
    with JsPool(heap_mb=64, spare_workers=0, watch_interval_s=None) as pool:
        assert pool.stats().spares == 0
    assert early.poll() is None  # still waiting for a pool that has its limit
    worker_start._kill_unadopted()  # what atexit runs
    assert early.poll() is not None


def test_the_heap_limit_travels_on_the_command_line():
    assert worker_start.worker_command(96)[-2:] == ["--heap-mb", "96"]
    assert heap_from_argv(["--wxsim-js-worker", "--heap-mb", "96"]) == 96
    assert heap_from_argv([]) == worker_start.DEFAULT_HEAP_MB


@LINUX_ONLY
def test_a_terminal_call_leaves_no_worker_behind(tmp_path):
    """The whole command: the function runs and no process it started outlives it."""
    tag = f"wxsim-test-{uuid.uuid4()}"  # inherited by every process the command starts
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_DATA_HOME": str(tmp_path / "xdg"), "WXSIM_TEST_TAG": tag}
    command = [sys.executable, "-m", "app", "call", "login", "--as", "学生A", "--data-dir", str(tmp_path / "data")]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["result"]["openid"].startswith("o")
    assert _tagged_processes(tag) == []


def _tagged_processes(tag: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"WXSIM_TEST_TAG={tag}".encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return [pid for pid in found if _alive(pid)]
