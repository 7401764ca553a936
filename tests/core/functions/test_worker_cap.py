"""The cap on worker processes: reclaiming idle ones, waiting within the timeout, nested calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import CloudError
from app.core.functions.runtime.v8 import JsPool
from app.core.functions.runtime.slots import CAP_CODE, WorkerSlots, default_worker_cap
from tests.support.waiting import wait_until

WAIT_S = 60



def no_host(action: str, params: dict) -> dict:
    return {}


@pytest.fixture
def host_builtin(tmp_path: Path) -> dict[str, Path]:
    path = tmp_path / "test-host.js"
    path.write_text("module.exports = require('wxsim:host')", encoding="utf-8")
    return {"test-host": path}


@pytest.fixture
def capped(host_builtin) -> Iterator[tuple[JsPool, WorkerSlots]]:
    """A pool that may run a single worker process."""
    slots = WorkerSlots(1)
    with JsPool(spare_workers=0, slots=slots, builtins=host_builtin) as pool:
        yield pool, slots


BLOCKING = """const host = require('test-host')
exports.main = async (e) => { await host.call('block', {}); return e.n }"""


def test_default_cap_is_sized_to_the_machine_within_bounds():
    cap = default_worker_cap()
    assert 4 <= cap <= 32
    assert WorkerSlots().limit == cap
    with pytest.raises(ValueError):
        WorkerSlots(0)


def test_idle_workers_of_other_functions_are_reclaimed_under_the_cap(make_function):
    """Five functions one after another with room for two processes: all run, never more than two."""
    fns = [make_function({"index.js": f"exports.main = async () => {i}"}) for i in range(5)]
    slots = WorkerSlots(2)
    with JsPool(spare_workers=1, slots=slots) as pool:
        results = []
        for fn in fns:
            results.append(pool.invoke(fn, {}, {}, {}, 5.0, no_host).result)
            assert slots.used <= 2 and pool.stats().processes <= 2
        assert results == [0, 1, 2, 3, 4]


def test_a_call_waits_for_a_busy_worker_to_come_free(make_function, capped):
    pool, slots = capped
    blocker, waiter = make_function({"index.js": BLOCKING}), make_function({"index.js": "exports.main = async () => 'late'"})
    release = threading.Event()
    results: dict[str, object] = {}

    def blocking_host(action: str, params: dict) -> dict:
        release.wait(WAIT_S)
        return {}

    first = threading.Thread(target=lambda: results.update(first=pool.invoke(blocker, {"n": 1}, {}, {}, 30.0, blocking_host).result))
    first.start()
    wait_until(lambda: pool.stats().busy == 1, "the first call holds the only worker")
    second = threading.Thread(target=lambda: results.update(second=pool.invoke(waiter, {}, {}, {}, 30.0, no_host).result))
    second.start()
    wait_until(lambda: slots.waiters == 1, "the second call waits for a slot")
    release.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert results == {"first": 1, "second": "late"}


def test_a_call_that_cannot_get_a_worker_within_its_timeout_fails(make_function, capped):
    pool, _slots = capped
    blocker, other = make_function({"index.js": BLOCKING}), make_function({"index.js": "exports.main = async () => 1"})
    refused: list[CloudError] = []
    done = threading.Event()

    # Made from another thread, the call is top-level: it waits its 0.2 s, then gives up.
    def top_level() -> None:
        try:
            pool.invoke(other, {}, {}, {}, 0.2, no_host)
        except CloudError as exc:
            refused.append(exc)
        done.set()

    def hold_until_refused(action: str, params: dict) -> dict:
        threading.Thread(target=top_level).start()
        done.wait(WAIT_S)
        return {}

    assert pool.invoke(blocker, {"n": 7}, {}, {}, 30.0, hold_until_refused).result == 7
    assert len(refused) == 1 and refused[0].code == CAP_CODE
    assert "No cloud function instance came free within 0.20 seconds" in refused[0].detail
    assert "all 1 the simulator runs at once" in refused[0].detail


def test_a_nested_call_fails_at_once_instead_of_waiting_for_its_callers(make_function, capped):
    """A call made from a host call of a running function cannot wait: its caller holds the worker."""
    pool, slots = capped
    inner = make_function({"index.js": "exports.main = async () => 'inner'"})
    outer = make_function({"index.js": """const host = require('test-host')
exports.main = async () => { try { return await host.call('nested', {}) } catch (e) { return e.errMsg } }"""})

    def nested_host(action: str, params: dict) -> dict:
        pool.invoke(inner, {}, {}, {}, 30.0, no_host)  # raises: the cap is 1 and the caller holds it
        return {"unexpected": True}

    message = pool.invoke(outer, {}, {}, {}, 30.0, nested_host).result
    assert message.startswith("exceed concurrent request limit. All 1 cloud function instances")
    assert slots.waiters == 0
