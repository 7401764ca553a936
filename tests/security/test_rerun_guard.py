"""Holes: untrusted code re-runs a logged request as admin (reading what its rules hide) or under
rules of its choosing; a re-run's write changes data."""

from __future__ import annotations

import json

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller, Request
from tests.security.conftest import OWNER, RAW, UNTRUSTED, run, untrusted_caller


@pytest.fixture
def notes(notes):
    """conftest's notes, with someone else's secret in them."""
    notes.handle(Request("database.insertDocument", {"collectionName": "notes", "data": [
        {"_id": "secret", "_openid": "someone-else", "text": "not yours"}]}, Caller.admin("scf")))
    return notes


def refused_read(ws):
    """学生A's bare get() of notes: refused, and logged (an event id untrusted code could learn)."""
    with pytest.raises(CloudError):
        ws.handle(Request("database.getDocument", {"collectionName": "notes"}, ws.client_caller("学生A")))
    return ws.events.recent()[-1]


@pytest.mark.parametrize("params", [
    {"as": {"admin": True}},
    {"rules": {"read": True, "write": True}},
    {"as": {"persona": "学生B"}, "rules": '{"read": true, "write": true}'},
])
@pytest.mark.parametrize("caller", UNTRUSTED)
def test_only_the_console_reruns_requests(notes, caller, params):
    original = refused_read(notes)
    who = untrusted_caller(notes, caller)
    with pytest.raises(CloudError, match="is a wxsim console operation") as raised:
        notes.handle(Request("database.rerun", {"eventId": original.id, **params}, who))
    assert raised.value.code == -601004
    assert notes.state.db_rules("notes") == OWNER


def test_function_code_cannot_rerun_as_admin(hostile):
    """Through the shims' own transport, as a hostile function would try it."""
    ws = hostile({"peek": RAW + "exports.main = async (event) => send('database.rerun', "
                               "{ eventId: event.id, as: { admin: true } })"})
    ws.handle(Request("database.addCollection", {"collectionName": "notes"}, Caller.console()))
    ws.handle(Request("database.setPermission", {"collectionName": "notes", "mode": "CUSTOM", "rules": OWNER},
                      Caller.console()))
    original = refused_read(ws)
    out = run(ws, "peek", {"id": original.id})
    assert "is a wxsim console operation" in out["errMsg"] and "not yours" not in json.dumps(out)


def test_a_rerun_write_as_admin_changes_nothing(notes):
    with pytest.raises(CloudError):
        notes.handle(Request("database.removeDocument", {"collectionName": "notes", "query": {}, "multi": True},
                             notes.client_caller("学生A")))
    original = notes.events.recent()[-1]
    answer = notes.handle(Request("database.rerun", {"eventId": original.id, "as": {"admin": True}},
                                  Caller.console()))
    assert answer["dryRun"] and answer["wouldTouch"] == 1
    assert notes.database.store.get("notes", "secret") is not None
