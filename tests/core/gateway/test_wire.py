"""Dispatcher results in the wire's shapes (tcb-wire §4): EJSON strings, ids at the top level."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from bson import json_util

from app.core.gateway.wire import ejson_string, to_wire
from app.core.requests import Caller, Request

ADMIN = Caller.admin("scf")


def test_documents_travel_as_ejson_strings_the_sdk_parses_back(workspace):
    """What the SDK sent comes back equal after our engine and ``EJSON.parse``."""
    workspace.handle(Request("database.addCollection", {"collectionName": "todos"}, ADMIN))
    sent = ('{"_id":"x","n":{"$numberInt":"7"},"f":{"$numberDouble":"1.5"},"big":{"$numberLong":"1099511627776"},'
            '"when":{"$date":{"$numberLong":"1700000000123"}},'
            '"re":{"$regularExpression":{"pattern":"^a","options":"i"}},'
            '"deep":{"list":[1,"两",null,true]}}')
    workspace.handle(Request("database.insertDocument", {"collectionName": "todos", "data": [sent]}, ADMIN))
    params = {"collectionName": "todos", "queryType": "WHERE", "limit": 100}
    result = workspace.handle(Request("database.getDocument", params, ADMIN))
    data, top = to_wire("database.getDocument", result)
    assert top == {}
    assert len(data["list"]) == 1 and isinstance(data["list"][0], str)
    assert "两" in data["list"][0]  # UTF-8 as is, not \u escapes
    doc = json_util.loads(data["list"][0], json_options=json_util.RELAXED_JSON_OPTIONS.with_options(tz_aware=True))
    assert doc["n"] == 7 and doc["f"] == 1.5 and doc["big"] == 1099511627776
    assert doc["when"] == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert (doc["re"].pattern, doc["re"].flags) == ("^a", re.IGNORECASE)
    assert doc["deep"] == {"list": [1, "两", None, True]}


def test_aggregate_lists_are_strings_too():
    data, _ = to_wire("database.aggregateDocuments", {"list": [{"_id": 1, "n": 3}]})
    assert data == {"list": ['{"_id":1,"n":3}']}


def test_non_finite_numbers_use_number_double():
    assert json.loads(ejson_string({"a": float("nan"), "b": [float("inf"), -float("inf")], "c": 1.0})) == {
        "a": {"$numberDouble": "NaN"}, "b": [{"$numberDouble": "Infinity"}, {"$numberDouble": "-Infinity"}], "c": 1.0,
    }


def test_function_results_answer_with_the_invocations_request_id():
    result = {"response_data": '{"echo":1}', "requestID": "2e6819b7-5d90-479c-b61c-b5792ab877c8"}
    assert to_wire("functions.invokeFunction", result) == (
        {"response_data": '{"echo":1}'}, {"requestId": "2e6819b7-5d90-479c-b61c-b5792ab877c8"}
    )


def test_a_transaction_id_is_also_at_the_top_level():
    assert to_wire("database.startTransaction", {"transactionId": "tx-1"}) == (
        {"transactionId": "tx-1"}, {"transactionId": "tx-1"}
    )


def test_per_file_failures_lose_the_text_the_sdk_adds_itself():
    """2.x/3.x print ``-503003 storage file not exists. <message>``: the message is the detail."""
    result = {"download_list": [
        {"fileID": "cloud://a", "tempFileURL": "http://127.0.0.1:1/x", "code": "SUCCESS", "maxAge": 600},
        {"fileID": "cloud://b", "tempFileURL": "", "maxAge": 600, "code": "STORAGE_FILE_NONEXIST",
         "message": "storage file not exists. b.txt does not exist"},
        {"fileID": "cloud://c", "code": "STORAGE_EXCEED_AUTHORITY", "message": "no rights here"},
    ]}
    data, _ = to_wire("storage.batchGetDownloadUrl", result)
    assert [item.get("message") for item in data["download_list"]] == [None, "b.txt does not exist", "no rights here"]
    deleted, _ = to_wire("storage.batchDeleteFile", {"delete_list": [
        {"fileID": "cloud://b", "code": "STORAGE_FILE_NONEXIST",
         "message": "storage file not exists. b.txt does not exist"}
    ]})
    assert deleted["delete_list"][0]["message"] == "b.txt does not exist"


def test_other_results_are_the_data_as_they_are():
    modified = {"updated": 1, "upsert_id": None}
    assert to_wire("database.modifyDocument", modified) == (modified, {})
    assert to_wire("database.insertDocument", {"insertedIds": ["a"]}) == ({"insertedIds": ["a"]}, {})
