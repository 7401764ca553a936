"""``database.runAggregate``: the database pane's aggregate mode, on the bundled demo."""

from __future__ import annotations

import pytest

from app.core.errors import InputError
from app.core.requests import Caller, Request

A, B = {"persona": "学生A"}, {"persona": "学生B"}
BY_OWNER = ".match({done: false}).group({_id: '$_openid', n: $.sum(1)}).sort({n: -1, _id: 1})"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from app.core.workspace import Workspace
    from app.paths import demo_project, resource

    workspace = Workspace.open(tmp_path_factory.mktemp("demo"), demo_project(), demo_data=resource("demo-data"))
    yield workspace
    workspace.close()


def aggregate(workspace, pipeline: str, collection: str = "todos", viewer=None) -> dict:
    params = {"collectionName": collection, "pipeline": pipeline, "viewer": viewer}
    return workspace.handle(Request("database.runAggregate", params, Caller.console()))


def test_the_console_rows_and_stages(demo):
    result = aggregate(demo, BY_OWNER)
    assert [row["n"] for row in result["documents"]] == [2, 1, 1]
    assert result["answer"] == {"ok": True, "errMsg": "collection.aggregate:ok", "count": 3}
    assert result["stages"][0] == {"stageKey": "$match", "stageValue": '{"done":false}'}
    assert [stage["stageKey"] for stage in result["stages"]] == ["$match", "$group", "$sort"]


def test_the_leading_dot_is_optional_and_dates_come_as_ejson(demo):
    result = aggregate(demo, "match({_id: 'todo-a1'}).project({createdAt: 1})")
    assert result["documents"] == [{"_id": "todo-a1", "createdAt": {"$date": "2025-03-01T08:00:00.000Z"}}]


def test_a_persona_aggregates_only_her_own(demo):
    """PRIVATE todos: 学生A's pipeline sees her two open todos only."""
    result = aggregate(demo, BY_OWNER, viewer=A)
    assert result["answer"]["ok"] and len(result["documents"]) == 1 and result["documents"][0]["n"] == 2


def test_a_clients_refusal_is_the_real_errmsg(demo):
    result = aggregate(demo, ".count('n')", "grades", viewer=B)
    assert result["documents"] == []
    assert result["answer"] == {
        "ok": False, "errCode": -502003,
        "errMsg": "collection.aggregate:fail -502003 database permission denied | errMsg: Permission denied",
    }


@pytest.mark.parametrize(("text", "message"), [
    (".match({done: false)", "pipeline: Line 1, column 20: SyntaxError: Unexpected token ')'"),
    (".match({done: false})\n.group({_id: x})", "pipeline: Line 2, column 14: ReferenceError: x is not defined"),
    (".match({done: false}).end()", "pipeline: write the stages that follow aggregate()"),
])
def test_mistakes_name_the_line_and_column(demo, text, message):
    with pytest.raises(InputError) as caught:
        aggregate(demo, text)
    assert str(caught.value).startswith(message)


def test_the_end_is_a_request_nested_under_the_console_action(demo):
    """The viewer's end() is in the timeline under the console's runAggregate."""
    before = len(demo.events.recent())
    aggregate(demo, ".count('n')", "grades", viewer=B)
    end, action = demo.events.recent()[before:]
    assert (action.action, action.caller_kind, action.target) == ("database.runAggregate", "console", "grades")
    assert (end.action, end.caller_kind, end.persona, end.outcome) == (
        "database.aggregateDocuments", "client", "学生B", "denied")
    assert end.parent_id == action.id
