"""Fixtures for the SDK shim tests (wx-server-sdk, wxsim-client) and checks of their loading.

The other ``test_sdk_*`` modules import the fixtures from here. The shims run on the real JS
runtime (``JsPool``); the host is either ``FakeHost`` (records every ``(action, params)``
and answers like the Python actions) or a real ``Workspace`` behind ``workspace_host``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.core.errors import CloudError, SimulatorError
from app.core.functions.runtime.v8 import JsOutcome, JsPool
from app.core.requests import Caller, Request

JS_DIR = Path(__file__).resolve().parents[3] / "app" / "core" / "functions" / "js"
ENV_ID = "test-env"
_names = itertools.count()


def sdk_builtins() -> dict[str, Path]:
    """How the Python side registers the shims: the two modules plus every shared js/sdk file."""
    builtins = {
        "wx-server-sdk": JS_DIR / "builtins" / "wx-server-sdk.js",
        "wxsim-client": JS_DIR / "builtins" / "wxsim-client.js",
    }
    builtins.update({f"wxsim:sdk/{p.stem}": p for p in sorted((JS_DIR / "sdk").glob("*.js"))})
    return builtins


def function_env(**extra: str) -> dict[str, str]:
    """process.env of an invocation, as the runner sets it (tcb-wire §2.3)."""
    env = {
        "TENCENTCLOUD_RUNENV": "SCF",
        "SCF_NAMESPACE": ENV_ID,
        "TCB_ENV": ENV_ID,
        "TCB_SOURCE": "wx_client",
        "WX_CONTEXT_KEYS": "WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP,WX_CLIENTIPV6",
        "WX_OPENID": "oUser0000000000000000000001",
        "WX_APPID": "wx1234567890abcdef",
        "WX_CLIENTIP": "127.0.0.1",
        "WX_CLIENTIPV6": "::1",
    }
    env.update(extra)
    return env


DEFAULT_ANSWERS: dict[str, Any] = {
    "database.getDocument": {"list": []},
    "database.calculateDocument": {"total": 0},
    "database.insertDocument": lambda p: {"insertedIds": [f"id{i}" for i in range(len(p["data"]))]},
    "database.modifyDocument": {"updated": 1, "upsert_id": None},
    "database.removeDocument": {"deleted": 1},
    "database.aggregateDocuments": {"list": []},
    "database.addCollection": {},
    "auth.initCloud": {"errMsg": "cloud.init:ok"},
}


class FakeHost:
    """Records the host calls and answers them; an answer may be a value, a callable or an error."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.answers = {**DEFAULT_ANSWERS, **(answers or {})}

    def __call__(self, action: str, params: dict) -> dict:
        self.calls.append((action, dict(params)))
        answer = self.answers.get(action)
        if callable(answer):
            answer = answer(params)
        if isinstance(answer, Exception):
            raise answer
        if answer is None:
            raise CloudError(-501007, f"action {action} is not supported")
        return answer

    def wire(self, action: str | None = None) -> list[tuple[str, dict]]:
        """The calls without ``envName`` (the env every body carries), optionally of one action."""
        calls = [(a, {k: v for k, v in p.items() if k != "envName"}) for a, p in self.calls]
        return [c for c in calls if action is None or c[0] == action]

    def params(self, action: str) -> dict:
        """The params of the only call of ``action``."""
        (found,) = [p for a, p in self.wire(action)]
        return found


def workspace_host(workspace, caller: Caller, local_roots: tuple[Path, ...] = ()) -> Callable[[str, dict], dict]:
    """A host over a real workspace, as the runner builds it; for a client caller it also keeps
    the traceUser that ``wx.cloud.init`` announces with ``auth.initCloud``; ``local_roots`` are
    the host folders its code may name (run-client gives its script's folder and temp folder)."""
    state = {"caller": caller}

    def host(action: str, params: dict) -> dict:
        if action == "auth.initCloud" and state["caller"].is_client:
            state["caller"] = replace(state["caller"], trace_user=bool(params.get("traceUser")))
        try:
            return workspace.handle(Request(action, params, state["caller"], local_roots=local_roots))
        except CloudError:
            raise
        except SimulatorError as exc:  # only CloudError crosses to JS as a rejection
            raise CloudError(-1, str(exc)) from exc

    return host


@pytest.fixture(scope="module")
def sdk_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JsPool]:
    """One pool per SDK test module, with the shims and a ``test-host`` built-in for raw host
    calls. Module scope: the modules import this fixture, and a session-scoped one imported into
    eight modules is eight pools whose workers all live to the end of the run."""
    helper = tmp_path_factory.mktemp("sdk-builtins") / "test-host.js"
    helper.write_text("module.exports = require('wxsim:host')", encoding="utf-8")
    with JsPool(spare_workers=2, max_idle=16, builtins={**sdk_builtins(), "test-host": helper}) as pool:
        yield pool


