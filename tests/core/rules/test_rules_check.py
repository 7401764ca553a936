"""rules.check: the rules editors' check as the person types; it points into the editor's text."""

from __future__ import annotations

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request


def check(workspace, text: str, kind: str = "database") -> dict:
    return workspace.handle(Request("rules.check", {"kind": kind, "rules": text}, Caller.console()))


def error(workspace, text: str, kind: str = "database") -> tuple[int, int, str, str]:
    answer = check(workspace, text, kind)
    assert answer["ok"] is False
    found = answer["error"]
    return found["line"], found["column"], found["reason"]["id"], found["message"]


def test_valid_rules_are_ok_and_nothing_is_saved(workspace):
    assert check(workspace, '{"read": true, "write": "doc._openid == auth.openid"}') == {"ok": True}
    assert check(workspace, '{"read": true, "write": "resource.openid == auth.openid"}', "storage") == {"ok": True}
    assert workspace.state.storage_rules() is None


def test_a_syntax_error_points_at_its_line_and_column_in_the_text(workspace):
    text = '{\n  "read": true,\n  "write": "doc._openid = auth.openid"\n}'
    line, column, reason, message = error(workspace, text)
    assert (line, column, reason) == (3, 25, "rules.check_syntax")
    assert text.split("\n")[2][column - 1] == "="
    assert message == ('Line 3, column 25, in the "write" rule: unexpected \'=\': use == to compare '
                       "(a rule cannot assign)")


def test_escapes_before_the_error_count_as_written(workspace):
    text = '{"read": "doc.\\u00e9t == \\"a\\" &&& true", "write": false}'
    line, column, _reason, _message = error(workspace, text)
    assert line == 1 and text[:column].endswith('"a\\" &&&')  # the third &, as written


def test_storage_rules_know_their_own_names(workspace):
    line, column, _reason, message = error(workspace, '{"read": true, "write": "doc.x"}', "storage")
    assert (line, column) == (1, 26) and "unknown name 'doc'" in message


@pytest.mark.parametrize("text, where, reason", [
    ('[\n  {"read": true}\n]', (1, 1), "rules.check_at"),  # not an object
    ('  {"read": true, "writ": false}', (1, 18), "rules.check_at"),  # an unknown key, at the key
    ('{"read": true,\n "write": 3}', (2, 11), "rules.check_at"),  # a bad value, at the value
    ('{"read": true,\n "write": false,\n}', (3, 1), "json.what_problem_where"),  # not JSON: where it breaks
])
def test_other_mistakes_point_where_they_are(workspace, text, where, reason):
    line, column, found, _message = error(workspace, text)
    assert (line, column) == where
    assert found == reason


def test_not_an_object_and_unknown_key_say_what_is_wrong(workspace):
    assert "must be a JSON object" in error(workspace, "[1]")[3]
    assert 'Unknown key "writ"' in error(workspace, '{"writ": false}')[3]


@pytest.mark.parametrize("params", [{"kind": "bucket", "rules": "{}"}, {"kind": "database", "rules": {"read": True}}])
def test_bad_params_are_refused(workspace, params):
    with pytest.raises(CloudError) as raised:
        workspace.handle(Request("rules.check", params, Caller.console()))
    assert raised.value.code == -501007


def test_only_the_console_may_check(workspace):
    with pytest.raises(CloudError, match="is a wxsim console operation") as raised:
        workspace.handle(Request("rules.check", {"kind": "database", "rules": "{}"}, workspace.client_caller("学生A")))
    assert raised.value.code == -601004
