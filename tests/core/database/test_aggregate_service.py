"""``database.aggregateDocuments`` through ``Workspace.handle``: the service's rules for aggregation.

Result shape, read permissions (PRIVATE sees only the caller's documents, ADMINONLY refuses,
CUSTOM rules need the first ``$match`` to prove the read rule), the same
rules for every ``$lookup`` source, the mini program's default of 20 results, errors in
WeChat's shape naming the stage, and ``wxsim db aggregate``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.core.database.aggregate import core as aggregate_core
from app.core.database.aggregate.actions import aggregate_actions, decode_stages
from app.core.errors import CloudError
from app.core.requests import Caller, Request, Trace
from app.core.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
ACTION = "database.aggregateDocuments"
ADMIN = Caller.admin("scf")


def stages(*pipeline: dict) -> list[dict]:
    """The wire's form of a pipeline, as the SDK sends it (tcb-wire §4)."""
    return [{"stageKey": key, "stageValue": json.dumps(value)} for stage in pipeline for key, value in stage.items()]


def aggregate(ws: Workspace, collection: str, *pipeline: dict, caller: Caller = ADMIN) -> list:
    return ws.handle(Request(ACTION, {"collectionName": collection, "stages": stages(*pipeline)}, caller))["list"]


def refused(ws: Workspace, collection: str, *pipeline: dict, caller: Caller = ADMIN) -> CloudError:
    with pytest.raises(CloudError) as failed:
        aggregate(ws, collection, *pipeline, caller=caller)
    return failed.value


def set_mode(ws: Workspace, collection: str, mode: str) -> None:
    ws.handle(Request("database.setPermission", {"collectionName": collection, "mode": mode}, Caller.console()))


@pytest.fixture
def ws(workspace):
    """The demo workspace plus ``notes``: 学生A's a1, 学生B's b1 and b2, and an admin z1 (spec §9.8 C)."""
    a, b = (workspace.identity.persona(name).openid for name in ("学生A", "学生B"))
    workspace.database.import_documents("notes", [
        {"_id": "a1", "_openid": a, "v": 1, "at": datetime(2024, 1, 2, tzinfo=timezone.utc)},
        {"_id": "b1", "_openid": b, "v": 2}, {"_id": "b2", "_openid": b, "v": 4}, {"_id": "z1", "v": 3},
    ], upsert=False, atomic=True, create=True)
    return workspace


def test_answers_a_list_of_ejson_documents(ws):
    """The wire answer is {list}; the SDK adds errMsg 'collection.aggregate:ok' (tcb-wire §4)."""
    answer = ws.handle(Request(ACTION, {"collectionName": "notes", "stages": stages(
        {"$match": {"_id": "a1"}}, {"$project": {"_id": 0, "at": 1, "big": {"$exp": 1000}}})}, ADMIN))
    assert answer == {"list": [{"at": {"$date": "2024-01-02T00:00:00.000Z"}, "big": {"$numberDouble": "Infinity"}}]}


def test_an_empty_pipeline_gives_every_document_to_the_server(ws):
    assert [d["_id"] for d in aggregate(ws, "notes")] == ["a1", "b1", "b2", "z1"]


def test_private_collections_show_a_mini_program_only_its_own_documents(ws):
    set_mode(ws, "notes", "PRIVATE")
    total = {"$group": {"_id": None, "n": {"$sum": 1}, "v": {"$sum": "$v"}}}
    assert aggregate(ws, "notes", total, caller=ws.client_caller("学生B")) == [{"_id": None, "n": 2, "v": 6}]
    assert aggregate(ws, "notes", total, caller=ws.client_caller("学生A")) == [{"_id": None, "n": 1, "v": 1}]
    assert aggregate(ws, "notes", total, caller=ws.client_caller(None)) == []  # signed out: owns nothing
    assert aggregate(ws, "notes", total) == [{"_id": None, "n": 4, "v": 10}]  # a cloud function: all
    event = ws.events.recent()[-2]
    assert event.permission_allowed and "sees only the documents they created — 0 result(s)" in event.permission_reason


def test_readable_collections_show_everything(ws):
    set_mode(ws, "notes", "READONLY")
    assert len(aggregate(ws, "notes", caller=ws.client_caller("学生A"))) == 4


def test_admin_only_collections_refuse_mini_programs(ws):
    set_mode(ws, "notes", "ADMINONLY")
    failed = refused(ws, "notes", {"$count": "n"}, caller=ws.client_caller("学生A"))
    assert (failed.code, failed.errmsg_for("collection.aggregate")) == (
        -502003, "collection.aggregate:fail -502003 database permission denied. Permission denied")
    event = ws.events.recent()[-1]
    assert event.permission_allowed is False and "neither read nor write" in event.permission_reason


