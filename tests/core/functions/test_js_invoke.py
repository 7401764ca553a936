"""Invocation basics: results, errors, host calls, logs, warm reuse and recycling."""

from __future__ import annotations

import os
import time

from app.core.errors import CloudError


def test_result_event_and_context_round_trip(make_function, run):
    """event and context arrive as sent, and the returned object comes back as JSON."""
    fn = make_function(
        {
            "index.js": "exports.main = async (event, context) => ({ event, context, dir: __dirname })"
        }
    )
    event = {"a": 1, "nested": {"list": [1, "二", None, True]}, "s": "中文 ✓"}
    outcome = run(fn, event, context={"requestId": "req-1", "function_name": "f"})
    assert outcome.error is None and not outcome.timed_out
    assert outcome.result == {
        "event": event,
        "context": {"requestId": "req-1", "function_name": "f"},
        "dir": "/var/user",
    }
    assert outcome.duration_ms > 0


def test_undefined_becomes_null_and_plain_functions_work(make_function, run):
    """undefined is null; a non-async main returning a plain value works; callback style too."""
    assert run(make_function({"index.js": "exports.main = async () => {}"})).result is None
    assert run(make_function({"index.js": "exports.main = () => 42"})).result == 42
    assert (
        run(
            make_function(
                {
                    "index.js": "exports.main = (e, c, cb) => { setTimeout(() => cb(null, 'late'), 1) }"
                }
            )
        ).result
        == "late"
    )


def test_thrown_error_has_message_and_stack(make_function, run):
    """A throw inside main comes back as name, message and a stack pointing into the file."""
    fn = make_function(
        {"index.js": "exports.main = async () => {\n  throw new TypeError('boom')\n}"}
    )
    outcome = run(fn)
    assert outcome.result is None and not outcome.timed_out
    assert (outcome.error.name, outcome.error.message) == ("TypeError", "boom")
    assert "/var/user/index.js:2" in outcome.error.stack
    assert "wxsim:" not in outcome.error.stack


def test_missing_main_and_missing_entry_are_clear(make_function, run):
    """No exports.main, or no index.js at all, says so."""
    outcome = run(make_function({"index.js": "exports.other = () => 1"}))
    assert "does not export a function 'main'" in outcome.error.message
    outcome = run(make_function({"other.js": ""}))
    assert "needs its entry file index.js" in outcome.error.message


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
    assert error.stack.startswith("/var/user/bad.js:2\nlet x = ;\n")


def test_result_over_one_megabyte_is_refused(make_function, run):
    """A result above 1 MB is errCode -604001 with the platform's text."""
    outcome = run(
        make_function({"index.js": "exports.main = async () => 'x'.repeat(1024 * 1024 + 1)"})
    )
    assert outcome.result is None
    assert outcome.error.code == -604001
    assert outcome.error.message == "cloudfunction result size exceed limit (1MB)"


def test_unserialisable_result_is_an_error(make_function, run):
    """A circular result cannot be JSON and fails the invocation."""
    outcome = run(
        make_function(
            {"index.js": "exports.main = async () => { const a = {}; a.a = a; return a }"}
        )
    )
    assert outcome.error.name == "TypeError" and "circular" in outcome.error.message


def test_console_levels_and_formatting(make_function, run):
    """console.* lines are captured in order with their level and util.format text."""
    fn = make_function(
        {
            "index.js": """exports.main = async () => {
      console.log('a', 1, { x: [1, 'two'] }); console.info('%s=%d', 'n', 42); console.warn('w')
      console.error(new Error('e').message); console.debug('d %j', { k: null })
    }"""
        }
    )
    logs = run(fn).logs
    assert [(line.level, line.text) for line in logs] == [
        ("log", "a 1 { x: [ 1, 'two' ] }"),
        ("info", "n=42"),
        ("warn", "w"),
        ("error", "e"),
        ("debug", 'd {"k":null}'),
    ]
    assert all(abs(line.time - time.time()) < 60 for line in logs)


