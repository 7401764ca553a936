"""Aggregation cannot be used to read what the caller may not, nor to make unbounded work.

A pipeline reaches other collections (``$lookup``, ``$graphLookup``, inside ``$facet``), builds
values (``$range``, ``$concatArrays`` in a ``$reduce``) and can loop (``$reduce`` over a big
range): each is held to the caller's read rule, a size cap or the pipeline's time budget.
"""

from __future__ import annotations

from app.core.database.aggregate import core as aggregate_core
from app.core.requests import Caller, Request
from tests.security.conftest import run

CLIENT_AGGREGATE = """const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database(); const $ = db.command.aggregate
exports.main = async (event) => {
  try {
    return { ok: await db.collection(event.coll).aggregate().%s.end() }
  } catch (e) { return { errCode: e.errCode, errMsg: e.errMsg || e.message } }
}
"""


def seed(ws) -> None:
    a, b = (ws.identity.persona(name).openid for name in ("学生A", "学生B"))
    ws.database.import_documents("diary", [{"_id": "a", "_openid": a, "k": 1, "text": "A's secret"},
                                           {"_id": "b", "_openid": b, "k": 1, "text": "B's secret"}],
                                 upsert=False, atomic=True, create=True)
    ws.database.import_documents("keys", [{"_id": "k1", "k": 1}], upsert=False, atomic=True, create=True)
    for name, mode in (("diary", "PRIVATE"), ("keys", "READONLY")):
        ws.handle(Request("database.setPermission", {"collectionName": name, "mode": mode}, Caller.console()))


def client_aggregate(ws, chain: str, collection: str, persona: str = "学生A") -> dict:
    """A mini program user's own aggregate() (client code runs as the user, unlike a function)."""
    from tests.core.functions.test_sdk_harness import workspace_host  # noqa: PLC0415

    host = workspace_host(ws, ws.client_caller(persona))
    body = [{"stageKey": key, "stageValue": value} for key, value in chain]
    try:
        return {"ok": host("database.aggregateDocuments", {"collectionName": collection, "stages": body})}
    except Exception as error:  # noqa: BLE001  the refusal is the point
        return {"errCode": getattr(error, "code", None), "detail": str(error)}


def test_joins_do_not_reveal_other_users_private_documents(hostile):
    ws = hostile({})
    seed(ws)
    join = '{"from":"diary","localField":"k","foreignField":"k","as":"found"}'
    graph = '{"from":"diary","startWith":"$k","connectFromField":"k","connectToField":"k","as":"found"}'
    facet = '{"f":[{"$lookup":' + join + '}]}'
    for stage, value in (("$lookup", join), ("$graphLookup", graph)):
        answer = client_aggregate(ws, [(stage, value)], "keys")
        assert [d["text"] for d in answer["ok"]["list"][0]["found"]] == ["A's secret"]
    answer = client_aggregate(ws, [("$facet", facet)], "keys")
    assert [d["text"] for d in answer["ok"]["list"][0]["f"][0]["found"]] == ["A's secret"]
    grouped = client_aggregate(ws, [("$group", '{"_id":null,"all":{"$push":"$text"}}')], "diary")
    assert grouped["ok"]["list"] == [{"_id": None, "all": ["A's secret"]}]


def test_an_exploding_pipeline_is_refused_and_the_workspace_keeps_answering(hostile):
    chain = ("project({ x: $.reduce({ input: $.range([0, 40]), initialValue: [1], "
             "in: $.concatArrays(['$$value', '$$value']) }) })")
    ws = hostile({"explode": CLIENT_AGGREGATE % chain})
    seed(ws)
    result = run(ws, "explode", {"coll": "keys"}, persona=None)["result"]
    assert "more than the 1000000 wxsim allows" in result["errMsg"]  # stopped at 2**20, not 2**40
    assert len(ws.handle(Request("database.getDocument", {"collectionName": "keys", "queryType": "WHERE",
                                                          "limit": 10}, Caller.admin("scf")))["list"]) == 1


def test_a_slow_pipeline_stops_at_its_time_budget(hostile, monkeypatch):
    monkeypatch.setattr(aggregate_core, "BUDGET_S", 0.2)
    chain = ("project({ x: $.reduce({ input: $.range([0, 1000000]), initialValue: 0, "
             "in: $.add(['$$value', $.size($.range([0, 100]))]) }) })")
    ws = hostile({"slow": CLIENT_AGGREGATE % chain})
    seed(ws)
    result = run(ws, "slow", {"coll": "keys"}, persona=None)["result"]
    assert "operation exceeded time limit (MaxTimeMSExpired)" in result["errMsg"]
