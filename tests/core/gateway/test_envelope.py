"""The /admin envelope of tcb-wire §3: what is read from a call, and how errors are answered."""

from __future__ import annotations

import json

import pytest

from app.core.errors import CloudError, InputError, WxApiError
from app.core.gateway.envelope import BadEnvelope, failure, parse_json_call, success

COMMON = {"envName": "demo-x", "wxCloudApiToken": "", "wxCloudbaseAccesstoken": "t", "tcb_sessionToken": "",
          "sessionToken": "s", "crossAuthorizationToken": "", "eventId": "18c0f_1"}


def test_sdk4_call_env_and_seq_id_come_from_the_query():
    """4.x: ``?env=&seqId=``; the common fields are stripped from the params."""
    body = {"action": "database.getDocument", "collectionName": "todos", "queryType": "WHERE", "limit": 100, **COMMON}
    call = parse_json_call("/admin?env=demo-x&seqId=inv-1-18c0f_1", json.dumps(body).encode())
    assert call.action == "database.getDocument"
    assert call.params == {"collectionName": "todos", "queryType": "WHERE", "limit": 100}
    assert (call.env, call.seq_id) == ("demo-x", "inv-1-18c0f_1")


def test_sdk2_call_env_comes_from_the_body():
    """2.x/3.x: ``?&eventId=&seqId=`` (no env in the query) and eventId in the body."""
    body = {"action": "functions.invokeFunction", "function_name": "f", "request_data": "{}", **COMMON}
    call = parse_json_call("/admin?&eventId=18c0f_1&seqId=18c0f_1", json.dumps(body).encode())
    assert call.params == {"function_name": "f", "request_data": "{}"}
    assert (call.env, call.seq_id) == ("demo-x", "18c0f_1")


@pytest.mark.parametrize("body", [b"", b"not json", b"[1]", b'{"collectionName":"x"}', b'{"action":""}', b"\xff"])
def test_unreadable_calls_are_refused(body):
    with pytest.raises(BadEnvelope):
        parse_json_call("/admin", body)


def test_success_carries_data_and_top_level_fields():
    assert success("r1", {"total": 3}) == {"requestId": "r1", "data": {"total": 3}}
    assert success("r1", {}, {"transactionId": "tx"}) == {"requestId": "r1", "data": {}, "transactionId": "tx"}


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        # A code the wire names: only the detail, since wx-server-sdk prints the code's text itself.
        (CloudError(-502005, "Db or Table not exist: todos"), "DATABASE_COLLECTION_NOT_EXIST",
         "Db or Table not exist: todos"),
        (CloudError(-503003, ""), "STORAGE_FILE_NONEXIST", "storage file not exists"),
        (CloudError(-501001, "disk full"), "SYS_ERR", "disk full"),
        # A code it does not: SYS_ERR, and the number and text stay in the message.
        (CloudError(-601004, "only cloud functions and the console can do this"), "SYS_ERR",
         "-601004 api permission denied. only cloud functions and the console can do this"),
        (WxApiError(40029, "invalid code"), "SYS_ERR", "40029 invalid code"),
        (InputError("A preset needs a name."), "SYS_ERR", "A preset needs a name."),
        (BadEnvelope("the request has no action"), "INVALID_PARAM", "the request has no action"),
        (KeyError("x"), "SYS_ERR", "internal error in wxsim: KeyError('x')"),
    ],
)
def test_errors_map_to_tcb_code_strings(error, code, message):
    assert failure("r1", error) == {"code": code, "message": message, "requestId": "r1"}


def test_a_failed_function_answers_with_its_own_request_id():
    """The invocation's requestID leads the detail; it becomes the envelope's requestId."""
    error = CloudError(-504002, "requestID 2e6819b7-5d90-479c-b61c-b5792ab877c8, Error: boom\n    at main")
    assert failure("r1", error) == {
        "code": "FUNCTIONS_EXECUTE_FAIL",
        "message": "Error: boom\n    at main",
        "requestId": "2e6819b7-5d90-479c-b61c-b5792ab877c8",
    }
