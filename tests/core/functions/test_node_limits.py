"""The Node.js runtime under runaway code: timeouts, heap exhaustion, crashes, concurrency, close."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import SimulatorError
from app.core.functions.runtime.node import NodePool, find_node

pytestmark = pytest.mark.skipif(
    find_node() is None, reason="Node.js (node) is not installed: the Node runtime needs it"
)

SPINNER = """
if (process.env.SPIN_AT_LOAD) { console.log('loading'); while (true) {} }
let calls = 0
exports.main = async (event) => {
  calls++
  console.log('before', event.where)
  if (event.where === 'body') while (true) {}
  if (event.where === 'await') { await new Promise(r => setTimeout(r, 5)); while (true) {} }
  if (event.where === 'timer') { setTimeout(() => { while (true) {} }, 1); await new Promise(() => {}) }
  if (event.where === 'interval') { setInterval(() => {}, 1); await new Promise(r => setTimeout(r, 10000)) }
  return { calls }
}
"""


@pytest.fixture(scope="module")
def pool() -> Iterator[NodePool]:
    with NodePool(spare_workers=2, max_idle=16) as p:
        yield p


@pytest.mark.parametrize("where", ["body", "await", "timer", "interval"])
def test_timeout_kills_the_loop_and_the_next_call_works(make_function, pool, where):
    """A busy loop in the body, after an await, or in a timer is killed at the timeout."""
    fn = make_function({"index.js": SPINNER})
    assert pool.invoke(fn, {}, {}, {}, 5.0).result == {"calls": 1}
    outcome = pool.invoke(fn, {"where": where}, {}, {}, 0.3)
    assert outcome.timed_out and outcome.result is None
    assert outcome.error.message == "Task timed out after 0.30 seconds"
    assert [line.text for line in outcome.logs] == [
        f"before {where}"
    ]  # lines before the loop survive
    assert outcome.duration_ms >= 300  # not declared timed out before its timeout (no upper bound: a busy machine is slow)
    assert pool.invoke(fn, {}, {}, {}, 5.0).result == {"calls": 1}  # a fresh instance


def test_timeout_while_the_module_loads(make_function, pool):
    """A loop at the top level of index.js is killed as well; the next call loads afresh."""
    fn = make_function({"index.js": SPINNER})
    outcome = pool.invoke(fn, {}, {}, {"SPIN_AT_LOAD": "1"}, 0.3)
    assert outcome.timed_out
    assert [line.text for line in outcome.logs] == ["loading"]
    assert pool.invoke(fn, {}, {}, {}, 5.0).result == {"calls": 1}


@pytest.mark.parametrize("after_await", [False, True])
def test_heap_exhaustion_is_contained(tmp_path: Path, after_await):
    """Allocating without end hits --max-old-space-size: an error, and the next call works."""
    fn = tmp_path / "hog"
    fn.mkdir()
    (fn / "index.js").write_text("""exports.main = async (event) => {
      if (!event.hog) return 'fine'
      if (event.await) await new Promise(r => setTimeout(r, 1))
      console.log('hogging')
      const keep = []
      while (true) keep.push(new Array(100000).fill(1))
    }""")
    with NodePool(heap_mb=48, spare_workers=1) as pool:
        assert pool.invoke(fn, {}, {}, {}, 5.0).result == "fine"
        outcome = pool.invoke(fn, {"hog": True, "await": after_await}, {}, {}, 20.0)
        assert not outcome.timed_out
        assert outcome.error.message == "JavaScript heap out of memory (the limit is 48 MB)"
        assert [line.text for line in outcome.logs] == ["hogging"]
        assert pool.invoke(fn, {}, {}, {}, 5.0).result == "fine"


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ("process.kill(process.pid, 'SIGKILL')", -9 if sys.platform != "win32" else 1),
        ("process.exit(3)", 3),
    ],
)
def test_a_process_that_dies_is_reported_and_replaced(make_function, pool, how, code):
    """A crash mid-call (a kill, as a segfault would be, or process.exit) is an error, not ours."""
    fn = make_function(
        {"index.js": f"exports.main = async (e) => {{ if (e.die) {how}; return 'alive' }}"}
    )
    outcome = pool.invoke(fn, {"die": True}, {}, {}, 5.0)
    assert not outcome.timed_out
    assert (
        outcome.error.message
        == f"The function's runtime process exited unexpectedly (exit code {code})"
    )
    assert pool.invoke(fn, {}, {}, {}, 5.0).result == "alive"


def test_concurrent_invocations_from_threads(make_function, pool):
    """Different functions, and the same function twice, run side by side from several threads."""
    fns = [
        make_function(
            {
                "index.js": f"""exports.main = async (e) => {{
        await new Promise(r => setTimeout(r, 50)); return {{ fn: {i}, n: e.n, pid: process.pid }} }}"""
            }
        )
        for i in range(3)
    ]
    results: dict[int, dict] = {}

    def call(n: int) -> None:
        results[n] = pool.invoke(fns[n % 3], {"n": n}, {}, {}, 10.0).result

    threads = [threading.Thread(target=call, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert {n: (r["fn"], r["n"]) for n, r in results.items()} == {n: (n % 3, n) for n in range(6)}
    assert len({r["pid"] for r in results.values()}) == 6  # one instance runs one call at a time


def test_runaway_logging_is_capped(make_function, pool):
    """A logging loop keeps the first 4 MB of lines and ends with a marker."""
    fn = make_function(
        {
            "index.js": "exports.main = async () => { for (let i = 0; i < 60000; i++) console.log('x'.repeat(100)) }"
        }
    )
    logs = pool.invoke(fn, {}, {}, {}, 20.0).logs
    assert len(logs) == 4 * 1024 * 1024 // 100 + 1
    assert logs[-1].text == "… (log output truncated at 4 MB)"


def test_closed_pool_refuses_calls(make_function):
    """After close() every process is gone and invoke raises a SimulatorError."""
    pool = NodePool(spare_workers=1)
    pool.close()
    with pytest.raises(SimulatorError):
        pool.invoke(make_function({"index.js": "exports.main = () => 1"}), {}, {}, {}, 1.0)


def test_close_during_a_call_ends_it_with_a_simulator_error(make_function):
    """close() from another thread stops a running call; the caller gets a SimulatorError."""
    fn = make_function({"index.js": "exports.main = async () => { while (true) {} }"})
    pool = NodePool(spare_workers=0)
    raised: list[BaseException] = []

    def call() -> None:
        try:
            pool.invoke(fn, {}, {}, {}, 30.0)
        except SimulatorError as e:
            raised.append(e)

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.5)
    pool.close()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert [str(e) for e in raised] == ["The Node.js runtime was closed during the call."]


def test_missing_node_is_a_clear_error(tmp_path: Path):
    """A configured node that does not exist is refused up front, with what to do."""
    with pytest.raises(SimulatorError, match="Node.js was not found"):
        NodePool(str(tmp_path / "no-such-node"))