@pytest.fixture
def run_js(sdk_pool: JsPool, tmp_path: Path) -> Callable[..., JsOutcome]:
    """``run_js(index_js, host=…, env=…, event=…, files={…})``: one invocation of a new function."""

    def run(
        source: str,
        *,
        host: Callable[[str, dict], dict] | None = None,
        env: dict | None = None,
        event: dict | None = None,
        files: dict[str, str] | None = None,
        timeout_s: float = 20.0,
    ) -> JsOutcome:
        root = tmp_path / f"fn{next(_names)}"
        for rel, text in {"index.js": source, **(files or {})}.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        env = function_env() if env is None else env
        return sdk_pool.invoke(root, event or {}, {}, env, timeout_s, host or FakeHost())

    return run


def ok(outcome: JsOutcome) -> Any:
    """The result of an invocation that must not have failed."""
    assert outcome.error is None, outcome.error
    return outcome.result


SERVER_PRELUDE = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database(); const _ = db.command; const $ = _.aggregate
const fail = (e) => ({ errCode: e.errCode, errMsg: e.errMsg, message: e.message })
const settle = (p) => p.then((ok) => ({ ok }), (e) => ({ err: fail(e) }))
const sync = (f) => { try { f(); return null } catch (e) { return fail(e) } }
"""


def server_main(body: str) -> str:
    """A function using wx-server-sdk whose main is ``body`` (async, may use db, _, $, settle)."""
    return SERVER_PRELUDE + "exports.main = async (event) => {\n" + body + "\n}\n"


# --- the registration itself -------------------------------------------------------------------


def test_every_shared_module_is_registered_and_loads(run_js):
    """Both shims load with the registry of sdk_builtins(); the version is the one they follow."""
    source = """const cloud = require('wx-server-sdk'); const client = require('wxsim-client')
    exports.main = async () => ({ version: cloud.version, client: Object.keys(client).sort(),
      dynamic: typeof cloud.DYNAMIC_CURRENT_ENV })"""
    assert ok(run_js(source)) == {
        "version": "4.0.2",
        "client": ["WxCloud", "createWx", "install", "runMain"],
        "dynamic": "symbol",
    }


def test_missing_shared_modules_say_how_to_register_them(tmp_path):
    """Registering only wx-server-sdk (the runner's old registry) fails with instructions."""
    fn = tmp_path / "fn"
    fn.mkdir()
    (fn / "index.js").write_text("const cloud = require('wx-server-sdk')\nexports.main = async () => 1")
    with JsPool(spare_workers=0, builtins={"wx-server-sdk": JS_DIR / "builtins" / "wx-server-sdk.js"}) as pool:
        outcome = pool.invoke(fn, {}, {}, {}, 10.0, FakeHost())
    assert outcome.error is not None
    assert "register every js/sdk/<name>.js as the built-in 'wxsim:sdk/<name>'" in outcome.error.message


def test_user_code_cannot_reach_the_host_directly(run_js):
    """Only built-ins may require wxsim:host; the shims are the only way out."""
    outcome = run_js("exports.main = async () => require('wxsim:host')")
    assert outcome.error is not None
    assert "Cannot find module 'wxsim:host'" in outcome.error.message


def test_json_of_results_is_plain(run_js):
    """What a function returns from the SDK survives JSON (dates as ISO strings)."""
    host = FakeHost({"database.getDocument": {"list": [{"_id": "a", "at": {"$date": "2020-01-02T03:04:05.006Z"}}]}})
    result = ok(run_js(server_main("return db.collection('t').get()"), host=host))
    assert json.loads(json.dumps(result)) == {
        "data": [{"_id": "a", "at": "2020-01-02T03:04:05.006Z"}],
        "errMsg": "collection.get:ok",
    }


def test_error_tables_match_the_python_side(run_js):
    """The shims' code texts and backend code names are app/core/errors.py's."""
    from app.core.errors import ERROR_TEXTS, TCB_CODES

    tables = ok(run_js("const e = require('wxsim:sdk/errors')\n"
                       "exports.main = async () => ({ texts: e.ERR_TEXT, codes: e.TCB_ERR_CODE })"))
    assert {int(code): text for code, text in tables["texts"].items()} == ERROR_TEXTS
    assert {code: name for name, code in tables["codes"].items() if name != "SUCCESS"} == TCB_CODES
