"""Spec §9.7 A1–A32 through the real SDK shim: aggregate().….end() in a cloud function.

Each example (tests/support/aggregate_examples.py) runs ``db.collection(c).aggregate()…end()``
in a function on the embedded JS runtime, whose host is a real workspace (admin caller), so the
pipeline goes shim → wire form → dispatcher → the aggregation engine and back; the whole table
also runs once through the `wxsim call` command. A few run again as mini program code
(``wx.cloud``) to show the client path and its rules. tests/contract runs the same table through
the real wx-server-sdk.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from tests.core.functions.test_runner import make_project
from tests.core.functions.test_sdk_client import client_main
from tests.core.functions.test_sdk_harness import (  # noqa: F401
    ok, run_js, sdk_pool, server_main, workspace_host,
)
from tests.support.aggregate_examples import COLLECTIONS, EXAMPLES, Example, function_source, mismatch, seed

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Workspace:
    """One workspace holding every example's collections (the examples only read)."""
    ws = Workspace.open(tmp_path_factory.mktemp("aggregate") / "data")
    seed(ws)
    yield ws
    ws.close()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_spec_example_in_a_cloud_function(run_js, seeded, example: Example):  # noqa: F811
    answer = ok(run_js(server_main(f"return {example.js()}.end()"), host=workspace_host(seeded, Caller.admin("scf"))))
    problem = mismatch(example, answer)
    assert problem is None, problem


def test_every_example_through_wxsim_call(tmp_path):
    """The whole table in one function run by the `wxsim call` command (the embedded runtime).

    The tests above run the shim on a bare JS pool; this is the path a user takes: the CLI
    opens the workspace, invokes the function through the dispatcher and prints its result.
    """
    project = make_project(tmp_path / "project", {"examples": function_source()})
    data_dir = tmp_path / "data"
    ws = Workspace.open(data_dir, project)
    try:
        seed(ws)
    finally:
        ws.close()
    done = subprocess.run(
        [sys.executable, "-m", "app", "call", "examples", "--as", "学生A", "--runtime", "v8",
         "--project", str(project), "--data-dir", str(data_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["errMsg"] == "cloud.callFunction:ok"
    answers = printed["result"]["answers"]
    wrong = [problem for example in EXAMPLES if (problem := mismatch(example, answers[example.id]))]
    assert not wrong, "\n".join(wrong)


def test_a9_prints_as_the_spec_says(run_js, seeded):  # noqa: F811
    """A9's sample deviation is 14.142135623730951, toFixed(2) '14.14', as JS sees it."""
    source = server_main("const r = await db.collection('pair').aggregate().group({_id: null, "
                         "s: $.stdDevSamp('$score')}).end(); return r.list[0].s.toFixed(2)")
    assert ok(run_js(source, host=workspace_host(seeded, Caller.admin("scf")))) == "14.14"


# -- the client path (wx.cloud in mini program code) -------------------------------------------


@pytest.fixture
def readable(seeded):
    """The example collections readable by every user (READONLY), as a trainer would set them."""
    for name in COLLECTIONS:
        seeded.handle(Request("database.setPermission", {"collectionName": name, "mode": "READONLY"},
                              Caller.console()))
    return seeded


@pytest.mark.parametrize("example", [e for e in EXAMPLES if e.id in ("A1", "A5", "A23", "A28", "A32")],
                         ids=lambda e: e.id)
def test_spec_example_as_mini_program_code(run_js, readable, example: Example):  # noqa: F811
    """The same pipelines through the client shim (wx.cloud.database().….aggregate()…end())."""
    script = client_main("const db = wx.cloud.database(); const _ = db.command; const $ = _.aggregate\n"
                         f"return {example.js()}.end()")
    problem = mismatch(example, ok(run_js(script, host=workspace_host(readable, readable.client_caller("学生A")))))
    assert problem is None, problem


def test_mini_program_errors_have_the_sdk_shape(run_js, readable):  # noqa: F811
    """A malformed stage fails the client call with errCode and an errMsg naming the stage."""
    script = client_main("const db = wx.cloud.database()\n"
                         "return db.collection('avatar').aggregate().group({ total: 1 }).end()"
                         ".then(() => 'no error', (e) => ({ errCode: e.errCode, errMsg: e.errMsg }))")
    result = ok(run_js(script, host=workspace_host(readable, readable.client_caller("学生A"))))
    assert result["errCode"] == -502001
    assert result["errMsg"] == ("collection.aggregate:fail -502001 database request fail | errMsg: "
                                "$group (stage 1): a group specification must include an _id")
