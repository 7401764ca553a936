"""``database.runQuery`` and ``database.parseDocument``: the database pane's two console actions.

On the bundled demo (todos PRIVATE, messages READONLY, notices CUSTOM, grades ADMINONLY):
each viewer's answer is what its mini program (or a cloud function) gets, errMsg included; the
console lists every match with the reason the viewer cannot see it; the viewer's get() is a
real request nested under the action in the event log.
"""

from __future__ import annotations

import pytest

from app.core.database import console_query
from app.core.errors import CloudError, InputError
from app.core.reasons import Reason
from app.core.requests import Caller, Request

A, B = {"persona": "学生A"}, {"persona": "学生B"}
SIGNED_OUT = {"persona": None}
PRIVATE_REASON = "todos is PRIVATE (仅创建者及管理员可读写): 学生A sees only the documents they created"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from app.core.workspace import Workspace
    from app.paths import demo_project, resource

    workspace = Workspace.open(tmp_path_factory.mktemp("demo"), demo_project(), demo_data=resource("demo-data"))
    yield workspace
    workspace.close()


def run(workspace, collection: str = "todos", caller: Caller | None = None, **params) -> dict:
    request = Request("database.runQuery", {"collectionName": collection, **params}, caller or Caller.console())
    return workspace.handle(request)


def ids(result: dict) -> list:
    return [doc["_id"] for doc in result["documents"]]


def test_the_console_view(demo):
    """No viewer: the admin console's view, through wx-server-sdk (limit 100), nothing hidden."""
    result = run(demo, where="{done: false, progress: _.gt(5)}", orderBy="orderBy('progress', 'desc')")
    assert ids(result) == ["todo-t1", "todo-b1", "todo-a2", "todo-a3"]
    assert result["answer"] == {"ok": True, "errMsg": "collection.get:ok", "count": 4}
    assert result["hidden"] == [None] * 4 and result["total"] == 4
    assert result["wire"] == {
        "collectionName": "todos", "queryType": "WHERE", "limit": 100,
        "query": '{"done":false,"progress":{"$gt":{"$numberInt":"5"}}}',
        "order": '{"progress":{"$numberInt":"-1"}}',
    }


def test_a_persona_sees_only_her_own_private_documents(demo):
    """PRIVATE: 学生A's mini program gets her two; the console lists four, two struck through."""
    result = run(demo, where="{done: false}", viewer=A)
    assert result["answer"] == {"ok": True, "errMsg": "collection.get:ok", "count": 2}
    assert ids(result) == ["todo-a2", "todo-a3", "todo-b1", "todo-t1"]
    assert result["hidden"] == [None, None, f"学生A cannot see this document: {PRIVATE_REASON}",
                                f"学生A cannot see this document: {PRIVATE_REASON}"]
    assert result["wire"]["limit"] == 20  # the mini program's own limit


def test_signed_out_sees_nothing_private(demo):
    result = run(demo, viewer=SIGNED_OUT)
    assert result["answer"] == {"ok": True, "errMsg": "collection.get:ok", "count": 0}
    assert len(result["hidden"]) == 6 and all(r.startswith("A signed-out visitor cannot see this document: todos is PRIVATE")
                                             for r in result["hidden"])


def test_adminonly_answer_is_the_real_error(demo):
    """ADMINONLY: the mini program's errMsg, exactly; every document hidden, with the reason."""
    result = run(demo, "grades", viewer=B)
    assert result["answer"] == {
        "ok": False, "errCode": -502003,
        "errMsg": "collection.get:fail -502003 database permission denied | errMsg: Permission denied",
    }
    assert len(result["documents"]) == 2
    assert all("ADMINONLY" in reason and "neither read nor write" in reason for reason in result["hidden"])


def test_readable_modes_hide_nothing(demo):
    result = run(demo, "messages", viewer=A)
    assert result["answer"]["count"] == 3 and result["hidden"] == [None] * 3


def test_security_rules_refuse_a_query_that_does_not_prove_the_rule(demo):
    """CUSTOM notices: 学生A's bare get() is refused whole; the listing marks the draft she
    cannot read; with published: true her answer has the published two."""
    refused = run(demo, "notices", viewer=A)
    assert refused["answer"]["errCode"] == -502003 and ids(refused) == ["notice-1", "notice-2", "notice-3"]
    assert refused["hidden"][:2] == [None, None] and "is false for 学生A on document 'notice-3'" in refused["hidden"][2]
    allowed = run(demo, "notices", where="{published: true}", viewer=A)
    assert allowed["answer"] == {"ok": True, "errMsg": "collection.get:ok", "count": 2}
    assert ids(allowed) == ["notice-1", "notice-2"] and allowed["hidden"] == [None, None]