def test_logs_are_per_invocation(make_function, run):
    """A warm instance does not repeat the previous call's lines."""
    fn = make_function({"index.js": "exports.main = async (e) => { console.log('call', e.n) }"})
    assert [line.text for line in run(fn, {"n": 1}).logs] == ["call 1"]
    assert [line.text for line in run(fn, {"n": 2}).logs] == ["call 2"]


def test_warm_instance_keeps_module_state(make_function, run):
    """Module-level state persists between calls, like a reused instance of the platform."""
    fn = make_function({"index.js": "let n = 0\nexports.main = async () => ++n"})
    assert [run(fn).result for _ in range(3)] == [1, 2, 3]


def test_edited_function_gets_a_fresh_instance(make_function, run):
    """Changing any loaded file recycles the instance; so does adding a file next to them."""
    fn = make_function(
        {
            "index.js": "let n = 0\nconst v = require('./v')\nexports.main = async () => [v, ++n]",
            "v.js": "module.exports = 'one'",
        }
    )
    assert run(fn).result == ["one", 1]
    assert run(fn).result == ["one", 2]
    (fn / "v.js").write_text("module.exports = 'two!'")
    assert run(fn).result == ["two!", 1]
    (fn / "extra.txt").write_text("a new file changes the directory")
    st = os.stat(fn)
    os.utime(
        fn, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000)
    )  # coarse clocks: make sure it moved
    assert run(fn).result == ["two!", 1]


def test_env_reaches_process_env(make_function, run):
    """The invoke's env is process.env for that call, as strings, and only that call."""
    fn = make_function({"index.js": "exports.main = async () => ({ ...process.env })"})
    assert run(fn, env={"WX_OPENID": "o1", "N": 3}).result == {"WX_OPENID": "o1", "N": "3"}
    assert run(fn, env={"OTHER": "x"}).result == {"OTHER": "x"}


def test_host_error_is_a_js_error_with_errcode(make_function, run):
    """A CloudError in the host reaches JS as an Error with errCode; uncaught, it is the outcome's code."""
    fn = make_function(
        {
            "index.js": """const host = require('test-host')
      const get = (name) => host.call('database.getDocument', { name })
      exports.main = async (event) => {
        if (event.uncaught) return get('missing')
        try { await get('missing') } catch (e) { return { code: e.errCode, msg: e.errMsg, ok: await get('x') } }
      }"""
        }
    )
    calls = []

    def host(action: str, params: dict) -> dict:
        calls.append((action, params))
        if params["name"] == "missing":
            raise CloudError(-502005, "Db or Table not exist: missing")
        return {"data": [1]}

    caught = run(fn, host=host)
    assert caught.result == {
        "code": -502005,
        "msg": "database collection not exists. Db or Table not exist: missing",
        "ok": {"data": [1]},
    }
    assert calls == [
        ("database.getDocument", {"name": "missing"}),
        ("database.getDocument", {"name": "x"}),
    ]
    uncaught = run(fn, {"uncaught": True}, host=host)
    assert (uncaught.error.code, uncaught.error.message) == (-502005, caught.result["msg"])


def test_host_call_results_are_json(make_function, run):
    """A host answer arrives in JS as the parsed object, for many calls in a row."""
    fn = make_function(
        {
            "index.js": """const host = require('test-host')
      exports.main = async () => { let sum = 0
        for (let i = 0; i < 20; i++) sum += (await host.call('add', { i })).value
        return sum }"""
        }
    )
    assert run(fn, host=lambda action, params: {"value": params["i"] * 2}).result == 380


def test_internal_modules_are_hidden_from_user_code(make_function, run):
    """User code cannot require the host bridge directly."""
    outcome = run(make_function({"index.js": "exports.main = async () => require('wxsim:host')"}))
    assert "Cannot find module 'wxsim:host'" in outcome.error.message
