"""The query-subset rule (spec §4.2): which queries a rule admits, and what a refusal asks for.

Every case is a mini program's ``where(…).get()`` as 学生A, through the request path; a
refusal is the whole request (-502003), with the condition to add in the decision.
"""

from __future__ import annotations

import pytest

from .conftest import denied

OWNER = "doc._openid == auth.openid"
OPEN = {"$in": ["open", "draft"]}


@pytest.fixture
def tasks(notes):
    notes.admin.create_collection("tasks").raise_for_error()
    notes.admin.add("tasks", [
        {"_id": "t1", "_openid": notes.oa, "status": "open", "v": 3, "public": True, "done": False},
        {"_id": "t2", "_openid": notes.ob, "status": "secret", "v": 1, "public": False, "done": True},
        {"_id": "t3", "status": "draft", "v": 5, "public": True, "done": False, "style": {"color": "red"}},
    ]).raise_for_error()
    return notes


# (rule, query, the condition a refusal asks to add — None when the query is admitted)
CASES = [
    # == with auth.openid, and '{openid}' in every place a value goes
    (OWNER, {"_openid": "{openid}"}, None),
    (OWNER, {"_openid": {"$eq": "{openid}"}}, None),
    (OWNER, {"_openid": {"$in": ["{openid}"]}}, None),
    (OWNER, {"_openid": {"$in": ["{openid}", "oOther"]}}, "_openid: '{openid}'"),
    (OWNER, {"status": "open"}, "_openid: '{openid}'"),
    ("auth.openid == doc._openid", {"_openid": "{openid}"}, None),  # either side
    # == with constants; nested fields, by dot path or a pinned object
    ("doc.status == 'open'", {"status": "open"}, None),
    ("doc.status == 'open'", {"status": "draft"}, "status: 'open'"),
    ("doc.style.color == 'red'", {"style.color": "red"}, None),
    ("doc['style']['color'] == 'red'", {"style": {"color": "red"}}, None),
    # !=
    ("doc.status != 'secret'", {"status": "open"}, None),
    ("doc.status != 'secret'", {"status": {"$ne": "secret"}}, None),
    ("doc.status != 'secret'", {"status": {"$nin": ["secret", "x"]}}, None),
    ("doc.status != 'secret'", {"status": {"$in": ["open", "draft"]}}, None),
    ("doc.status != 'secret'", {}, "status: _.neq('secret')"),
    # in
    ("doc.status in ['open', 'draft']", {"status": "open"}, None),
    ("doc.status in ['open', 'draft']", {"status": {"$in": ["draft"]}}, None),
    ("doc.status in ['open', 'draft']", {"status": {"$in": ["open", "secret"]}}, "status: _.in(['open', 'draft'])"),
    ("!(doc.status in ['secret'])", {"status": {"$nin": ["secret"]}}, None),
    ("auth.openid in ['nobody']", {"status": "open"}, "FALSE"),  # no doc: evaluated for the caller
    # > >= < <=
    ("doc.v > 2", {"v": {"$gt": 2}}, None),
    ("doc.v > 2", {"v": {"$gte": 2}}, "v: _.gt(2)"),
    ("doc.v >= 2", {"v": {"$gte": 2}}, None),
    ("doc.v >= 2", {"v": {"$gt": 1, "$lt": 9}}, "v: _.gte(2)"),
    ("doc.v < 4", {"v": {"$lte": 3}}, None),
    ("doc.v <= 3", {"v": {"$lt": 3}}, None),
    ("doc.v <= 3", {"v": 3}, None),
    ("2 < doc.v", {"v": {"$gt": 4}}, None),  # a value on the left
    # && || !
    (f"{OWNER} && doc.done == false", {"_openid": "{openid}", "done": False}, None),
    (f"{OWNER} && doc.done == false", {"_openid": "{openid}"}, "done: false"),
    (f"doc.public == true || {OWNER}", {"public": True}, None),
    (f"doc.public == true || {OWNER}", {"_openid": "{openid}"}, None),
    (f"doc.public == true || {OWNER}", {"v": 3}, "public: true"),
    ("!(doc.status == 'secret')", {"status": "open"}, None),
    ("!(doc.status == 'secret' || doc.v > 4)", {"status": "open", "v": {"$lte": 4}}, None),
    ("!(doc.status == 'secret' || doc.v > 4)", {"status": "open"}, "v: _.lte(4)"),
    ("doc.public", {"public": True}, None),  # a field as a condition
    ("!doc.done", {"done": False}, None),
    # the query's own or(): every case must be proven
    (f"doc.public == true || {OWNER}", {"$or": [{"public": True}, {"_openid": "{openid}"}]}, None),
    (OWNER, {"$or": [{"_openid": "{openid}"}, {"public": True}]}, "_openid: '{openid}'"),
    ("doc.status in ['open', 'draft']", {"status": {"$or": [{"$eq": "open"}, {"$eq": "draft"}]}}, None),
    ("doc.v > 0", {"$and": [{"v": {"$gt": 1}}, {"status": "open"}]}, None),
    # constants
    ("true", {}, None),
    ("false", {"_openid": "{openid}"}, "FALSE"),
    # contradictory conditions match nothing, so nothing to refuse
    (OWNER, {"_openid": "x", "$and": [{"_openid": "y"}]}, None),
    # what the prover does not prove: two doc fields, a regex condition
    ("doc.v == doc.w", {}, "UNPROVEN"),
    ("doc.v == doc.w", {"v": 1}, "w: 1"),  # with v pinned, pinning w too would prove it
    ("doc.v == doc.w", {"v": 1, "w": 1}, None),
    ("doc.status == 'open'", {"status": {"$regex": "^op"}}, "status: 'open'"),
]


