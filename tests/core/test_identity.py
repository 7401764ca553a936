"""Personas, openids, wx.login codes, code2Session and the user list (spec §6–§7, §9.9 L1–L4)."""

from __future__ import annotations

import base64
import re

import pytest

from app.core.errors import InputError, WxApiError
from app.core.identity.service import derive_openid
from app.core.requests import Caller, Request
from app.core.workspace import Workspace
from app.paths import demo_project

OPENID = re.compile(r"^o[A-Za-z0-9_-]{27}$")
ADMIN = Caller.console()


def login(ws: Workspace, persona: str) -> str:
    return ws.handle(Request("auth.wxLogin", {}, ws.client_caller(persona)))["code"]


def exchange(ws: Workspace, code: str) -> dict:
    return ws.handle(Request("auth.code2Session", {"js_code": code}, ADMIN))


def test_default_personas_have_real_shaped_openids(workspace):
    """The demo comes with 学生A, 学生B and 老师, each with a distinct 28-char openid."""
    personas = workspace.identity.personas()
    assert [p.name for p in personas] == ["学生A", "学生B", "老师"]
    assert all(OPENID.match(p.openid) for p in personas)
    assert len({p.openid for p in personas}) == 3
    # Real openids of one app share their first characters (spec §7.3).
    assert len({p.openid[:6] for p in personas}) == 1


def test_openids_depend_only_on_seed_and_name(tmp_path):
    """Two fresh data dirs with the same seed agree; another seed gives other openids."""
    a = Workspace.open(tmp_path / "a", seed="classroom-1")
    b = Workspace.open(tmp_path / "b", seed="classroom-1")
    c = Workspace.open(tmp_path / "c", seed="classroom-2")
    openids = lambda ws: [p.openid for p in ws.identity.personas()]  # noqa: E731
    assert openids(a) == openids(b)
    assert set(openids(a)).isdisjoint(openids(c))
    assert openids(a)[0] == derive_openid("classroom-1", "学生A")


def test_same_project_gives_same_openids_on_every_laptop(tmp_path):
    """Without a seed, the demo project's appid decides it: every trainee sees the same ids."""
    one = Workspace.open(tmp_path / "laptop1", demo_project())
    two = Workspace.open(tmp_path / "laptop2", demo_project())
    assert one.settings == two.settings
    assert one.identity.personas() == two.identity.personas()


def test_code2session_returns_openid_and_session_key(workspace):
    """L1: a fresh code gives the persona's openid and a 24-char base64 session_key."""
    result = exchange(workspace, login(workspace, "学生A"))
    assert set(result) == {"openid", "session_key"}
    assert result["openid"] == workspace.identity.persona("学生A").openid
    assert len(result["session_key"]) == 24 and result["session_key"].endswith("==")
    assert len(base64.b64decode(result["session_key"])) == 16


def test_code_used_twice_fails_with_40163(workspace):
    """L2: the second exchange of a code fails exactly as WeChat's does."""
    code = login(workspace, "学生A")
    exchange(workspace, code)
    with pytest.raises(WxApiError) as info:
        exchange(workspace, code)
    assert info.value.errcode == 40163
    assert re.fullmatch(r"code been used, rid: [0-9a-f]+-[0-9a-f]+-[0-9a-f]+", info.value.errmsg)


def test_garbage_code_fails_with_40029(workspace):
    """L3."""
    with pytest.raises(WxApiError) as info:
        exchange(workspace, "not-a-code")
    assert info.value.errcode == 40029
    assert info.value.errmsg.startswith("invalid code, rid: ")


def test_expired_code_is_invalid(workspace, clock):
    """A code is valid for five minutes."""
    code = login(workspace, "学生B")
    clock.advance(5 * 60 + 1)
    with pytest.raises(WxApiError) as info:
        exchange(workspace, code)
    assert info.value.errcode == 40029


def test_code_just_within_five_minutes_works(workspace, clock):
    code = login(workspace, "学生B")
    clock.advance(5 * 60 - 1)
    assert exchange(workspace, code)["openid"] == workspace.identity.persona("学生B").openid


