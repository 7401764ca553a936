"""Explaining a mini program's database request: the hidden count of an empty PRIVATE read, the
client console's explained requests, and ``database.rerun`` (as someone else, under what-if
rules, writes as dry runs) on the bundled demo."""

from __future__ import annotations

import json
import threading

import pytest

from app.core.errors import InputError
from app.core.requests import Caller, Request
from tests.support.database_sdk import SdkDatabase

CONSOLE = Caller.console()
NOTICE_RULES = {"read": "doc.published == true || doc._openid == auth.openid", "write": "doc._openid == auth.openid"}


@pytest.fixture
def demo(tmp_path):
    from app.core.workspace import Workspace
    from app.paths import demo_project, resource

    workspace = Workspace.open(tmp_path / "data", demo_project(), demo_data=resource("demo-data"))
    yield workspace
    workspace.close()


def client(workspace, persona: str | None) -> SdkDatabase:
    return SdkDatabase(workspace.handle, workspace.client_caller(persona))


def last(workspace, action: str):
    return next(e for e in reversed(workspace.events.recent()) if e.action == action)


def rerun(workspace, event, **params) -> dict:
    return workspace.handle(Request("database.rerun", {"eventId": event.id, **params}, CONSOLE))


# -- the hidden count --------------------------------------------------------------------------


def test_an_empty_private_read_says_how_many_matching_documents_others_created(demo):
    """学生B's todos tagged db: none of theirs, 学生A's todo-a2 matches."""
    assert client(demo, "学生B").get("todos", {"tags": "db"}).value["data"] == []
    event = last(demo, "database.getDocument")
    assert event.permission["hidden"] == 1
    assert event.permission_reason == (
        "todos is PRIVATE (仅创建者及管理员可读写): 学生B sees only the documents they created — "
        "0 document(s); 1 matching document(s) were created by others")
    assert event.permission["why"]["params"]["outcome"] == {
        "id": "database.outcome_documents_hidden",
        "template": "{n} document(s); {hidden} matching document(s) were created by others",
        "params": {"n": 0, "hidden": 1}}


def test_an_empty_count_says_it_too_and_a_signed_out_visitor_sees_every_match_hidden(demo):
    assert client(demo, None).count("todos", {"done": False}).value["total"] == 0
    event = last(demo, "database.calculateDocument")
    assert event.permission["hidden"] == 4
    assert event.permission_reason.endswith("— total 0; 4 matching document(s) were created by others")


def test_reads_that_found_something_or_were_not_limited_keep_their_words(demo):
    """The count is made only for an empty owner-limited read: other reasons stay as they were."""
    assert len(client(demo, "学生B").get("todos", {"done": False}).value["data"]) == 1
    event = last(demo, "database.getDocument")
    assert "hidden" not in event.permission
    assert event.permission_reason.endswith("sees only the documents they created — 1 document(s)")
    assert client(demo, "学生B").get("messages", {"likes": 1000}).value["data"] == []  # READONLY: not limited
    event = last(demo, "database.getDocument")
    assert "hidden" not in event.permission and event.permission_reason.endswith("— 0 document(s)")
    assert client(demo, "学生B").get("todos", {"tags": "nothing-has-this"}).value["data"] == []
    event = last(demo, "database.getDocument")
    assert "hidden" not in event.permission and event.permission_reason.endswith("— 0 document(s)")


# -- the client console's explained requests ---------------------------------------------------


def run_snippet(workspace, code: str, persona: str | None) -> dict:
    return workspace.handle(Request("client.runSnippet", {"code": code, "persona": persona}, CONSOLE))


def test_a_snippet_s_answer_explains_its_denied_and_empty_requests(demo):
    code = """const db = wx.cloud.database()
let refused
try { await db.collection('notices').get() } catch (e) { refused = e.errMsg }
const mine = await db.collection('todos').where({tags: 'db'}).get()
const published = await db.collection('notices').where({published: true}).get()
return {refused, mine: mine.data.length, published: published.data.length}"""
    answer = run_snippet(demo, code, "学生B")
    assert answer["ok"] and answer["value"]["published"] == 2
    run = last(demo, "client.runSnippet")
    assert answer["eventId"] == run.id
    explained = answer["explained"]
    assert [(e["action"], e["collection"], e["outcome"], e["empty"]) for e in explained] == [
        ("database.getDocument", "notices", "denied", False),
        ("database.getDocument", "todos", "ok", True),
    ]  # the published notices answered: nothing to explain
    notices, todos = explained
    assert notices["permission"]["missing"]["condition"] == "published: true"
    assert notices["permission"]["why"]["id"] == "database.rule_not_proven"
    assert notices["errorCode"] == -502003
    assert todos["permission"]["hidden"] == 1
    assert all(demo_event.parent_id == run.id for demo_event in demo.events.recent()
               if demo_event.id in {notices["eventId"], todos["eventId"]})