def test_missing_collection_is_the_sdks_error(demo):
    """The viewer hears the SDK's errMsg; the console's own listing fails with the same code."""
    with pytest.raises(CloudError) as caught:
        run(demo, "nosuch", viewer=A)
    assert caught.value.code == -502005


def test_the_viewers_get_nests_under_the_action(demo):
    """One request per viewer, in the timeline under the console's: who, what, outcome."""
    before = len(demo.events.recent())
    run(demo, "grades", viewer=B)
    run(demo, "todos")
    get_b, query_b, get_admin, query_admin = demo.events.recent()[before:]
    assert (query_b.action, query_b.caller_kind, query_b.target) == ("database.runQuery", "console", "grades")
    assert (get_b.action, get_b.caller_kind, get_b.persona, get_b.outcome) == (
        "database.getDocument", "client", "学生B", "denied")
    assert get_b.parent_id == query_b.id and get_b.permission_allowed is False
    assert (get_admin.action, get_admin.caller_kind, get_admin.outcome) == ("database.getDocument", "console", "ok")
    assert get_admin.parent_id == query_admin.id


def test_answer_false_lists_without_sending(demo):
    """The pane's quiet refresh after writes elsewhere: the listing, no get(), no answer."""
    before = len(demo.events.recent())
    result = run(demo, viewer=A, answer=False)
    assert result["answer"] is None and result["hidden"].count(None) == 3
    assert [e.action for e in demo.events.recent()[before:]] == ["database.runQuery"]


def test_the_console_lists_past_the_viewers_limit(demo):
    """The mini program gets at most 20; the console lists every match (or the limit box's)."""
    demo.handle(Request("database.addCollection", {"collectionName": "many"}, Caller.console()))
    demo.database.import_documents("many", [{"_id": i} for i in range(45)], upsert=False, atomic=True)
    demo.handle(Request("database.setPermission", {"collectionName": "many", "mode": "READONLY"}, Caller.console()))
    result = run(demo, "many", viewer=A)
    assert result["answer"]["count"] == 20 and len(result["documents"]) == 45 and result["total"] == 45
    page = run(demo, "many", skip=40, limit=10)
    assert ids(page) == [40, 41, 42, 43, 44] and page["total"] == 45 and page["wire"]["offset"] == 40


def test_viewer_param(demo):
    with pytest.raises(InputError):
        run(demo, viewer={"persona": "nobody"})
    with pytest.raises(CloudError, match="viewer must be null or"):
        run(demo, viewer="学生A")


def test_only_the_console_may_ask(demo):
    """Simulator-only: a cloud function or a mini program cannot run the console's code."""
    for caller in (Caller.admin("scf"), demo.client_caller("学生A")):
        with pytest.raises(CloudError) as caught:
            run(demo, caller=caller)
        assert caught.value.code == -601004
        with pytest.raises(CloudError):
            demo.handle(Request("database.parseDocument", {"text": "{a: 1}"}, caller))


def test_one_module_in_the_data_folder_stays_warm(demo):
    """The texts travel in the event: the module's file never changes, so its worker is reused."""
    entry = demo.data_dir / console_query.CONSOLE_DIR / console_query.ENTRY
    run(demo, where="{done: true}")
    stamp = entry.stat().st_mtime_ns
    run(demo, where="{done: false}", viewer=A)
    assert entry.stat().st_mtime_ns == stamp and entry.read_text(encoding="utf-8") == console_query.ENTRY_TEXT


def parse(workspace, text: str) -> dict:
    return workspace.handle(Request("database.parseDocument", {"text": text}, Caller.console()))["document"]