def test_same_user_gets_same_openid_on_two_logins(workspace):
    """L4."""
    first = exchange(workspace, login(workspace, "老师"))["openid"]
    second = exchange(workspace, login(workspace, "老师"))["openid"]
    assert first == second


def test_codes_survive_reopening_the_workspace(tmp_path, clock):
    """A code issued by one process (e.g. the CLI) can be exchanged by the next."""
    ws = Workspace.open(tmp_path, demo_project(), clock=clock)
    code = login(ws, "学生A")
    openid = ws.identity.persona("学生A").openid
    ws.close()
    again = Workspace.open(tmp_path, demo_project(), clock=clock)
    assert exchange(again, code)["openid"] == openid
    again.close()


def test_signed_out_persona_cannot_wx_login(workspace):
    with pytest.raises(InputError, match="signed-in persona"):
        workspace.handle(Request("auth.wxLogin", {}, workspace.client_caller(None)))


def test_unionid_only_for_bound_personas(workspace):
    """A persona bound to an Open Platform account gets a unionid in code2Session."""
    workspace.handle(Request("personas.add", {"name": "家长", "unionid": True}, ADMIN))
    result = exchange(workspace, login(workspace, "家长"))
    assert OPENID.match(result["unionid"])
    assert "unionid" not in exchange(workspace, login(workspace, "学生A"))


def test_user_list_is_fed_by_traced_client_requests(workspace, clock):
    """Visits come from client requests with traceUser, sorted by last visit, newest first."""
    a, b = workspace.client_caller("学生A"), workspace.client_caller("学生B")
    workspace.handle(Request("auth.initCloud", {"traceUser": True}, a))
    clock.advance(10)
    workspace.handle(Request("auth.initCloud", {"traceUser": True}, b))
    clock.advance(10)
    workspace.handle(Request("auth.initCloud", {"traceUser": True}, a))
    untraced = workspace.client_caller("老师", trace_user=False)
    workspace.handle(Request("auth.initCloud", {}, untraced))
    users = workspace.identity.users()
    assert [u.openid for u in users] == [a.openid, b.openid]
    assert users[0].visits == 2 and users[0].last_visit - users[0].first_visit == 20
    assert users[0].appid == workspace.settings.appid


def test_wx_login_is_not_a_visit(workspace):
    """wx.login is a WeChat API, not a cloud call: it does not add to 用户管理."""
    login(workspace, "学生A")
    assert workspace.identity.users() == []


def test_roster_changes_persist_and_rename_keeps_openid(tmp_path):
    ws = Workspace.open(tmp_path, demo_project())
    openid = ws.identity.persona("学生A").openid
    ws.handle(Request("personas.rename", {"name": "学生A", "newName": "小明"}, ADMIN))
    ws.handle(Request("personas.recolor", {"name": "小明", "color": "#123abc"}, ADMIN))
    ws.handle(Request("personas.remove", {"name": "老师"}, ADMIN))
    ws.close()
    reopened = Workspace.open(tmp_path, demo_project())
    assert [(p.name, p.color) for p in reopened.identity.personas()] == [
        ("小明", "#123ABC"),
        ("学生B", "#07C160"),
    ]
    assert reopened.identity.persona("小明").openid == openid


@pytest.mark.parametrize(
    "params, message",
    [
        ({"name": "  "}, "needs a name"),
        ({"name": "学生A"}, "already a persona"),
        ({"name": "x" * 25}, "at most 24"),
        ({"name": "ok", "color": "red"}, "not a colour"),
    ],
)
def test_bad_persona_input_is_refused_and_changes_nothing(workspace, params, message):
    before = workspace.identity.personas()
    with pytest.raises(InputError, match=message):
        workspace.handle(Request("personas.add", params, ADMIN))
    assert workspace.identity.personas() == before


def test_visits_are_saved_when_the_workspace_closes(tmp_path):
    """Visits are written in the background; closing writes what is still pending."""
    ws = Workspace.open(tmp_path, demo_project())
    ws.handle(Request("auth.initCloud", {"traceUser": True}, ws.client_caller("学生A")))
    ws.close()
    again = Workspace.open(tmp_path, demo_project())
    assert [u.visits for u in again.identity.users()] == [1]
    again.close()