@pytest.mark.parametrize("rule, query, missing", CASES, ids=[f"{r} | {q}" for r, q, _ in CASES])
def test_query_subset(tasks, rule, query, missing):
    tasks.rules({"read": rule}, "tasks")
    out = tasks.client("学生A").get("tasks", query)
    decision = tasks.decision()
    if missing is None:
        assert out.ok, decision.reason
        assert decision.allowed and ("holds for every document your query can return" in decision.reason
                                     or "the read rule is true" in decision.reason)
        return
    assert denied(out), out.value
    assert not decision.allowed and decision.kind == "rule"
    if missing == "FALSE":
        assert decision.missing is None and ("false" in decision.reason)
    elif missing == "UNPROVEN":
        assert "wxsim proves a rule for a query only where it compares a doc field with a value" in decision.reason
    else:
        assert decision.missing["condition"] == missing, decision.reason
        assert missing in decision.reason


def test_a_refusal_with_a_condition_that_falls_short_says_use(tasks):
    tasks.rules({"read": OWNER}, "tasks")
    tasks.client("学生A").get("tasks", {"_openid": {"$in": ["{openid}", "x"]}})
    assert tasks.decision().reason.endswith(
        f"your query's condition on _openid ({{\"$in\": [\"{tasks.oa}\", \"x\"]}}) does not ensure it; "
        "use _openid: '{openid}'")


def test_too_many_or_cases_are_refused_with_a_reason(tasks):
    tasks.rules({"read": "doc.v >= 0"}, "tasks")
    wide = {"$and": [{"$or": [{"v": i}, {"v": i + 100}]} for i in range(7)]}  # 2**7 = 128 cases
    assert denied(tasks.client("学生A").get("tasks", wide))
    assert "more than 64 cases" in tasks.decision().reason


def test_an_unpinned_field_inside_get_names_it(tasks):
    tasks.rules({"read": "get(`database.rooms.${doc.room}`).open == true"}, "tasks")
    assert denied(tasks.client("学生A").get("tasks", {"status": "open"}))
    assert tasks.decision().missing == {"field": "room", "condition": "room: …",
                                        "needs": "get(`database.rooms.${doc.room}`).open == true"}