def test_a_write_that_reached_nothing_is_explained_too(demo):
    """READONLY: the cloud answers 学生B's update of 学生A's message with "0 updated", no refusal."""
    code = "return await wx.cloud.database().collection('messages').doc('msg-1').update({data: {likes: 99}})"
    answer = run_snippet(demo, code, "学生B")
    assert answer["ok"] and answer["value"]["stats"]["updated"] == 0
    [write] = answer["explained"]
    assert (write["action"], write["collection"], write["outcome"], write["empty"]) == (
        "database.modifyDocument", "messages", "ok", True)
    assert write["permission"]["mode"] == "READONLY"
    mine = run_snippet(demo, "return await wx.cloud.database().collection('messages').doc('msg-2')"
                             ".update({data: {likes: 6}})", "学生B")
    assert mine["value"]["stats"]["updated"] == 1 and mine["explained"] == []


def test_a_snippet_with_nothing_to_explain_says_nothing(demo):
    answer = run_snippet(demo, "await wx.cloud.database().collection('todos').get()", "学生A")
    assert answer["ok"] and answer["explained"] == []


# -- re-run as someone else ---------------------------------------------------------------------


def refused_notices(demo, persona: str = "学生B"):
    client(demo, persona).get("notices")
    event = last(demo, "database.getDocument")
    assert event.outcome == "denied"
    return event


def test_rerun_as_admin_gets_what_the_query_matches(demo):
    original = refused_notices(demo)
    answer = rerun(demo, original, **{"as": {"admin": True}})
    assert answer["outcome"] == "ok" and answer["caller"]["kind"] == "admin"
    assert [d["_id"] for d in answer["result"]["list"]] == ["notice-1", "notice-2", "notice-3"]
    assert answer["permission"]["allowed"] and answer["permission"]["kind"] == "admin"
    assert answer["original"] == {"eventId": original.id, "action": "database.getDocument", "target": "notices",
                                  "persona": "学生B", "openid": original.openid, "outcome": "denied"}
    assert answer["dryRun"] is False and answer["wouldTouch"] is None


def test_rerun_as_another_persona_is_judged_for_that_persona(demo):
    client(demo, "学生B").get("todos", {"tags": "class"})  # 老师's todo-t1 only
    original = last(demo, "database.getDocument")
    assert original.permission["hidden"] == 1
    answer = rerun(demo, original, **{"as": {"persona": "老师"}})
    assert answer["outcome"] == "ok" and answer["caller"]["persona"] == "老师"
    assert [d["_id"] for d in answer["result"]["list"]] == ["todo-t1"]
    assert answer["permission"]["why"]["params"]["why"]["params"]["who"] == "老师"
    signed_out = rerun(demo, original, **{"as": {"persona": None}})
    assert signed_out["caller"] == {"kind": "client", "persona": None, "openid": None}
    assert signed_out["result"]["list"] == [] and signed_out["permission"]["hidden"] == 1


def test_a_rerun_is_one_console_request_in_the_timeline_with_the_original_in_its_params(demo):
    original = refused_notices(demo)
    before = len(demo.events.recent())
    rerun(demo, original, **{"as": {"persona": "老师"}})
    events = demo.events.recent()[before:]
    assert [e.action for e in events] == ["database.rerun"]
    (event,) = events
    assert event.caller_kind == "console" and event.params["eventId"] == original.id
    assert event.target == "notices" and event.outcome == "denied"  # 老师's bare get() proves nothing either
    assert event.permission["missing"]["condition"] == "published: true"


def test_the_original_user_is_kept_when_only_the_rules_change(demo):
    original = refused_notices(demo)
    answer = rerun(demo, original, rules={"read": "doc.published == true", "write": False})
    assert answer["caller"]["persona"] == "学生B" and answer["caller"]["openid"] == original.openid


# -- what if the rules were … ---------------------------------------------------------------------


def test_what_if_rules_that_allow_answer_without_saving_anything(demo):
    original = refused_notices(demo)
    answer = rerun(demo, original, rules='{\n  "read": true,\n  "write": false\n}')
    assert answer["outcome"] == "ok" and len(answer["result"]["list"]) == 3
    assert answer["rules"] == {"read": True, "write": False}
    assert answer["permission"]["why"]["params"]["why"]["id"] == "database.rule_always"
    assert demo.state.db_rules("notices") == NOTICE_RULES and demo.state.db_mode("notices") == "CUSTOM"
    client(demo, "学生B").get("notices")
    assert last(demo, "database.getDocument").outcome == "denied"  # the saved rules still judge


def test_what_if_rules_that_refuse_say_why(demo):
    client(demo, "学生A").get("messages")  # READONLY: everyone reads
    original = last(demo, "database.getDocument")
    assert original.outcome == "ok"
    answer = rerun(demo, original, rules={"read": "doc._openid == auth.openid", "write": False})
    assert answer["outcome"] == "denied" and answer["result"] is None
    assert answer["error"]["code"] == -502003
    assert answer["permission"]["missing"]["condition"] == "_openid: '{openid}'"
    assert demo.state.db_mode("messages") == "READONLY" and demo.state.db_rules("messages") is None