def test_documents_are_plain_data(demo):
    """The editor's text as add()/set() data: JSON or a JS object, dates and server dates."""
    assert parse(demo, "{title: '学习', done: false, at: db.serverDate(), tags: ['a'], "
                       "style: {color: 'red'}, n: undefined}") == {
        "title": "学习", "done": False, "at": {"$tcb_server_date": {"offset": 0}},
        "tags": ["a"], "style": {"color": "red"}}
    assert parse(demo, "{_id: 'mine', when: new Date(0)}") == {
        "_id": "mine", "when": {"$date": "1970-01-01T00:00:00.000Z"}}
    # The JSON editor shows dates as Extended JSON; they come back as dates.
    assert parse(demo, '{"at": {"$date": "2024-01-01T00:00:00.000Z"}, "n": {"$numberLong": "7"}}') == {
        "at": {"$date": "2024-01-01T00:00:00.000Z"}, "n": 7}
    assert parse(demo, "{a: 1, 'b c': 2, \"d\": 3, 4: 4, in: 5, new: 6,}") == {
        "4": 4, "a": 1, "b c": 2, "d": 3, "in": 5, "new": 6}
    assert parse(demo, "{a: 1, b: 2, a: 3}") == {"a": 3, "b": 2}
    assert parse(demo, "{r: /x/i, g: db.Geo.Point(1, 2)}") == {
        "r": {"$regularExpression": {"pattern": "x", "options": "i"}}, "g": {"type": "Point", "coordinates": [1, 2]}}


DOCUMENT_ERRORS = [
    ("", "Type the document, e.g. {title: 'Learn cloud', done: false}"),
    ("// nothing", "Type the document"),
    ("'x'", "parameter.data should be object instead of string"),
    ("[1]", "parameter.data should be object instead of array"),
    ("{a: 1, b: {c: _.inc(1)}}", "a document holds values, not update commands such as _.inc()"),
    ("{title: 'x',", "Line 1, column 13: SyntaxError: Unexpected end of input"),
    ("{\n  title: 'x'\n  done: false\n}", "Line 3, column 3: SyntaxError: Unexpected identifier 'done'"),
    ("{a: x}", "Line 1, column 5: ReferenceError: x is not defined"),
    ("{_id: 'nan1', score: NaN, top: Infinity}",
     "The document: nan is not a JSON number; use null or a finite number (at score)"),
]


@pytest.mark.parametrize(("text", "message"), DOCUMENT_ERRORS)
def test_document_errors(demo, text, message):
    """Refused with where it is wrong; nothing is stored (the action only reads)."""
    with pytest.raises(InputError) as caught:
        parse(demo, text)
    assert str(caught.value).startswith(message)


def test_a_box_that_loops_forever_times_out(workspace, monkeypatch):
    """The worker is stopped at the time limit; the next query gets a fresh one."""
    monkeypatch.setattr(console_query, "TIMEOUT_S", 1.0)
    workspace.handle(Request("database.addCollection", {"collectionName": "c"}, Caller.console()))
    with pytest.raises(InputError, match="did not finish within 1 seconds"):
        run(workspace, "c", where="{a: (() => { for (;;) {} })()}")
    assert run(workspace, "c", where="{a: 1}")["answer"]["ok"]


def test_hidden_reasons_and_the_refusal_come_structured(demo):
    """Beside the English ``hidden`` texts, each reason as a Reason's dict (the app says it in
    the person's language); a refused answer's reason too: the verdict's, not only the code's."""
    result = run(demo, where="{done: false}", viewer=A)
    assert result["hiddenReasons"][:2] == [None, None] and result["reason"] is None
    why = Reason.from_dict(result["hiddenReasons"][2])
    assert why.id == "database.view_as_hidden" and why.text == result["hidden"][2]
    assert why.params["why"].id == "database.mode_reads_own"
    refused = run(demo, "grades", viewer=B)
    reason = Reason.from_dict(refused["reason"])
    assert reason.id == "database.mode_no_access"
    assert reason.text == "grades is ADMINONLY (仅管理员可读写): mini program users can neither read nor write it"
    assert [Reason.from_dict(r).text for r in refused["hiddenReasons"]] == refused["hidden"]


def test_an_aggregate_refusal_gives_its_reason(demo):
    result = demo.handle(Request("database.runAggregate", {
        "collectionName": "grades", "pipeline": ".count('n')", "viewer": B}, Caller.console()))
    assert not result["answer"]["ok"] and Reason.from_dict(result["reason"]).id == "database.mode_no_access"
    ok = demo.handle(Request("database.runAggregate", {"collectionName": "todos", "pipeline": ""}, Caller.console()))
    assert ok["answer"]["ok"] and ok["reason"] is None