OWN_RULES = {"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}


def test_custom_rules_need_a_first_match_inside_the_read_rule(ws):
    """Under CUSTOM rules the first $match must prove the read rule (the subset rule, spec
    §4.2): with '{openid}' the mini program gets its own documents; without it the whole
    request fails with -502003 and the missing condition; a cloud function is not judged."""
    ws.handle(Request("database.setPermission", {"collectionName": "notes", "mode": "CUSTOM", "rules": OWN_RULES},
                      Caller.console()))
    mine = aggregate(ws, "notes", {"$match": {"_openid": "{openid}"}}, {"$sort": {"_id": 1}},
                     caller=ws.client_caller("学生B"))
    assert [json.loads(d)["_id"] if isinstance(d, str) else d["_id"] for d in mine] == ["b1", "b2"]
    with pytest.raises(CloudError) as failed:
        aggregate(ws, "notes", {"$group": {"_id": None, "n": {"$sum": 1}}}, caller=ws.client_caller("学生B"))
    assert failed.value.code == -502003
    decision = ws.events.recent()[-1].decision
    assert decision is not None and not decision.allowed and "_openid" in decision.reason
    assert len(aggregate(ws, "notes", {"$group": {"_id": None, "n": {"$sum": 1}}})) == 1  # admin: no rules


def test_lookup_sources_follow_the_callers_read_rule(ws):
    ws.database.import_documents("secrets", [{"_id": "s1", "v": 1}], upsert=False, atomic=True, create=True)
    set_mode(ws, "notes", "READONLY")
    set_mode(ws, "secrets", "ADMINONLY")
    join = {"$lookup": {"from": "secrets", "localField": "v", "foreignField": "v", "as": "s"}}
    failed = refused(ws, "notes", join, caller=ws.client_caller("学生A"))
    assert failed.code == -502003
    assert ws.events.recent()[-1].permission_reason.startswith("$lookup reads secrets: secrets is ADMINONLY")
    nested = {"$facet": {"x": [{"$lookup": {"from": "notes", "as": "y", "pipeline": [
        {"$graphLookup": {"from": "secrets", "startWith": 1, "connectFromField": "v", "connectToField": "v",
                          "as": "z"}}]}}]}}
    assert refused(ws, "notes", nested, caller=ws.client_caller("学生A")).code == -502003
    assert aggregate(ws, "notes", {"$match": {"_id": "z1"}}, join) == [{"_id": "z1", "v": 3, "s": []}]


def test_a_private_lookup_source_joins_only_the_callers_documents(ws):
    set_mode(ws, "notes", "PRIVATE")
    ws.database.import_documents("tags", [{"_id": "t", "v": 1}], upsert=False, atomic=True, create=True)
    set_mode(ws, "tags", "READONLY")
    everyone = {"$lookup": {"from": "notes", "localField": "x", "foreignField": "x", "as": "all"}}
    mine = aggregate(ws, "tags", everyone, caller=ws.client_caller("学生B"))[0]["all"]
    assert sorted(d["_id"] for d in mine) == ["b1", "b2"]  # not a1 or z1, though all lack `x`
    reason = ws.events.recent()[-1].permission_reason
    assert "tags is READONLY" in reason and "joins notes: notes is PRIVATE" in reason


def test_a_mini_program_gets_20_results_unless_the_pipeline_limits(ws):
    ws.database.import_documents("many", [{"_id": i} for i in range(150)], upsert=False, atomic=True, create=True)
    set_mode(ws, "many", "READONLY")
    user = ws.client_caller("学生A")
    assert len(aggregate(ws, "many", caller=user)) == 20
    assert len(aggregate(ws, "many", {"$group": {"_id": "$_id"}}, caller=user)) == 20
    assert len(aggregate(ws, "many", {"$limit": 30}, caller=user)) == 30
    assert len(aggregate(ws, "many", {"$sort": {"_id": -1}}, {"$limit": 100}, caller=user)) == 100
    assert len(aggregate(ws, "many")) == 150  # the server side has no implicit cap


def test_missing_collections(ws):
    assert refused(ws, "nosuch", {"$count": "n"}).code == -502005
    join = {"$lookup": {"from": "nosuch", "localField": "v", "foreignField": "v", "as": "x"}}
    assert aggregate(ws, "notes", {"$limit": 1}, join)[0]["x"] == []  # MongoDB: an empty join


@pytest.mark.parametrize("params, message", [
    ({"collectionName": "notes"}, "stages must be an array of {stageKey, stageValue}"),
    ({"collectionName": "notes", "stages": [{"stageKey": "$match"}]}, "must be an object with stageKey and stageValue"),
    ({"collectionName": "notes", "stages": [{"stageKey": "match", "stageValue": "{}"}]}, "must be a stage name"),
    ({"collectionName": "notes", "stages": [{"stageKey": "$match", "stageValue": "{bad"}]}, "is not valid EJSON"),
    ({"collectionName": "notes", "stages": [{"stageKey": "$limit", "stageValue": "NaN"}]}, "is not valid EJSON"),
    ({"stages": []}, "collectionName is required"),
])
def test_malformed_wire_params(ws, params, message):
    with pytest.raises(CloudError) as failed:
        ws.handle(Request(ACTION, params, ADMIN))
    assert failed.value.code == -501007 and message in failed.value.detail


def test_errors_name_the_stage_in_wechats_shape(ws):
    failed = refused(ws, "notes", {"$match": {}}, {"$project": {"x": {"$divide": ["$v", 0]}}})
    assert failed.errmsg_for("collection.aggregate") == (
        "collection.aggregate:fail -502001 database request fail. $project (stage 2): can't $divide by zero")
    unknown = refused(ws, "notes", {"$nope": {}})
    assert (unknown.code, unknown.tcb_code) == (-502002, "DATABASE_INVALID_OPERRATOR")
    assert ws.events.recent()[-1].error_code == -502002


def test_stage_values_in_both_wire_forms_and_server_dates(ws):
    """Scalars come as JSON text (`$limit: "2"`), objects as EJSON; in-process callers may pass
    values; db.serverDate() placeholders become the server's time."""
    pipeline = decode_stages([
        {"stageKey": "$match", "stageValue": '{"at":{"$lt":{"$tcb_server_date":{"offset":0}}}}'},
        {"stageKey": "$limit", "stageValue": "2"}, {"stageKey": "$unwind", "stageValue": '"$tags"'},
        {"stageKey": "$count", "stageValue": '"n"'}], ws.database.resolve_server_dates)
    assert pipeline[0]["$match"]["at"]["$lt"].year >= 2024 and pipeline[1:] == [
        {"$limit": 2}, {"$unwind": "$tags"}, {"$count": "n"}]
    answer = ws.handle(Request(ACTION, {"collectionName": "notes", "stages": [
        {"stageKey": "$match", "stageValue": '{"at":{"$lt":{"$tcb_server_date":{"offset":0}}}}'}]}, ADMIN))
    assert [d["_id"] for d in answer["list"]] == ["a1"]


def test_runaway_pipelines_stop_at_their_budget(ws, monkeypatch):
    monkeypatch.setattr(aggregate_core, "BUDGET_S", 0.05)
    spin = {"$project": {"x": {"$reduce": {"input": {"$range": [0, 1_000_000]}, "initialValue": 0,
                                           "in": {"$add": ["$$value", {"$size": {"$range": [0, 50]}}]}}}}}
    failed = refused(ws, "notes", spin)
    assert failed.code == -502001 and "operation exceeded time limit (MaxTimeMSExpired)" in failed.detail
    doubling = {"$project": {"x": {"$reduce": {"input": {"$range": [0, 30]}, "initialValue": [1],
                                               "in": {"$concatArrays": ["$$value", "$$value"]}}}}}
    monkeypatch.setattr(aggregate_core, "BUDGET_S", 10.0)
    assert "more than the 1000000 wxsim allows" in refused(ws, "notes", doubling).detail


def test_query_expr_takes_every_aggregation_operator(ws):
    """`where(_.expr(...))` shares the pipeline's expression language."""
    where = json.dumps({"$expr": {"$eq": [{"$dateToString": {"date": "$at", "format": "%m-%d"}}, "01-02"]}})
    answer = ws.handle(Request("database.getDocument", {"collectionName": "notes", "queryType": "WHERE",
                                                        "query": where, "limit": 10}, ADMIN))
    assert [json.loads(doc)["_id"] if isinstance(doc, str) else doc["_id"] for doc in answer["list"]] == ["a1"]


# -- wxsim db aggregate -------------------------------------------------------------------------


def wxsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_cli_runs_a_pipeline_file(tmp_path):
    data = str(tmp_path / "data")
    pipeline = tmp_path / "p.json"
    pipeline.write_text(json.dumps([
        {"$match": {"progress": {"$gte": 0}}},
        {"stageKey": "$group", "stageValue": json.dumps({"_id": "$done", "n": {"$sum": 1}})},
        {"$sort": {"n": -1, "_id": 1}}, {"$limit": 1}]), encoding="utf-8")
    out = wxsim("db", "aggregate", "todos", str(pipeline), "--data-dir", data)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["errMsg"] == "collection.aggregate:ok" and len(answer["list"]) == 1
    assert set(answer["list"][0]) == {"_id", "n"}


@pytest.mark.parametrize("content, code, message", [
    ('[{"$group": {}}]', 1, "$group (stage 1): a group specification must include an _id"),
    ('{"$match": {}}', 2, "must hold a JSON array of stages"),
    ('[{"$match": {}, "$limit": 1}]', 2, "each stage must be an object with one key"),
    ("[NaN]", 2, "NaN"),
    (None, 2, "Cannot read the pipeline file"),
])
def test_cli_reports_bad_pipelines(tmp_path, content, code, message):
    pipeline = tmp_path / "p.json"
    if content is not None:
        pipeline.write_text(content, encoding="utf-8")
    out = wxsim("db", "aggregate", "todos", str(pipeline), "--data-dir", str(tmp_path / "data"))
    assert out.returncode == code and message in out.stderr and out.stdout == ""
