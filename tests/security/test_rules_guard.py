"""Holes: code sets security rules (console-only); a rule expression runs Python."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.core.errors import CloudError, InputError
from app.core.requests import Caller, Request
from tests.security.conftest import OWNER, RAW, UNTRUSTED, run, untrusted_caller

ROOT = Path(__file__).resolve().parents[2]
OPEN_ALL = {"read": True, "write": True}


@pytest.mark.parametrize("action, params", [
    ("database.setPermission", {"collectionName": "notes", "mode": "CUSTOM", "rules": OPEN_ALL}),
    ("storage.setPermission", {"mode": "CUSTOM", "rules": OPEN_ALL}),
])
@pytest.mark.parametrize("caller", UNTRUSTED)
def test_only_the_console_sets_rules(notes, action, params, caller):
    ws = notes
    who = untrusted_caller(ws, caller)
    with pytest.raises(CloudError, match="is a wxsim console operation") as raised:
        ws.handle(Request(action, params, who))
    assert raised.value.code == -601004
    assert ws.state.db_rules("notes") == OWNER and ws.state.db_mode("notes") == "CUSTOM"
    assert ws.state.storage_rules() is None and ws.storage.mode != "CUSTOM"


@pytest.mark.parametrize("caller", UNTRUSTED)
def test_only_the_console_checks_rules(workspace, caller):
    """rules.check is the console's editor's: untrusted code cannot use it as a rules oracle."""
    who = untrusted_caller(workspace, caller)
    with pytest.raises(CloudError, match="is a wxsim console operation") as raised:
        workspace.handle(Request("rules.check", {"kind": "database", "rules": "{}"}, who))
    assert raised.value.code == -601004


def test_function_code_cannot_open_a_collection(hostile):
    """Through the shims' own transport, as a hostile function would try it."""
    ws = hostile({"open": RAW + "exports.main = async () => send('database.setPermission', "
                                "{ collectionName: 'notes', mode: 'CUSTOM', rules: { read: true, write: true } })"})
    ws.handle(Request("database.addCollection", {"collectionName": "notes"}, Caller.console()))
    out = run(ws, "open")
    assert "is a wxsim console operation" in out["errMsg"]
    assert ws.state.db_rules("notes") is None and ws.state.db_mode("notes") == "PRIVATE"


PYTHON = [
    "__import__('os').system('touch PWNED')",
    "doc.__class__.__init__.__globals__['os'].system('touch PWNED')",
    "eval('1')",
    "(lambda: 1)()",
    "doc.a == 1; import os",
    "[x for x in doc]",
    "doc.a if true else doc.b",
    "open('/etc/passwd')",
]


@pytest.mark.parametrize("text", PYTHON)
def test_python_in_a_rule_is_refused_when_set(notes, text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match='The "read" rule, line 1, column'):
        notes.handle(Request("database.setPermission", {"collectionName": "notes", "mode": "CUSTOM",
                                                        "rules": {"read": text}}, Caller.console()))
    assert not (tmp_path / "PWNED").exists() and notes.state.db_rules("notes") == OWNER


def test_dunder_names_are_only_keys_of_the_document(notes):
    """``doc.__class__`` reads a field named __class__ (there is none): no Python attribute."""
    notes.handle(Request("database.setPermission", {"collectionName": "notes", "mode": "CUSTOM", "rules": {
        "read": "doc.__class__ == null && doc['__dict__'] == null && doc.constructor == null", "write": True}},
        Caller.console()))
    notes.handle(Request("database.insertDocument", {"collectionName": "notes", "data": [{"_id": "n1"}]},
                         Caller.admin()))
    answer = notes.handle(Request("database.getDocument", {"collectionName": "notes", "queryType": "DOC",
                                                           "query": {"_id": "n1"}}, notes.client_caller("学生A")))
    assert [d["_id"] for d in answer["list"]] == ["n1"]
    values = notes.events.recent()[-1].decision.values
    assert {"text": "doc.__class__", "value": None} in values


def test_the_rules_engine_never_hands_text_to_python():
    """No eval, exec, compile, getattr or import machinery anywhere in app/core/rules."""
    banned = {"eval", "exec", "compile", "getattr", "__import__", "globals", "locals", "vars"}
    for path in (ROOT / "app" / "core" / "rules").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {node.func.id for node in ast.walk(tree)
                 if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        assert not calls & banned, (path.name, calls & banned)
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                    for alias in node.names}
        assert not imported & {"importlib", "builtins", "operator"}, path.name
