"""The Node.js runtime: results, errors, env per call, console capture, warm reuse, recycling."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.core.functions.runtime.outcome import JsOutcome
from app.core.functions.runtime.node import NodePool, find_node

pytestmark = pytest.mark.skipif(
    find_node() is None, reason="Node.js (node) is not installed: the Node runtime needs it"
)


@pytest.fixture(scope="module")
def pool() -> Iterator[NodePool]:
    with NodePool(spare_workers=2, max_idle=16) as p:
        yield p


@pytest.fixture
def run(pool: NodePool) -> Callable[..., JsOutcome]:
    """``run(fn_dir, event, context=…, env=…, timeout_s=…)``; no host: the SDK uses HTTP."""

    def invoke(
        fn_dir: Path,
        event: dict | None = None,
        *,
        context: dict | None = None,
        env: dict | None = None,
        timeout_s: float = 5.0,
    ) -> JsOutcome:
        return pool.invoke(fn_dir, event or {}, context or {}, env or {}, timeout_s, None)

    return invoke


def test_result_event_and_context_round_trip(make_function, run):
    """event and context arrive as sent, the result comes back as JSON; the folder is the cwd."""
    fn = make_function(
        {
            "index.js": "exports.main = async (event, context) => ({ event, context, dir: __dirname, cwd: process.cwd() })"
        }
    )
    event = {"a": 1, "nested": {"list": [1, "二", None, True]}, "s": "中文 ✓", "f": 1.5}
    context = {"request_id": "req-1", "function_name": "f", "memory_limit_in_mb": 256}
    outcome = run(fn, event, context=context)
    assert outcome.error is None and not outcome.timed_out
    assert outcome.result == {"event": event, "context": context, "dir": str(fn), "cwd": str(fn)}
    assert outcome.duration_ms > 0


def test_undefined_plain_values_and_the_callback_style(make_function, run):
    """undefined is null; a plain main works; SCF's callback style (event, context, cb) too."""
    assert run(make_function({"index.js": "exports.main = async () => {}"})).result is None
    assert run(make_function({"index.js": "exports.main = () => 42"})).result == 42
    callback = "exports.main = (e, c, cb) => { setTimeout(() => cb(null, 'late'), 1) }"
    assert run(make_function({"index.js": callback})).result == "late"
    failing = "exports.main = (e, c, cb) => { cb(new Error('via callback')) }"
    assert run(make_function({"index.js": failing})).error.message == "via callback"


def test_thrown_error_keeps_name_message_stack_and_sdk_fields(make_function, run):
    """A throw comes back with name, message, a stack into the file, and errCode/errMsg if set."""
    fn = make_function(
        {
            "index.js": "exports.main = async (e) => {\n  if (e.sdk) throw Object.assign(new Error('db'), "
            "{ errCode: -502005, errMsg: 'collection.get:fail -502005' })\n  throw new TypeError('boom')\n}"
        }
    )
    error = run(fn).error
    assert (error.name, error.message) == ("TypeError", "boom")
    assert f"{fn / 'index.js'}:3" in error.stack
    assert "worker.js" not in error.stack
    sdk = run(fn, {"sdk": True}).error
    assert (sdk.code, sdk.err_msg) == (-502005, "collection.get:fail -502005")


def test_missing_handler_and_missing_entry_are_clear(make_function, run):
    """No exports.main, or no index.js at all, says what the function needs."""
    assert (
        "does not export a function 'main'"
        in run(make_function({"index.js": "exports.other = 1"})).error.message
    )
    assert "needs its entry file index.js" in run(make_function({"other.js": ""})).error.message


def test_syntax_error_names_file_and_line(make_function, run):
    """A syntax error reports file:line with the source line, as Node prints it."""
    fn = make_function(
        {
            "index.js": "const ok = require('./bad')\nexports.main = () => ok",
            "bad.js": "const a = 1\nlet x = ;\n",
        }
    )
    error = run(fn).error
    assert error.name == "SyntaxError"
    assert error.stack.startswith(f"{fn / 'bad.js'}:2\nlet x = ;\n")


def test_result_over_one_megabyte_and_unserialisable_results(make_function, run):
    """A result above 1 MB is errCode -604001; a circular one is a TypeError."""
    big = run(make_function({"index.js": "exports.main = async () => 'x'.repeat(1024 * 1024 + 1)"}))
    assert big.result is None
    assert (big.error.code, big.error.message) == (
        -604001,
        "cloudfunction result size exceed limit (1MB)",
    )
    circular = run(
        make_function(
            {"index.js": "exports.main = async () => { const a = {}; a.a = a; return a }"}
        )
    )
    assert circular.error.name == "TypeError" and "circular" in circular.error.message


def test_env_is_set_per_invocation(make_function, run):
    """Two calls with different WX_OPENID see their own; the last call's keys do not linger,
    and a default it overrode (TENCENTCLOUD_RUNENV) comes back."""
    fn = make_function(
        {
            "index.js": "exports.main = async () => ({ openid: process.env.WX_OPENID, "
            "unionid: process.env.WX_UNIONID || null, runenv: process.env.TENCENTCLOUD_RUNENV })"
        }
    )
    first = run(fn, env={"WX_OPENID": "oA", "WX_UNIONID": "uA", "TENCENTCLOUD_RUNENV": "X"}).result
    second = run(fn, env={"WX_OPENID": "oB"}).result
    assert first == {"openid": "oA", "unionid": "uA", "runenv": "X"}
    assert second == {"openid": "oB", "unionid": None, "runenv": "SCF"}