def test_what_if_rules_for_a_simple_mode_collection_judge_it_as_custom_for_that_request_only(demo):
    client(demo, "学生B").get("grades")  # ADMINONLY
    original = last(demo, "database.getDocument")
    assert original.outcome == "denied"
    answer = rerun(demo, original, rules={"read": True, "write": False})
    assert answer["outcome"] == "ok" and len(answer["result"]["list"]) == 2
    assert demo.state.db_mode("grades") == "ADMINONLY"


def test_malformed_what_if_rules_are_refused_at_their_line_and_column(demo):
    original = refused_notices(demo)
    before = len(demo.events.recent())
    with pytest.raises(InputError) as refused:
        rerun(demo, original, rules='{\n  "read": "doc.published ==",\n  "write": false\n}')
    why = refused.value.reason
    assert why.id == "rules.check_syntax" and (why.params["line"], why.params["column"]) == (2, 28)
    assert str(refused.value).startswith('Line 2, column 28, in the "read" rule')
    with pytest.raises(InputError) as broken:
        rerun(demo, original, rules='{\n  "read": true,\n  "write" false\n}')
    assert broken.value.reason.params["where"].params == {"line": 3, "column": 11}  # JSON's own mistake
    assert [e.outcome for e in demo.events.recent()[before:]] == ["error", "error"]
    assert demo.state.db_rules("notices") == NOTICE_RULES


def test_concurrent_requests_meet_the_saved_rules_while_a_what_if_runs(demo):
    """The edited rules travel inside the re-run's own view of the service: a request made at
    the same time is still judged by the saved ones."""
    original = refused_notices(demo)
    outcomes: list[str] = []

    def student_reads() -> None:
        for _ in range(20):
            client(demo, "学生A").get("notices")
            outcomes.append(last_for(demo, "学生A").outcome)

    reader = threading.Thread(target=student_reads)
    reader.start()
    for _ in range(20):
        assert rerun(demo, original, rules={"read": True, "write": False})["outcome"] == "ok"
    reader.join()
    assert outcomes == ["denied"] * 20


def last_for(demo, persona: str):
    return next(e for e in reversed(demo.events.recent())
                if e.action == "database.getDocument" and e.persona == persona)


# -- writes are dry runs -------------------------------------------------------------------------


def snapshot(demo, collection: str) -> str:
    return json.dumps(demo.database.store.documents(collection), default=str, sort_keys=True)


def test_a_rerun_of_a_write_reports_what_it_would_touch_and_changes_nothing(demo):
    student = client(demo, "学生B")
    student.update("todos", {"done": False}, {"done": True})  # PRIVATE: only todo-b1 is theirs
    update = last(demo, "database.modifyDocument")
    assert update.result["updated"] == 1
    assert student.remove("notices", {"_openid": "{openid}"}).value["stats"]["removed"] == 0  # none theirs
    remove = last(demo, "database.removeDocument")
    student.add("todos", {"title": "新任务"})
    add = last(demo, "database.insertDocument")
    before = {name: snapshot(demo, name) for name in ("todos", "notices")}

    as_admin = rerun(demo, update, **{"as": {"admin": True}})
    assert as_admin["dryRun"] and as_admin["outcome"] == "ok" and as_admin["wouldTouch"] == 3  # a2, a3, t1
    teacher_removes = rerun(demo, remove, **{"as": {"persona": "老师"}})
    assert teacher_removes["outcome"] == "ok" and teacher_removes["wouldTouch"] == 3
    signed_out_adds = rerun(demo, add, **{"as": {"persona": None}})
    assert signed_out_adds["outcome"] == "denied" and signed_out_adds["wouldTouch"] is None
    teacher_adds = rerun(demo, add, **{"as": {"persona": "老师"}})
    assert teacher_adds["outcome"] == "ok" and teacher_adds["wouldTouch"] == 1
    what_if_remove = rerun(demo, remove, rules={"read": True, "write": "doc._openid == auth.openid"})
    assert what_if_remove["outcome"] == "ok" and what_if_remove["wouldTouch"] == 0
    assert {name: snapshot(demo, name) for name in ("todos", "notices")} == before
    assert demo.database.store.count("todos") == 7


def last_event_of(demo, action: str, persona: str):
    return next(e for e in reversed(demo.events.recent()) if e.action == action and e.persona == persona)


# -- what cannot be re-run -----------------------------------------------------------------------


def test_only_a_mini_program_s_database_request_can_be_rerun(demo):
    run_snippet(demo, "1 + 1", "学生A")
    with pytest.raises(InputError, match="Only a mini program's database request"):
        rerun(demo, last(demo, "client.runSnippet"))
    demo.handle(Request("database.getDocument", {"collectionName": "todos"}, Caller.admin("scf")))
    with pytest.raises(InputError, match="Only a mini program's database request"):
        rerun(demo, last(demo, "database.getDocument"))
    with pytest.raises(InputError, match="no request nope in the timeline"):
        demo.handle(Request("database.rerun", {"eventId": "nope"}, CONSOLE))
    original = refused_notices(demo)
    with pytest.raises(Exception, match="as must be"):
        rerun(demo, original, **{"as": "admin"})
    with pytest.raises(InputError, match="no persona called"):
        rerun(demo, original, **{"as": {"persona": "校长"}})
