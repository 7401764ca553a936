"""The gateway over real HTTP on 127.0.0.1: envelope, errors, callers, wx.openApi, lifecycle."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from app.core.errors import InputError
from app.core.http.gateway_server import Gateway
from app.core.requests import Caller
from tests.core.gateway.conftest import call, post

TODOS = {"collectionName": "todos", "queryType": "WHERE", "limit": 100, "order": '{"progress":{"$numberInt":"-1"}}'}


def _events(workspace, action):
    return [e for e in workspace.events.recent() if e.action == action]


def test_a_query_answers_documents_as_ejson_strings(gateway, workspace):
    answer = call(gateway.url, "database.getDocument", TODOS)
    assert set(answer) == {"requestId", "data"}
    assert answer["data"]["list"] == [
        '{"_id":"t2","title":"b","done":false,"progress":50}',
        '{"_id":"t1","title":"a","done":false,"progress":20}',
    ]


def test_an_error_is_http_200_with_a_tcb_code(gateway):
    answer = call(gateway.url, "database.getDocument", {**TODOS, "collectionName": "missing"})
    assert answer["code"] == "DATABASE_COLLECTION_NOT_EXIST"
    assert answer["message"].endswith("Db or Table not exist: missing")
    assert answer["requestId"] and "data" not in answer


def test_an_unknown_action_is_invalid_param(gateway):
    answer = call(gateway.url, "database.noSuchThing", {})
    assert (answer["code"], answer["message"]) == ("INVALID_PARAM", "action database.noSuchThing is not supported")


@pytest.mark.parametrize(("action", "params", "code", "message"), [
    ("database.insertDocument", {"collectionName": "todos", "data": ['{"a":{"$bad":1}}']},
     "DATABASE_REQUEST_FAILED", "Document can't have $ prefixed field names: $bad"),
    ("storage.batchDeleteFile", {"fileid_list": [f"cloud://x.y/f{i}.txt" for i in range(51)]},
     "INVALID_PARAM", "fileid_list has 51 files; at most 50 per call"),
])
def test_refusals_carry_the_backends_codes(gateway, action, params, code, message):
    """Issue 19: a $-prefixed field name on insert, and more than 50 fileIDs in one delete."""
    answer = call(gateway.url, action, params)
    assert (answer["code"], answer["message"]) == (code, message)


def test_unreadable_bodies_are_answered_not_dropped(gateway):
    status, _, body = post(gateway.url, b"{not json", headers={"Content-Type": "application/json"})
    assert status == 200
    assert json.loads(body)["code"] == "INVALID_PARAM"


def test_an_outside_process_is_an_admin_with_the_header_source(gateway, workspace):
    """An unknown seqId (``wxsim serve`` users): admin, SOURCE from X-TCB-Source, no parent."""
    call(gateway.url, "database.calculateDocument", {"collectionName": "todos", "queryType": "WHERE"},
         seq_id="18c0f_1", source=",scf")
    call(gateway.url, "database.calculateDocument", {"collectionName": "todos", "queryType": "WHERE"},
         seq_id="unknown-run-18c0f_2", source="wx_devtools,scf")
    first, second = _events(workspace, "database.calculateDocument")
    assert (first.caller_kind, first.source, first.openid, first.parent_id) == ("admin", "scf", None, None)
    assert (second.source, second.parent_id) == ("wx_devtools,scf", None)
    assert first.result == {"total": 2}


def test_a_registered_run_calls_as_its_caller_under_its_invocation(gateway, workspace):
    persona = workspace.identity.personas()[0]
    caller = Caller("admin", "wx_client", persona.openid, workspace.settings.appid, persona.unionid, persona.name)
    with gateway.register_invocation("run-7", caller, "parent-event"):
        answer = call(gateway.url, "database.insertDocument",
                      {"collectionName": "todos", "data": ['{"title":"c"}']}, seq_id="run-7-18c0f_3")
    (event,) = _events(workspace, "database.insertDocument")[-1:]
    assert (event.caller_kind, event.source, event.openid, event.persona, event.parent_id) == (
        "admin", "wx_client", persona.openid, persona.name, "parent-event")
    assert answer["data"]["insertedIds"] == [event.result["insertedIds"][0]]
    call(gateway.url, "database.calculateDocument", {"collectionName": "todos"}, seq_id="run-7-18c0f_4")
    assert _events(workspace, "database.calculateDocument")[-1].parent_id is None  # the run is over


def test_a_function_call_answers_with_its_invocation_request_id(gateway, workspace):
    answer = call(gateway.url, "functions.invokeFunction", {"function_name": "nope", "request_data": "{}"})
    # The backend's code for a missing function, which node-sdk callers check (issue 19).
    assert (answer["code"], answer["message"]) == ("FUNCTION_NOT_FOUND", "FunctionName parameter could not be found.")
    answer = call(gateway.url, "functions.invokeFunction", {"function_name": "dailyReport", "request_data": ""})
    event = _events(workspace, "functions.invokeFunction")[-1]
    assert answer["requestId"] == workspace.functions.history("dailyReport")[0].request_id
    assert answer["data"]["response_data"] == event.result["response_data"]
    assert json.loads(answer["data"]["response_data"])["open"] == 2


def test_get_says_what_is_listening(gateway, workspace):
    with urllib.request.urlopen(gateway.url, timeout=5) as response:
        assert json.loads(response.read()) == {"service": "wxsim gateway", "env": workspace.settings.env_id}


def test_node_env_points_node_sdk_here_as_the_caller(gateway, workspace):
    env = gateway.node_env("wx_client", "oUser", None, "uUser", "run-7")
    assert json.loads(env["TCB_CONTEXT_CNFG"]) == {"URL": gateway.url}
    assert env["TENCENTCLOUD_RUNENV"] == "SCF" and env["SILENCE"] == "true"
    assert env["TENCENTCLOUD_SECRETID"] and env["TENCENTCLOUD_SECRETKEY"] and env["TENCENTCLOUD_SESSIONTOKEN"]
    assert env["SCF_NAMESPACE"] == env["TCB_ENV"] == workspace.settings.env_id
    assert (env["TCB_SOURCE"], env["TCB_SEQID"]) == ("wx_client", "run-7")
    assert set(env["TCB_CONTEXT_KEYS"].split(",")) == {"TCB_ENV", "TCB_SEQID", "TCB_SOURCE"}
    assert (env["WX_OPENID"], env["WX_UNIONID"], env["WX_APPID"]) == ("oUser", "uUser", workspace.settings.appid)
    assert env["WX_CONTEXT_KEYS"].split(",")[:3] == ["WX_OPENID", "WX_APPID", "WX_UNIONID"]
    assert all(isinstance(value, str) for value in env.values())
    bare = gateway.node_env("wx_devtools")
    assert "WX_OPENID" not in bare and "TCB_SEQID" not in bare and "WX_UNIONID" not in bare


def test_serve_info_is_one_json_line(gateway, workspace):
    info = gateway.serve_info(workspace.data_dir)
    assert json.loads(json.dumps(info, ensure_ascii=False)) == info and "\n" not in json.dumps(info)
    assert info["url"] == gateway.url and info["envId"] == workspace.settings.env_id
    assert info["appid"] == workspace.settings.appid and info["dataDir"] == str(workspace.data_dir)
    assert info["env"]["TCB_SOURCE"] == "wx_devtools" and "TCB_SEQID" not in info["env"]


def test_lifecycle_fixed_port_busy_port_and_stop(workspace):
    gw = Gateway(workspace.handle, workspace.settings.env_id)
    assert gw.url is None
    with pytest.raises(RuntimeError):
        gw.node_env("wx_devtools")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with gw:
        assert gw.start(port) == f"http://127.0.0.1:{port}/admin"
        assert gw.start() == gw.url  # already serving: same URL
        with pytest.raises(InputError, match=f"cannot listen on 127.0.0.1:{port}"):
            Gateway(workspace.handle, "x").start(port)
    assert gw.url is None
    gw.stop()  # twice is fine
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/admin", timeout=2)