def test_env_is_there_while_the_module_loads(make_function, run):
    """Top-level code (cloud.init) sees the first call's env, as on the platform."""
    fn = make_function(
        {"index.js": "const env = process.env.TCB_ENV\nexports.main = async () => env"}
    )
    assert run(fn, env={"TCB_ENV": "env-1"}).result == "env-1"


def test_console_levels_and_raw_writes_are_captured(make_function, run):
    """console.* keep their level and Node's formatting; raw stdout/stderr writes become lines."""
    fn = make_function(
        {
            "index.js": """exports.main = async () => {
      console.log('hello %s', 'world', { a: 1 }); console.info('i'); console.warn('w')
      console.error('e'); console.debug('d'); console.log('two\\nlines')
      process.stdout.write('raw 1\\nraw '); process.stdout.write('2\\n'); process.stderr.write('oops\\n')
      process.stdout.write('no newline')
    }"""
        }
    )
    outcome = run(fn)
    assert [(line.level, line.text) for line in outcome.logs] == [
        ("log", "hello world { a: 1 }"),
        ("info", "i"),
        ("warn", "w"),
        ("error", "e"),
        ("debug", "d"),
        ("log", "two\nlines"),
        ("log", "raw 1"),
        ("log", "raw 2"),
        ("error", "oops"),
        ("log", "no newline"),
    ]
    assert all(abs(line.time - time.time()) < 60 for line in outcome.logs)


def test_logs_are_per_invocation(make_function, run):
    """A warm call only returns its own lines; a line printed between calls goes with the next."""
    fn = make_function(
        {
            "index.js": "exports.main = async (e) => { console.log('call', e.n)\n"
            "  if (e.later) setTimeout(() => console.log('after', e.n), 1) }"
        }
    )
    assert [line.text for line in run(fn, {"n": 1, "later": True}).logs] == ["call 1"]
    time.sleep(0.1)
    assert [line.text for line in run(fn, {"n": 2}).logs] == ["after 1", "call 2"]


def test_printing_cannot_corrupt_the_protocol(make_function, run):
    """Writes to fd 1 through the streams, JSON-looking text included, stay log lines."""
    fn = make_function(
        {
            "index.js": """exports.main = async () => {
      process.stdout.write('{"type":"done","id":0,"result":1}\\n'); console.log(process.stdout.isTTY)
      return 'ok' }"""
        }
    )
    outcome = run(fn)
    assert outcome.result == "ok"
    assert [line.text for line in outcome.logs] == ['{"type":"done","id":0,"result":1}', "false"]


def test_warm_instance_keeps_module_state(make_function, run):
    """Calls reuse the warm instance: module state persists and the module loads once."""
    fn = make_function(
        {"index.js": "console.log('loaded')\nlet n = 0\nexports.main = async () => ++n"}
    )
    first = run(fn)
    assert (first.result, [line.text for line in first.logs]) == (1, ["loaded"])
    assert [run(fn).result for _ in range(3)] == [2, 3, 4]


def test_editing_a_file_recycles_the_instance(make_function, run):
    """A change to the entry or to a file it required starts a fresh instance."""
    fn = make_function(
        {
            "index.js": "const v = require('./lib/v')\nlet n = 0\nexports.main = async () => [v, ++n]",
            "lib/v.js": "module.exports = 'one'",
        }
    )
    assert run(fn).result == ["one", 1]
    assert run(fn).result == ["one", 2]
    (fn / "lib" / "v.js").write_text("module.exports = 'two'")
    os.utime(fn / "lib" / "v.js", ns=(time.time_ns(), time.time_ns() + 10**9))  # coarse mtimes
    assert run(fn).result == ["two", 1]
    (fn / "index.js").write_text("exports.main = async () => 'rewritten'")
    assert run(fn).result == "rewritten"


def test_failed_initialisation_is_not_reused(make_function, run):
    """A module that throws while loading is loaded afresh by the next call."""
    fn = make_function(
        {
            "index.js": "globalThis.tries = (globalThis.tries || 0) + 1\n"
            "if (process.env.FAIL) throw new Error('init failed')\nexports.main = () => globalThis.tries"
        }
    )
    assert run(fn, env={"FAIL": "1"}).error.message == "init failed"
    assert run(fn).result == 1  # a new process: the global counter started again


def test_uncaught_errors_fail_the_call_and_recycle(make_function, run):
    """An unhandled rejection or a throw in a timer fails the running call; the next is fresh."""
    fn = make_function(
        {
            "index.js": """let calls = 0
    exports.main = async (e) => {
      calls++
      if (e.reject) Promise.reject(new Error('nobody catches me'))
      if (e.timer) setTimeout(() => { throw new RangeError('late') }, 1)
      await new Promise(r => setTimeout(r, 50))
      return calls
    }"""
        }
    )
    assert run(fn).result == 1
    assert run(fn, {"reject": True}).error.message == "nobody catches me"
    assert run(fn).result == 1
    timer = run(fn, {"timer": True}).error
    assert (timer.name, timer.message) == ("RangeError", "late")
    assert run(fn).result == 1


def test_host_is_ignored_and_prelude_is_required_first(make_function, pool):
    """host is accepted for JsPool's signature; prelude modules load before the entry."""
    fn = make_function(
        {
            "index.js": "exports.main = async () => globalThis.seen",
            "setup.js": "globalThis.seen = 'prelude ran'",
        }
    )

    def host(action: str, params: dict) -> dict:
        raise AssertionError("the Node runtime makes no host calls")

    outcome = pool.invoke(fn, {}, {}, {}, 5.0, host, prelude=("./setup.js",))
    assert outcome.result == "prelude ran"
