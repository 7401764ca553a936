"""Contract: the REAL wx-server-sdk (4.0.2 and 2.6.3) in Node against the gateway on a workspace.

contract.js runs once per SDK version (see conftest.py) and prints what the user's code got
back from each call; these tests assert it, and that every call landed in the event log as
the registered run's caller, nested under its invocation.
"""

from __future__ import annotations

import json
import uuid

import pytest

from app.core.errors import CloudError

from app.core.requests import Caller, Request
from tests.contract.conftest import APPID, NEEDS_NODE, TODOS, ContractRun, run_node

pytestmark = NEEDS_NODE

# What differs between the versions: 4.x (node-sdk 3.x) throws a TcbError that
# wx-server-sdk 4.x does not map for these APIs (errCode -1, message only); 2.x maps the code.
VERSION_ERRORS = {
    "4.0.2": {
        "downloadDeleted": (-1, "downloadFile:fail contract/hello.txt does not exist"),
        "callFunctionFails": (-1, "callFunction:fail Error: boom"),
    },
    "2.6.3": {
        "downloadDeleted": (
            -503003, "downloadFile:fail -503003 storage file not exists. contract/hello.txt does not exist"),
        "callFunctionFails": (
            -504002, "callFunction:fail -504002 functions execute fail. requestID {request_id}, Error: boom"),
    },
}
# The wire actions contract.js causes, in order (object GETs are not requests; the PUT/POST is).
EXPECTED_ACTIONS = [
    "database.insertDocument",  # add
    "database.getDocument", "database.getDocument", "database.getDocument",  # docGet, where, whereDate
    "database.calculateDocument",  # count
    "database.modifyDocument", "database.getDocument",  # update, afterUpdate
    "database.modifyDocument", "database.modifyDocument", "database.modifyDocument",  # where update, set, set
    "database.removeDocument",
    "database.getDocument", "database.getDocument", "database.getDocument",  # missing doc ×2, collection
    "database.aggregateDocuments",
    # runTransaction: start, read-modify in the transaction, get, commit; then the rollback run
    "database.startTransaction", "database.modifyDocument", "database.getDocument", "database.commitTransaction",
    "database.startTransaction", "database.modifyDocument", "database.abortTransaction",
    "database.getDocument",  # afterTransactions
    "storage.getUploadMetadata", "storage.putObject",  # uploadFile: metadata, then the bytes
    "storage.batchGetDownloadUrl", "storage.batchGetDownloadUrl",  # getTempFileURL, downloadFile
    "storage.batchDeleteFile", "storage.batchGetDownloadUrl",  # deleteFile, download of the deleted
    "functions.invokeFunction", "functions.invokeFunction",
    "wx.openApi", "wx.openApi",
]


def ok(run: ContractRun, name: str):
    assert "ok" in run.results[name], f"{name} failed: {run.results[name]}"
    return run.results[name]["ok"]


def err(run: ContractRun, name: str) -> dict:
    assert "err" in run.results[name], f"{name} should have failed: {run.results[name]}"
    return run.results[name]["err"]


def test_database_calls(contract_run):
    """add/get/where with commands, orderBy, limit, field/count/update/set/remove, as the user sees them."""
    run = contract_run
    assert ok(run, "add") == {"_id": "string", "errMsg": "collection.add:ok"}
    assert ok(run, "docGet") == {
        "data": {"_id": "string", "title": "from node", "n": 1, "tags": ["a"], "nested": {"k": "v"},
                 "due": {"$date": "2024-01-02T03:04:05.678Z"}, "at": True},  # at: serverDate, a Date near now
        "errMsg": "document.get:ok", "dueIsDate": True, "dueRoundTrip": True,
    }
    assert ok(run, "where") == {"data": [{"title": "b", "progress": 50}, {"title": "a", "progress": 20}],
                                "errMsg": "collection.get:ok"}
    assert ok(run, "whereDate") == {"data": [{"due": {"$date": "2024-01-02T03:04:05.678Z"}}],
                                    "errMsg": "collection.get:ok"}
    assert ok(run, "count") == {"total": 3, "errMsg": "collection.count:ok"}
    assert ok(run, "update") == {"stats": {"updated": 1}, "errMsg": "document.update:ok"}
    assert ok(run, "afterUpdate") == {"data": {"n": 3, "tags": ["a", "b"], "nested": {"k": "w"}},
                                      "errMsg": "document.get:ok"}
    assert ok(run, "whereUpdate") == {"stats": {"updated": 1}, "errMsg": "collection.update:ok"}
    assert ok(run, "set") == {"_id": "fixed-id", "stats": {"updated": 0, "created": 1}, "errMsg": "document.set:ok"}
    assert ok(run, "setAgain") == {"_id": "fixed-id", "stats": {"updated": 1, "created": 0},
                                   "errMsg": "document.set:ok"}
    assert ok(run, "remove") == {"stats": {"removed": 1}, "errMsg": "document.remove:ok"}
    assert ok(run, "aggregate") == {"list": [TODOS[0], TODOS[1], TODOS[3]], "errMsg": "collection.aggregate:ok"}


