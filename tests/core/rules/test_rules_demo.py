"""The bundled demo's ``notices``: a class notice board under security rules (CUSTOM).

Only 老师 writes; students read the published notices. A query must prove the read rule for
every document it can return, so 学生A's bare ``get()`` is refused whole, naming the missing
condition, and ``where({published: true})`` returns the published ones only.
"""

from __future__ import annotations

import json

import pytest

from app.core.requests import Caller
from tests.support.database_sdk import SdkDatabase

from .conftest import denied, ids

NOTICE_RULES = {"read": "doc.published == true || doc._openid == auth.openid", "write": "doc._openid == auth.openid"}
PUBLISHED = ["notice-1", "notice-2"]
ALL = ["notice-1", "notice-2", "notice-3"]


@pytest.fixture
def demo(tmp_path):
    from app.core.workspace import Workspace
    from app.paths import demo_project, resource

    workspace = Workspace.open(tmp_path / "data", demo_project(), demo_data=resource("demo-data"))
    yield workspace
    workspace.close()


def client(workspace, persona: str) -> SdkDatabase:
    return SdkDatabase(workspace.handle, workspace.client_caller(persona))


def test_a_fresh_demo_has_notices_under_custom_rules(demo, tmp_path):
    assert demo.state.db_mode("notices") == "CUSTOM"
    assert demo.state.db_rules("notices") == NOTICE_RULES
    saved = json.loads((tmp_path / "data" / "workspace.json").read_text(encoding="utf-8"))
    assert saved["database_permissions"]["notices"] == "CUSTOM"
    assert saved["database_rules"]["notices"] == NOTICE_RULES
    teacher = demo.identity.persona("老师").openid
    stored = SdkDatabase(demo.handle, Caller.admin("scf")).get("notices").raise_for_error()["data"]
    assert sorted(d["_id"] for d in stored) == ALL
    assert {d["_openid"] for d in stored} == {teacher}  # 老师 wrote every notice
    assert {d["_id"]: d["published"] for d in stored} == {"notice-1": True, "notice-2": True, "notice-3": False}
    # the other collections keep their simple modes
    assert {name: demo.state.db_mode(name) for name in ("todos", "messages", "grades")} == {
        "todos": "PRIVATE", "messages": "READONLY", "grades": "ADMINONLY"}


def test_a_students_bare_get_is_refused_naming_the_missing_condition(demo):
    out = client(demo, "学生A").get("notices")
    assert denied(out)
    assert out.value["errMsg"] == "collection.get:fail -502003 database permission denied | errMsg: Permission denied"
    event = demo.events.recent()[-1]
    assert event.outcome == "denied" and event.persona == "学生A"
    assert "your query has no condition on published; add published: true" in event.permission_reason


def test_a_student_reads_the_published_notices(demo):
    assert ids(client(demo, "学生A").get("notices", {"published": True})) == PUBLISHED
    assert demo.events.recent()[-1].decision.allowed


def test_the_teacher_sees_her_drafts_through_openid(demo):
    teacher = client(demo, "老师")
    assert ids(teacher.get("notices", {"_openid": "{openid}"})) == ALL
    assert ids(client(demo, "学生A").get("notices", {"_openid": "{openid}"})) == []  # none of hers


def test_only_the_teacher_writes(demo):
    assert denied(client(demo, "学生A").doc_update("notices", "notice-1", {"title": "hacked"}))
    assert client(demo, "老师").doc_update("notices", "notice-3", {"published": True}).value["stats"] == {"updated": 1}
    assert ids(client(demo, "学生B").get("notices", {"published": True})) == ALL
