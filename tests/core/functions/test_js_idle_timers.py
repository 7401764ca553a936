"""Timers left running after a function returned: checked before reuse, never on clean calls."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.functions.runtime.v8 import JsPool
from tests.support.waiting import wait_until



def no_host(action: str, params: dict) -> dict:
    return {}


@pytest.fixture
def pool_without_watchdog(tmp_path: Path) -> Iterator[JsPool]:
    """Only the check before reuse runs, so what it does is not raced by the watchdog."""
    builtin = tmp_path / "test-host.js"
    builtin.write_text("module.exports = require('wxsim:host')", encoding="utf-8")
    with JsPool(spare_workers=1, watch_interval_s=None, builtins={"test-host": builtin}) as pool:
        yield pool


def test_a_worker_spinning_after_the_call_returned_is_replaced_before_the_next_call(
    make_function, pool_without_watchdog
):
    """JS that runs on after the return and never ends: the next call still works.

    Here it runs once a host call the function did not await is answered. The parent answers
    it before it reads the call's end, and the ping after that answer, so the worker is
    deterministically spinning by the time it is pinged.
    """
    fn = make_function({"index.js": """const host = require('test-host')
let calls = 0
exports.main = async (e) => {
  calls++
  if (e.spin) host.call('ping', {}).then(() => { while (true) {} })
  return calls
}"""})
    pool = pool_without_watchdog
    assert pool.invoke(fn, {"spin": True}, {}, {}, 5.0, no_host).result == 1
    outcome = pool.invoke(fn, {}, {}, {}, 5.0, no_host)
    assert (outcome.timed_out, outcome.error, outcome.result) == (False, None, 1)  # a fresh instance
    stats = pool.stats()
    assert (stats.pings, stats.recycled_unresponsive) == (1, 1)


def test_clean_warm_calls_are_never_pinged(make_function, pool_without_watchdog):
    """The hot path stays as it was: no timers left behind, no responsiveness check."""
    fn = make_function({"index.js": """let n = 0
exports.main = async () => { await new Promise(r => setTimeout(r, 1)); return ++n }"""})
    pool = pool_without_watchdog
    assert [pool.invoke(fn, {}, {}, {}, 5.0, no_host).result for _ in range(4)] == [1, 2, 3, 4]
    assert pool.stats().pings == 0


def test_a_responsive_worker_with_pending_timers_keeps_its_state(make_function, pool_without_watchdog):
    """A lingering interval that does little is fine: the instance answers and is reused."""
    fn = make_function({"index.js": """let n = 0; let ticks = 0
exports.main = async () => { if (n === 0) setInterval(() => { ticks++ }, 5); return ++n }"""})
    pool = pool_without_watchdog
    assert [pool.invoke(fn, {}, {}, {}, 5.0, no_host).result for _ in range(3)] == [1, 2, 3]
    stats = pool.stats()
    assert (stats.pings, stats.recycled_unresponsive) == (2, 0)


def test_the_watchdog_recycles_an_idle_worker_that_spins(make_function):
    """Nobody calls the function again: the idle spinning worker is killed all the same."""
    fn = make_function({"index.js": """exports.main = async (e) => {
  if (e.spin) setTimeout(() => { while (true) {} }, 50)
  return 'x' }"""})
    with JsPool(spare_workers=0, watch_interval_s=0.05) as pool:
        assert pool.invoke(fn, {"spin": True}, {}, {}, 5.0, no_host).result == "x"
        wait_until(lambda: pool.stats().recycled_unresponsive > 0, "the spinning worker to be recycled")
        assert pool.stats().idle == 0
        outcome = pool.invoke(fn, {}, {}, {}, 5.0, no_host)
        assert (outcome.timed_out, outcome.result) == (False, "x")
