"""Untrusted code cannot make the simulator do unbounded work (DESIGN §7).

Three holes: a regex query that backtracks for hours under the database lock; a timer that
spins in a worker after its function returned, making the next call time out; and nested
``callFunction`` starting one worker process per level without limit.
"""

from __future__ import annotations

import re
import threading

from app.core.database.regex_budget import MATCH_BUDGET_S, RegexBudget
from tests.support.database_sdk import SdkDatabase
from app.core.requests import Caller
from app.core.workspace import Workspace
from tests.security.conftest import run
from tests.support.waiting import wait_until

WAIT_S = 60  # a cap on waiting for a condition, so a regression fails instead of hanging



def test_a_catastrophic_regex_stops_at_its_budget_and_other_queries_are_answered(tmp_path, monkeypatch):
    """db.RegExp('(a|a)+$') on a long run of 'a' would backtrack for hours holding the lock.

    It fails with the time-limit error once its matching budget is spent; a simple query sent
    while it was matching is then answered.
    """
    ws = Workspace.open(tmp_path / "data")
    try:
        SdkDatabase(ws.handle, Caller.admin("scf")).create_collection("posts").raise_for_error()
        user = SdkDatabase(ws.handle, ws.client_caller("学生A"))
        user.add("posts", {"s": "a" * 64 + "!"}).raise_for_error()
        user.add("posts", {"s": "hello"}).raise_for_error()

        matching = threading.Event()
        search = RegexBudget.search

        def spied_search(budget, pattern, text):
            matching.set()
            return search(budget, pattern, text)

        monkeypatch.setattr(RegexBudget, "search", spied_search)
        outcomes: dict[str, object] = {}

        def catastrophic() -> None:
            outcomes["regex"] = user.get("posts", {"s": re.compile("(a|a)+$")})

        thread = threading.Thread(target=catastrophic, daemon=True)
        thread.start()
        assert matching.wait(WAIT_S), "the regex query never started matching"
        # Sent while the regex query holds the database lock.
        simple = SdkDatabase(ws.handle, ws.client_caller("学生A")).get("posts", {"s": "hello"})
        thread.join(WAIT_S)
        assert not thread.is_alive()

        assert simple.ok and [doc["s"] for doc in simple.value["data"]] == ["hello"]
        failed = outcomes["regex"]
        assert not failed.ok and failed.value["errCode"] == -502001
        message = failed.value["errMsg"]
        assert message.startswith("collection.get:fail -502001 database request fail")
        assert "operation exceeded time limit" in message and "/(a|a)+$/" in message
        assert f"the {MATCH_BUDGET_S:g} s a query may spend on regular expressions" in message
    finally:
        ws.close()


LINGERING = """exports.main = async (e) => {
  if (e.spin) setTimeout(() => { while (true) {} }, 50)
  return e.n
}"""


def test_a_timer_spinning_after_the_function_returned_does_not_break_the_next_call(hostile):
    """The idle worker whose timer spins is found and replaced; the next call gets its own result."""
    ws = hostile({"lingering": LINGERING})
    first = run(ws, "lingering", {"n": 1, "spin": True})
    assert first["result"] == 1
    pool = ws.functions.pool()
    # The watchdog pings idle workers whose call left timers pending, and kills the silent one.
    wait_until(lambda: pool.stats().recycled_unresponsive == 1, "the spinning worker was recycled")
    second = run(ws, "lingering", {"n": 2})
    assert second.get("errMsg") == "cloud.callFunction:ok", second
    assert second["result"] == 2


NEST = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
exports.main = async (e) => {
  if (e.depth === 0) return 'bottom'
  try {
    return { down: (await cloud.callFunction({ name: 'nest', data: { depth: e.depth - 1 } })).result }
  } catch (err) {
    return { refused: { errCode: err.errCode, errMsg: err.errMsg } }
  }
}"""


def test_nested_calls_stop_at_the_worker_cap_instead_of_piling_up_processes(hostile):
    """With a cap of 3, the 4th nested level cannot start a 4th process: it fails at once."""
    ws = hostile({"nest": NEST})
    ws.functions.set_max_workers(3)
    answer = run(ws, "nest", {"depth": 8})
    assert answer.get("errMsg") == "cloud.callFunction:ok", answer
    innermost = answer["result"]["down"]["down"]  # levels 0, 1 and 2 ran
    assert set(innermost) == {"refused"}
    refused = innermost["refused"]
    assert refused["errCode"] == -501004
    assert "exceed concurrent request limit" in refused["errMsg"]
    assert "All 3 cloud function instances" in refused["errMsg"]
    assert "worker process cap" in refused["errMsg"]
    assert ws.functions.pool().stats().processes <= 3