def test_database_errors(contract_run):
    """A missing doc (throwOnNotFound both ways), a missing collection, and transactions."""
    run = contract_run
    assert err(run, "missingDoc") == {
        "errCode": -1, "errMsg": "document.get:fail document with _id no-such-id does not exist"}
    assert ok(run, "missingDocLenient") == {"data": None, "errMsg": "document.get:ok"}
    with pytest.raises(CloudError) as missing:
        run.workspace.handle(Request("database.getDocument", {"collectionName": "no_such_collection"}, Caller.admin()))
    assert err(run, "missingCollection") == {
        "errCode": -502005,
        "errMsg": f"collection.get:fail -502005 database collection not exists. {missing.value.detail}",
    }
    # X1/X2 with the real SDK: commit returns the callback's value; rollback rejects with the reason.
    assert ok(run, "transaction") == 13  # n was 1, +2 by update, +10 in the transaction
    assert err(run, "rollback") == {"errMsg": "nope"}
    assert ok(run, "afterTransactions") == {"data": {"n": 13}, "errMsg": "document.get:ok"}


def test_storage_calls(contract_run):
    """uploadFile (Buffer, PUT in 4.x / multipart POST in 2.x), temp URLs, download, delete."""
    run = contract_run
    file_id, missing_id = run.file_id("contract/hello.txt"), run.file_id("contract/missing.txt")
    assert ok(run, "uploadFile") == {"fileID": file_id, "statusCode": -1, "errMsg": "uploadFile:ok"}
    assert ok(run, "getTempFileURL") == {"fileList": [
        {"fileID": file_id, "status": 0, "errMsg": "ok", "maxAge": 86400, "tempFileURL": True},
        {"fileID": missing_id, "status": -503003, "errMsg": "storage file not exists", "maxAge": 86400,
         "tempFileURL": False},
    ], "errMsg": "getTempFileURL:ok"}
    assert ok(run, "downloadFile") == {"fileContent": {"$buffer": "hello gateway 你好"}, "statusCode": 200,
                                       "errMsg": "downloadFile:ok"}
    assert ok(run, "deleteFile") == {"fileList": [{"fileID": file_id, "status": 0, "errMsg": "ok"}],
                                     "errMsg": "deleteFile:ok"}
    code, message = VERSION_ERRORS[run.version]["downloadDeleted"]
    assert err(run, "downloadDeleted") == {"errCode": code, "errMsg": message}
    upload = next(e for e in run.events if e.action == "storage.putObject")
    assert upload.outcome == "ok" and upload.target == "contract/hello.txt"


def test_call_function_runs_the_projects_function(contract_run):
    """callFunction reaches the workspace's own function through the dispatcher.

    The registered parent here is not a FunctionRunner invocation, so the callee runs like a
    console test (wx_devtools, no user); under a Node run started by the runner the SOURCE
    chain and the user carry on.
    """
    run = contract_run
    assert ok(run, "callFunction") == {
        "result": {"got": 1, "openid": None, "source": "wx_devtools", "userInfo": None},
        "errMsg": "callFunction:ok", "requestID": True,
    }
    failed = [e for e in run.events if e.action == "functions.invokeFunction" and e.outcome != "ok"]
    assert [e.error_code for e in failed] == [-504002]
    code, message = VERSION_ERRORS[run.version]["callFunctionFails"]
    request_id = uuid.UUID(failed[0].id)  # the invocation's requestID is its event id
    assert err(run, "callFunctionFails") == {"errCode": code, "errMsg": message.format(request_id=request_id)}


def test_context_and_openapi(contract_run):
    """getWXContext reads our env; a cloud call from a run that is no function of the workspace is
    the platform's -604104 (E2), camelCase params arriving snake_case (tests/contract/test_openapi_real_sdk.py
    has cloud calls from real function runs)."""
    run = contract_run
    persona = run.workspace.identity.personas()[0]
    context = {"OPENID": persona.openid, "APPID": APPID, "CLIENTIP": "127.0.0.1", "CLIENTIPV6": "::1",
               "ENV": run.workspace.settings.env_id, "SOURCE": "wx_client"}
    if persona.unionid:
        context["UNIONID"] = persona.unionid
    assert ok(run, "getWXContext") == context
    sent = next(e for e in run.events if e.action == "wx.openApi")
    assert sent.params["data"]["template_id"] == "T1" and sent.params["data"]["data"] == {"thing1": {"value": "hi"}}
    for name in ("subscribeMessage", "openapiOffline"):
        assert err(run, name) == {"errCode": -604104, "errMsg": "system error: error code: -604104"}
    assert [e.error_code for e in run.events if e.action == "wx.openApi"] == [-604104, -604104]


def test_every_call_is_in_the_event_log_as_the_runs_caller(contract_run):
    run = contract_run
    assert [e.action for e in run.events] == EXPECTED_ACTIONS
    persona = run.workspace.identity.personas()[0]
    assert {(e.caller_kind, e.source, e.openid, e.persona) for e in run.events} == {
        ("admin", "wx_client", persona.openid, persona.name)
    }
    failed = {e.action for e in run.events if e.outcome != "ok"}
    assert failed == {"database.getDocument", "functions.invokeFunction", "wx.openApi"}


def test_an_outside_process_with_the_serve_environment(contract_run):
    """``wxsim serve``'s env: no registered seqId, so an admin whose SOURCE is its header's."""
    run = contract_run
    info = run.gateway.serve_info(run.workspace.data_dir)
    before = len(run.workspace.events.recent())
    printed = run_node("outside.js", info["env"], run.node_path)
    assert printed == {
        "count": {"total": 3, "errMsg": "collection.count:ok"},
        "context": {"APPID": APPID, "CLIENTIP": "127.0.0.1", "CLIENTIPV6": "::1",
                    "ENV": run.workspace.settings.env_id, "SOURCE": "wx_devtools"},
    }
    (event,) = run.workspace.events.recent()[before:]
    assert (event.action, event.caller_kind, event.source, event.openid, event.parent_id) == (
        "database.calculateDocument", "admin", "wx_devtools,scf", None, None)
    assert json.loads(json.dumps(info)) == info
