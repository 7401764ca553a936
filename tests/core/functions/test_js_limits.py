"""Runaway code: timeouts wherever the loop runs, heap exhaustion, crashes, concurrency."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.functions.runtime.v8 import JsPool

SPINNER = """
if (process.env.SPIN_AT_LOAD) { console.log('loading'); while (true) {} }
const host = require('test-host')
let calls = 0
exports.main = async (event) => {
  calls++
  console.log('before', event.where)
  if (event.where === 'body') while (true) {}
  if (event.where === 'await') { await host.call('ping', {}); while (true) {} }
  if (event.where === 'timer') { setTimeout(() => { while (true) {} }, 1); await new Promise(() => {}) }
  if (event.where === 'interval') { setInterval(() => {}, 1); await new Promise(r => setTimeout(r, 10000)) }
  return { calls }
}
"""


@pytest.mark.parametrize("where", ["body", "await", "timer", "interval"])
def test_timeout_kills_the_loop_and_the_next_call_works(make_function, run, where):
    """A busy loop in the body, after an await of a host call, or in a timer is stopped at the timeout."""
    fn = make_function({"index.js": SPINNER})
    assert run(fn).result == {"calls": 1}
    outcome = run(fn, {"where": where}, timeout_s=0.3)
    assert outcome.timed_out and outcome.result is None
    assert outcome.error.message == "Task timed out after 0.30 seconds"
    assert [line.text for line in outcome.logs] == [
        f"before {where}"
    ]  # lines before the loop survive
    assert outcome.duration_ms >= 300  # not declared timed out before its timeout (no upper bound: a busy machine is slow)
    assert run(fn).result == {"calls": 1}  # a fresh instance: the spinning one is gone


def test_timeout_in_module_initialisation(make_function, run):
    """A loop at the top level of index.js (while loading) is stopped as well."""
    fn = make_function({"index.js": SPINNER})
    outcome = run(fn, env={"SPIN_AT_LOAD": "1"}, timeout_s=0.3)
    assert outcome.timed_out
    assert [line.text for line in outcome.logs] == ["loading"]
    assert run(fn).result == {"calls": 1}


@pytest.mark.parametrize("after_await", [False, True])
def test_heap_exhaustion_is_contained(tmp_path: Path, after_await):
    """Allocating without end hits the heap limit: an error, and the next call gets a fresh instance."""
    fn = tmp_path / "hog"
    fn.mkdir()
    (fn / "index.js").write_text("""exports.main = async (event) => {
      if (!event.hog) return 'fine'
      if (event.await) await new Promise(r => setTimeout(r, 1))
      const keep = []
      while (true) keep.push(new Array(100000).fill(1))
    }""")
    with JsPool(heap_mb=32, spare_workers=1) as pool:
        assert pool.invoke(fn, {}, {}, {}, 5.0, lambda a, p: {}).result == "fine"  # now warm
        outcome = pool.invoke(
            fn, {"hog": True, "await": after_await}, {}, {}, 10.0, lambda a, p: {}
        )
        assert not outcome.timed_out
        assert outcome.error.message == "JavaScript heap out of memory (the limit is 32 MB)"
        assert pool.invoke(fn, {}, {}, {}, 5.0, lambda a, p: {}).result == "fine"


def _pids_with_env(marker: str) -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if marker.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the worker through /proc")
def test_crashed_worker_is_reported_and_replaced(make_function, monkeypatch):
    """A worker that dies mid-call (here SIGKILL, as a segfault would) is an error, not a parent crash."""
    fn = make_function(
        {
            "index.js": """const host = require('test-host')
      exports.main = async (e) => { if (e.crash) await host.call('crash', {}); return 'alive' }"""
        }
    )
    marker = f"WXSIM_TEST_WORKER={os.getpid()}-crash"
    monkeypatch.setenv(*marker.split("="))  # only this pool's worker inherits it

    def host(action: str, params: dict) -> dict:
        for pid in _pids_with_env(marker):
            os.kill(pid, signal.SIGKILL)
        return {}

    with JsPool(spare_workers=0, builtins={"test-host": _test_host_builtin(fn.parent)}) as pool:
        outcome = pool.invoke(fn, {"crash": True}, {}, {}, 5.0, host)
        assert not outcome.timed_out
        assert (
            outcome.error.message
            == "The function's runtime process exited unexpectedly (exit code -9)"
        )
        assert pool.invoke(fn, {}, {}, {}, 5.0, host).result == "alive"


def _test_host_builtin(directory: Path) -> Path:
    path = directory / "test-host.js"
    path.write_text("module.exports = require('wxsim:host')")
    return path


def test_concurrent_invocations_from_threads(make_function, run):
    """Different functions, and the same function twice, run side by side from several threads."""
    fns = [
        make_function(
            {
                "index.js": f"""const host = require('test-host')
      exports.main = async (e) => {{ await new Promise(r => setTimeout(r, 50))
        return {{ fn: {i}, n: e.n, echo: (await host.call('echo', {{ n: e.n }})).echo.n }} }}"""
            }
        )
        for i in range(3)
    ]
    results: dict[int, object] = {}

    def call(n: int) -> None:
        results[n] = run(fns[n % 3], {"n": n}).result

    threads = [threading.Thread(target=call, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == {n: {"fn": n % 3, "n": n, "echo": n} for n in range(6)}


def test_closed_pool_refuses_calls(make_function):
    """After close() every worker is gone and invoke raises a SimulatorError."""
    from app.core.errors import SimulatorError

    pool = JsPool(spare_workers=1)
    pool.close()
    with pytest.raises(SimulatorError):
        pool.invoke(
            make_function({"index.js": "exports.main = () => 1"}), {}, {}, {}, 1.0, lambda a, p: {}
        )


def test_runaway_logging_is_capped(make_function, run):
    """A logging loop keeps the first 4 MB of lines and ends with a marker, not unbounded memory."""
    fn = make_function(
        {
            "index.js": "exports.main = async () => { for (let i = 0; i < 60000; i++) console.log('x'.repeat(100)) }"
        }
    )
    logs = run(fn).logs
    assert 25000 < len(logs) < 40000  # ~148 bytes a line in the 4 MB spool
    assert logs[-1].text == "… (log output truncated at 4 MB)"


def test_host_bug_propagates_and_the_instance_is_dropped(make_function, run):
    """An exception other than CloudError in the host is our bug: it is raised, not hidden in JS."""
    fn = make_function(
        {
            "index.js": "let n = 0\nconst host = require('test-host')\n"
            "exports.main = async (e) => { n++; if (e.bug) await host.call('x', {}); return n }"
        }
    )
    assert run(fn).result == 1

    def broken(action: str, params: dict) -> dict:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        run(fn, {"bug": True}, host=broken)
    assert run(fn).result == 1  # the half-served instance was not reused


def test_close_during_a_call_ends_it_with_a_simulator_error(make_function):
    """close() from another thread stops a running call; the caller gets a SimulatorError."""
    from app.core.errors import SimulatorError

    fn = make_function({"index.js": "exports.main = async () => { while (true) {} }"})
    pool = JsPool(spare_workers=0)
    raised: list[BaseException] = []

    def call() -> None:
        try:
            pool.invoke(fn, {}, {}, {}, 30.0, lambda a, p: {})
        except SimulatorError as e:
            raised.append(e)

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.5)
    pool.close()
    thread.join(timeout=10)
    assert [str(e) for e in raised] == ["The JavaScript runtime was closed during the call."]
