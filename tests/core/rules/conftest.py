"""Fixture C of spec §9.8 (collection ``notes``) in a workspace, and helpers for rules tests."""

from __future__ import annotations

import pytest

from app.core.requests import Caller, Request
from tests.support.database_sdk import SdkDatabase

OWNER_RULES = {"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}  # R10/R11


class Notes:
    """Fixture C, the personas' openids, and requests as the console, an admin or a persona."""

    def __init__(self, workspace) -> None:
        self.workspace = workspace
        self.admin = SdkDatabase(workspace.handle, Caller.admin("scf"))
        self.oa = workspace.identity.persona("学生A").openid
        self.ob = workspace.identity.persona("学生B").openid
        self.admin.create_collection("notes").raise_for_error()
        self.admin.add("notes", [{"_id": "a1", "_openid": self.oa, "v": 1},
                                 {"_id": "b1", "_openid": self.ob, "v": 2},
                                 {"_id": "z1", "v": 3}]).raise_for_error()

    def rules(self, rules, collection: str = "notes", mode: str = "CUSTOM") -> dict:
        """Set the collection's rules as the console does (raises what the request raises)."""
        params = {"collectionName": collection, "mode": mode}
        if rules is not None:
            params["rules"] = rules
        return self.workspace.handle(Request("database.setPermission", params, Caller.console()))

    def client(self, persona: str | None = "学生A") -> SdkDatabase:
        return SdkDatabase(self.workspace.handle, self.workspace.client_caller(persona))

    def stored(self, doc_id: str, collection: str = "notes") -> dict | None:
        return self.workspace.database.store.get(collection, doc_id)

    def event(self):
        return self.workspace.events.recent()[-1]

    def decision(self):
        return self.event().decision


@pytest.fixture
def notes(workspace) -> Notes:
    return Notes(workspace)


def ids(outcome) -> list:
    return sorted(doc["_id"] for doc in outcome.raise_for_error()["data"])


def denied(outcome) -> bool:
    """The request was refused as the spec says: -502003, the whole request."""
    return not outcome.ok and outcome.value["errCode"] == -502003
