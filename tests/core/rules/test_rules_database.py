"""Database security rules (spec §4.2) through the real request path, as mini program users.

Each request goes ``Request("database.…", …)`` → dispatcher → actions → service → rules, as the
client SDK sends it (tests/support/database_sdk.py), and the event log records the decision.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from app.core.errors import InputError
from app.core.events import Event
from app.core.requests import Caller, Request
from tests.support.database_sdk import SdkDatabase

from .conftest import OWNER_RULES, denied, ids


# -- §9.8 R10, R11 -----------------------------------------------------------------------------

def test_r10_a_query_on_the_callers_openid_reads_their_documents(notes):
    notes.rules(OWNER_RULES)
    assert ids(notes.client("学生A").get("notes", {"_openid": "{openid}"})) == ["a1"]
    assert ids(notes.client("学生B").get("notes", {"_openid": "{openid}"})) == ["b1"]
    decision = notes.decision()
    assert decision.allowed and decision.kind == "rule" and decision.mode == "CUSTOM"
    assert decision.rule == {"name": "read", "key": "read", "text": "doc._openid == auth.openid"}
    assert {"text": "auth.openid", "value": notes.ob} in decision.values


def test_r11_a_query_that_is_not_a_subset_of_the_rule_is_refused_whole(notes):
    notes.rules(OWNER_RULES)
    out = notes.client("学生A").get("notes", {})
    assert out.value == {"errCode": -502003,
                         "errMsg": "collection.get:fail -502003 database permission denied | errMsg: Permission denied"}
    event = notes.event()
    assert event.outcome == "denied" and event.permission_allowed is False
    assert ("the rule needs doc._openid == auth.openid; your query has no condition on _openid; "
            "add _openid: '{openid}'") in event.permission_reason
    assert event.decision.missing == {"field": "_openid", "condition": "_openid: '{openid}'",
                                      "needs": "doc._openid == auth.openid"}
    assert denied(notes.client("学生A").count("notes"))  # count is a read too
    assert notes.client("学生A").count("notes", {"_openid": "{openid}"}).value["total"] == 1


def test_admin_and_console_bypass_rules(notes):
    """§4.3: no rules for cloud functions or the console, whatever the rules say."""
    notes.rules({"read": False, "write": False})
    assert ids(notes.admin.get("notes")) == ["a1", "b1", "z1"]
    assert notes.admin.doc_update("notes", "b1", {"v": 5}).value["stats"] == {"updated": 1}
    assert notes.decision().kind == "admin" and notes.decision().mode == "CUSTOM"


# -- doc(id) operations: the stored document ----------------------------------------------------

def test_doc_get_evaluates_the_stored_document(notes):
    notes.rules(OWNER_RULES)
    a = notes.client("学生A")
    assert a.doc_get("notes", "a1").value["data"]["v"] == 1
    out = a.doc_get("notes", "b1")
    assert denied(out)
    decision = notes.decision()
    assert "is false for 学生A on document 'b1'" in decision.reason
    assert decision.values == [{"text": "doc._openid", "value": notes.ob},
                               {"text": "auth.openid", "value": notes.oa},
                               {"text": "doc._openid == auth.openid", "value": False}]
    missing = a.doc_get("notes", "nope")  # nothing to judge: the SDK's "cannot find document"
    assert missing.value["errCode"] == -1 and "cannot find document with _id nope" in missing.value["errMsg"]


def test_update_falls_back_to_write(notes):
    notes.rules({"read": True, "write": "doc._openid == auth.openid"})
    a = notes.client("学生A")
    assert a.doc_update("notes", "a1", {"v": 10}).value["stats"] == {"updated": 1}
    assert notes.decision().rule == {"name": "update", "key": "write", "text": "doc._openid == auth.openid"}
    assert denied(a.doc_update("notes", "b1", {"v": 10}))  # refused, not a silent updated: 0
    assert notes.stored("b1")["v"] == 2
    assert "the update rule (from write)" in notes.event().permission_reason


def test_specific_rules_win_over_write(notes):
    notes.rules({"read": True, "write": False, "update": "doc._openid == auth.openid"})
    a = notes.client("学生A")
    assert a.doc_update("notes", "a1", {"v": 11}).value["stats"] == {"updated": 1}
    assert denied(a.doc_remove("notes", "a1"))  # delete falls back to write: false
    assert notes.decision().rule == {"name": "delete", "key": "write", "text": "false"}
    assert notes.stored("a1") is not None


def test_an_operation_with_no_rule_is_denied(notes):
    notes.rules({"read": True})
    out = notes.client("学生A").add("notes", {"v": 4})
    assert denied(out)
    assert "no create or write rule" in notes.event().permission_reason
    assert notes.decision().rule == {"name": "create", "key": None, "text": None}


def test_delete_rule_on_the_stored_document(notes):
    notes.rules({"read": True, "write": False, "delete": "doc.v >= 2"})
    a = notes.client("学生A")
    assert denied(a.doc_remove("notes", "a1"))  # v is 1
    assert a.doc_remove("notes", "z1").value["stats"] == {"removed": 1}
    assert a.doc_remove("notes", "z1").value["stats"] == {"removed": 0}  # gone: nothing to judge


# -- create and update: request.data ------------------------------------------------------------

def test_create_rule_reads_request_data(notes):
    notes.rules({"read": True, "create": "request.data.v > 0 && request.data.v < 10"})
    a = notes.client("学生A")
    new_id = a.add("notes", {"v": 4}).raise_for_error()["_id"]
    assert notes.stored(new_id)["_openid"] == notes.oa
    assert denied(a.add("notes", {"v": 40}))
    assert {"text": "request.data.v", "value": 40} in notes.decision().values


def test_create_sees_the_stamped_openid(notes):
    """``doc`` of a create is the new document, _openid stamped: the owner rule lets users add."""
    notes.rules(OWNER_RULES)
    assert notes.client("学生A").add("notes", {"v": 5, "_openid": notes.ob}).ok  # a forged _openid is replaced
    assert denied(notes.client(None).add("notes", {"v": 5}))  # signed out: auth is null
    assert "auth is null (the caller is signed out)" in notes.event().permission_reason


def test_update_rule_reads_request_data(notes):
    notes.rules({"read": True, "update": "request.data.v != 9 && doc._openid == auth.openid"})
    a = notes.client("学生A")
    assert a.doc_update("notes", "a1", {"v": 8}).value["stats"] == {"updated": 1}
    assert denied(a.doc_update("notes", "a1", {"v": 9}))
    assert notes.stored("a1")["v"] == 8
    # The SDK's own encoding ($set on dot paths) reads the same.
    request = Request("database.modifyDocument", {
        "collectionName": "notes", "queryType": "DOC", "query": {"_id": "a1"}, "multi": False, "merge": True,
        "data": {"$set": {"v": 9}}}, notes.workspace.client_caller("学生A"))
    with pytest.raises(Exception, match="Permission denied"):
        notes.workspace.handle(request)


def test_set_creating_a_document_uses_the_create_rule(notes):
    notes.rules({"read": True, "create": "request.data.v == 1", "update": False})
    a = notes.client("学生A")
    assert a.doc_set("notes", "n1", {"v": 1}).value["stats"] == {"updated": 0, "created": 1}
    assert notes.stored("n1") == {"_id": "n1", "v": 1, "_openid": notes.oa}
    assert denied(a.doc_set("notes", "n2", {"v": 2}))
    assert denied(a.doc_set("notes", "a1", {"v": 1}))  # replacing: the update rule, false
    assert denied(a.doc_update("notes", "nope", {"v": 1}))  # a rule of false refuses even that
    notes.rules({"read": True, "update": "doc.v == 1"})
    assert a.doc_update("notes", "nope", {"v": 1}).value["stats"] == {"updated": 0}  # nothing to judge


def test_now_is_milliseconds_and_compares_with_dates(notes, clock):
    now = datetime.fromtimestamp(clock.now, timezone.utc)
    notes.admin.add("notes", [{"_id": "live", "until": clock.now * 1000 + 60_000},
                              {"_id": "old", "until": clock.now * 1000 - 1},
                              {"_id": "dated", "until": {"$date": (now + timedelta(days=1)).isoformat()}}])
    notes.rules({"read": "doc.until > now"})
    a = notes.client("学生A")
    assert a.doc_get("notes", "live").ok and a.doc_get("notes", "dated").ok
    assert denied(a.doc_get("notes", "old"))
    assert {"text": "now", "value": int(clock.now * 1000)} in notes.decision().values


def test_signed_out_auth_is_null(notes):
    notes.rules({"read": "auth == null", "write": "auth != null"})
    visitor, a = notes.client(None), notes.client("学生A")
    assert ids(visitor.get("notes")) == ["a1", "b1", "z1"]  # no doc in the rule: nothing to prove
    assert denied(a.get("notes"))
    assert "it is false for this caller" in notes.event().permission_reason
    assert denied(visitor.add("notes", {"v": 1}))
    assert a.add("notes", {"v": 1}).ok


# -- get() --------------------------------------------------------------------------------------

@pytest.fixture
def members(notes):
    notes.admin.create_collection("members").raise_for_error()
    teacher = notes.workspace.identity.persona("老师").openid
    notes.admin.add("members", [{"_id": teacher, "role": "teacher"}, {"_id": notes.oa, "role": "student"}])
    notes.admin.create_collection("rooms").raise_for_error()
    notes.admin.add("rooms", [{"_id": "r1", "open": True}, {"_id": "r2", "open": False}, {"_id": "r3", "open": True},
                              {"_id": "r4", "open": True}])
    notes.admin.add("notes", [{"_id": "in-r1", "room": "r1"}, {"_id": "in-r2", "room": "r2"}])
    return notes


def test_get_reads_another_document(members):
    members.rules({"read": "get(`database.members.${auth.openid}`).role == 'teacher'"})
    assert ids(members.client("老师").get("notes")) == ["a1", "b1", "in-r1", "in-r2", "z1"]
    assert denied(members.client("学生A").get("notes"))
    assert denied(members.client("学生B").get("notes"))  # no member document: get() is null
    assert "is null, so it has no field 'role'" in members.event().permission_reason


def test_get_with_a_doc_field_the_query_pins(members):
    members.rules({"read": "get(`database.rooms.${doc.room}`).open == true"})
    a = members.client("学生A")
    assert ids(a.get("notes", {"room": "r1"})) == ["in-r1"]
    assert denied(a.get("notes", {"room": "r2"}))
    assert denied(a.get("notes", {}))
    assert members.decision().missing["field"] == "room"
    assert a.doc_get("notes", "in-r1").ok and denied(a.doc_get("notes", "in-r2"))


def test_get_limits_at_evaluation(members):
    """At most 3 different get() per expression: a 4th path (an or() of four rooms) is refused."""
    members.rules({"read": "get(`database.rooms.${doc.room}`).open == true"})
    a = members.client("学生A")
    three = {"$or": [{"room": "r1"}, {"room": "r3"}, {"room": "r4"}]}
    assert a.get("notes", three).ok
    four = {"$or": [{"room": "r1"}, {"room": "r3"}, {"room": "r4"}, {"room": "r2"}]}
    assert denied(a.get("notes", four))
    assert "4th different get() in one expression" in members.event().permission_reason


def test_get_limits_when_set(notes):
    with pytest.raises(InputError, match="column 70: at most 3 different get"):
        notes.rules({"read": "get('database.a.1') && get('database.a.2') && get('database.a.3') && get('database.a.4')"})
    with pytest.raises(InputError, match="column 1: get\\(…\\) may be nested at most 2 deep"):
        notes.rules({"read": "get(get(get('database.a.b').c).d).e == 1"})
    notes.rules({"read": "get(get('database.a.b').c).e == 1 && get('database.a.b').f == 2"})  # depth 2, 2 distinct


# -- '{openid}' and client writes by query -------------------------------------------------------

def test_openid_placeholder_in_queries_and_doc_ids(notes):
    notes.admin.create_collection("profiles").raise_for_error()
    notes.admin.add("profiles", [{"_id": notes.oa, "name": "A"}, {"_id": notes.ob, "name": "B"}])
    notes.rules({"read": "doc._id == auth.openid", "write": "doc._id == auth.openid"}, "profiles")
    a = notes.client("学生A")
    assert a.doc_get("profiles", "{openid}").value["data"] == {"_id": notes.oa, "name": "A"}
    assert a.doc_update("profiles", "{openid}", {"name": "AA"}).value["stats"] == {"updated": 1}
    notes.rules(OWNER_RULES)
    assert ids(a.get("notes", {"_openid": {"$in": ["{openid}"]}})) == ["a1"]
    new_id = a.add("notes", {"note": "{openid}"}).raise_for_error()["_id"]
    assert notes.stored(new_id)["note"] == "{openid}"  # data is not a query: left as written


def test_rules_enable_client_where_update_and_remove(notes):
    notes.rules(OWNER_RULES)
    a = notes.client("学生A")
    assert a.update("notes", {"_openid": "{openid}"}, {"v": 7}).value == {
        "stats": {"updated": 1}, "errMsg": "collection.update:ok"}
    assert notes.stored("a1")["v"] == 7 and notes.stored("b1")["v"] == 2
    assert denied(a.update("notes", {}, {"v": 0}))  # the whole request, nothing written
    assert [notes.stored(i)["v"] for i in ("a1", "b1", "z1")] == [7, 2, 3]
    assert notes.decision().missing["condition"] == "_openid: '{openid}'"
    assert denied(a.remove("notes", {"v": 2}))
    assert a.remove("notes", {"_openid": "{openid}"}).value["stats"] == {"removed": 1}
    assert notes.stored("a1") is None and notes.stored("b1") is not None


def test_query_writes_are_proven_with_request_data(notes):
    notes.rules({"read": True, "update": "doc._openid == auth.openid && request.data.v < 100"})
    a = notes.client("学生A")
    assert a.update("notes", {"_openid": "{openid}"}, {"v": 50}).ok
    assert denied(a.update("notes", {"_openid": "{openid}"}, {"v": 500}))


# -- setting rules ------------------------------------------------------------------------------

def test_malformed_rules_are_refused_with_the_column_and_the_previous_rules_stay(notes):
    notes.rules(OWNER_RULES)
    with pytest.raises(InputError) as caught:
        notes.rules({"read": "doc._openid == auth.openid &&", "write": True})
    message = str(caught.value)
    assert message.startswith('The "read" rule, line 1, column 30: expected a value after \'&&\', found the end')
    assert message.endswith("    doc._openid == auth.openid &&\n                                 ^")
    assert notes.workspace.state.db_rules("notes") == OWNER_RULES
    assert ids(notes.client("学生A").get("notes", {"_openid": "{openid}"})) == ["a1"]
    assert denied(notes.client("学生A").get("notes"))


@pytest.mark.parametrize("rules, words", [
    ({"raed": True}, 'Unknown key "raed"'),
    ({"read": 1}, 'The "read" rule must be true, false or an expression string, not a number'),
    ({"read": "x" * 1025}, "at most 1024 characters; this one has 1025"),
    (["read"], "must be a JSON object"),
    ({"write": "doc.a = 1"}, 'The "write" rule, line 1, column 7: unexpected \'=\': use == to compare'),
    ({"read": "doc.a == 1\n&& doc.b === 2"}, 'The "read" rule, line 2, column 10: ===: use =='),
    ({"create": "auth.openid in"}, 'The "create" rule, line 1, column 15: expected a value after \'in\''),
    ({"read": "me.openid == auth.openid"}, "column 1: unknown name 'me'"),
])
def test_rules_validation(notes, rules, words):
    notes.rules({"read": True})
    with pytest.raises(InputError, match=None) as caught:
        notes.rules(rules)
    assert words in str(caught.value)
    assert notes.workspace.state.db_rules("notes") == {"read": True}


def test_rules_persist_switch_back_and_are_forgotten_with_the_collection(notes, tmp_path, clock):
    from app.core.workspace import Workspace
    from app.paths import demo_project

    notes.rules(OWNER_RULES)
    notes.rules(None, mode="READONLY")  # the rules are kept for later
    assert ids(notes.client("学生A").get("notes")) == ["a1", "b1", "z1"]
    assert notes.rules(None)["rules"] == OWNER_RULES  # CUSTOM again, with the saved rules
    saved = json.loads(notes.workspace.state.path.read_text(encoding="utf-8"))
    assert saved["database_rules"]["notes"] == OWNER_RULES and saved["database_permissions"]["notes"] == "CUSTOM"
    notes.workspace.close()
    again = Workspace.open(tmp_path / "data", demo_project(), clock=clock)
    try:
        a = SdkDatabase(again.handle, again.client_caller("学生A"))
        assert denied(a.get("notes"))
        again.handle(Request("database.deleteCollection", {"collectionName": "notes"}, Caller.console()))
        assert again.state.db_rules("notes") is None and again.state.db_mode("notes") == "PRIVATE"
    finally:
        again.close()
    notes.workspace.close = lambda: None  # closed above; the fixture's teardown must not close twice


def test_rules_go_with_custom_only(notes):
    with pytest.raises(InputError, match="go with the mode CUSTOM"):
        notes.rules(OWNER_RULES, mode="READONLY")
    with pytest.raises(Exception, match="must be one of READONLY, PRIVATE, ADMINWRITE, ADMINONLY, CUSTOM"):
        notes.rules(None, mode="OPEN")


# -- the decision in the event log -------------------------------------------------------------

def test_decisions_are_structured_json_and_survive_events_jsonl(notes):
    notes.rules(OWNER_RULES)
    notes.client("学生A").get("notes")
    notes.client("学生A").get("notes", {"_openid": "{openid}"})
    notes.rules(None, mode="PRIVATE")
    notes.client("学生A").get("notes")
    lines = (notes.workspace.data_dir / "events.jsonl").read_text(encoding="utf-8").splitlines()
    logged = [Event(**json.loads(line)) for line in lines]
    reads = [e for e in logged if e.action == "database.getDocument" and e.caller_kind == "client"]
    refused, allowed, private = reads[-3:]
    assert refused.decision.missing["field"] == "_openid" and not refused.decision.allowed
    assert allowed.decision.allowed and allowed.decision.rule["text"] == "doc._openid == auth.openid"
    assert {"text": "doc._openid", "value": notes.oa, "source": "query"} in allowed.decision.values
    assert (private.decision.kind, private.decision.mode) == ("mode", "PRIVATE")
    assert private.permission_reason.startswith("notes is PRIVATE")  # today's words, unchanged
    for event in (refused, allowed, private):
        json.dumps(event.permission)  # plain JSON: no default= needed


def test_view_as_under_rules_explains_each_document(notes):
    notes.rules(OWNER_RULES)
    request = Request("database.runQuery", {"collectionName": "notes", "viewer": {"persona": "学生A"},
                                            "where": "{_openid: '{openid}'}"}, Caller.console())
    answer = notes.workspace.handle(request)
    assert [d["_id"] for d in answer["documents"]] == ["a1"] and answer["answer"]["ok"]
    everything = notes.workspace.handle(Request("database.runQuery", {
        "collectionName": "notes", "viewer": {"persona": "学生A"}}, Caller.console()))
    assert everything["answer"]["errCode"] == -502003
    hidden = dict(zip([d["_id"] for d in everything["documents"]], everything["hidden"]))
    assert hidden["a1"] is None and "is false for 学生A on document 'b1'" in hidden["b1"]
