"""Spec §9.7 A1–A32 through real Node and the real wx-server-sdk (4.0.2 and 2.6.3).

One cloud function runs the whole table in one invocation (one Node start per SDK version):
the SDK's own @cloudbase/database serializes each chain, the loopback gateway translates it
to ``database.aggregateDocuments``, and the answer comes back through the SDK. The same
function then runs on the embedded V8 shim, and both must answer every example alike.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest

from app.core.functions.sdk import call_function
from app.core.workspace import Workspace
from tests.contract.conftest import APPID, NODE, NPM, SDK_VERSIONS, install_sdk
from tests.support.aggregate_examples import EXAMPLES, function_source, mismatch, same_list, seed


def function_name(version: str) -> str:
    return "examples_sdk" + version.replace(".", "_")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """A project with the examples function once per SDK version (its own node_modules), seeded."""
    if not (NODE and NPM):
        pytest.skip("the contract tests run the real wx-server-sdk: they need node and npm on PATH")
    folder = tmp_path_factory.mktemp("aggregate-examples")
    project = folder / "project"
    for version in SDK_VERSIONS:
        function = project / "cloudfunctions" / function_name(version)
        function.mkdir(parents=True)
        (function / "index.js").write_text(function_source(), encoding="utf-8")
        os.symlink(install_sdk(version), function / "node_modules")
    config = {"appid": APPID, "projectname": "examples", "cloudfunctionRoot": "cloudfunctions/"}
    (project / "project.config.json").write_text(json.dumps(config), encoding="utf-8")
    ws = Workspace.open(folder / "data", project)
    try:
        seed(ws)
        yield ws
    finally:
        ws.close()


def run_examples(ws: Workspace, function: str, runtime: str) -> dict:
    """The function's ``{sdkVersion, answers}``, called as a mini program user would."""
    ws.state.set_function_runtime(function, runtime)
    outcome = call_function(ws.handle, ws.client_caller("学生A"), function, {})
    assert outcome.ok, outcome.value
    return outcome.value["result"]


@pytest.fixture(scope="module")
def shim_answers(workspace: Workspace) -> dict:
    return run_examples(workspace, function_name(SDK_VERSIONS[0]), "v8")["answers"]


@pytest.fixture(scope="module", params=SDK_VERSIONS, ids=lambda v: f"sdk{v}")
def sdk_answers(request: pytest.FixtureRequest, workspace: Workspace) -> tuple[str, dict]:
    ran = run_examples(workspace, function_name(request.param), "node")
    assert ran["sdkVersion"] == request.param, "the answers must come from the real SDK, not the shim"
    return request.param, ran["answers"]


def test_every_example_answers_as_the_spec_says_in_real_node(sdk_answers):
    version, answers = sdk_answers
    assert sorted(answers) == sorted(e.id for e in EXAMPLES)
    wrong = [problem for e in EXAMPLES if (problem := mismatch(e, answers[e.id]))]
    assert not wrong, f"wx-server-sdk {version} disagrees with §9.7 on {len(wrong)} example(s):\n" + "\n".join(wrong)


def test_the_embedded_shim_answers_as_the_real_sdk(sdk_answers, shim_answers):
    version, answers = sdk_answers
    differ = [
        f"{e.id} {e.chain}:\n  node {answers[e.id]}\n  v8   {shim_answers[e.id]}"
        for e in EXAMPLES
        if answers[e.id].get("errMsg") != shim_answers[e.id].get("errMsg")
        or not same_list(shim_answers[e.id].get("list", []), answers[e.id].get("list", []), e.order)
    ]
    assert not differ, f"the shim and wx-server-sdk {version} answer differently:\n" + "\n".join(differ)
