"""Storage security rules (spec §4.4): ``{"read", "write"}`` over ``auth`` and ``resource``."""

from __future__ import annotations

import base64
import json

import pytest

from app.core.errors import CloudError, InputError
from app.core.requests import Caller, Request

CREATOR_WRITES = {"read": True, "write": "resource.openid == auth.openid"}


class Bucket:
    def __init__(self, workspace) -> None:
        self.workspace = workspace

    def rules(self, rules, mode: str = "CUSTOM") -> dict:
        params = {"mode": mode, **({"rules": rules} if rules is not None else {})}
        return self.workspace.handle(Request("storage.setPermission", params, Caller.console()))

    def caller(self, persona):
        return Caller.admin("scf") if persona == "admin" else self.workspace.client_caller(persona)

    def upload(self, persona, path: str, content: bytes = b"x") -> dict:
        return self.workspace.handle(Request("storage.uploadFile", {
            "cloudPath": path, "contentBase64": base64.b64encode(content).decode()}, self.caller(persona)))

    def download(self, persona, path: str) -> bytes:
        answer = self.workspace.handle(Request("storage.downloadFile", {"fileID": self.file_id(path)},
                                               self.caller(persona)))
        return base64.b64decode(answer["contentBase64"])

    def delete(self, persona, path: str) -> dict:
        return self.workspace.handle(Request("storage.batchDeleteFile", {"fileid_list": [self.file_id(path)]},
                                             self.caller(persona)))["delete_list"][0]

    def file_id(self, path: str) -> str:
        return self.workspace.storage.file_id(path)

    def decision(self):
        return self.workspace.events.recent()[-1].decision


@pytest.fixture
def bucket(workspace) -> Bucket:
    bucket = Bucket(workspace)
    bucket.upload("学生A", "a/mine.txt", b"A's")
    return bucket


def refused(call, *args) -> CloudError:
    with pytest.raises(CloudError) as caught:
        call(*args)
    assert caught.value.code == -503002
    return caught.value


def test_everyone_reads_only_the_creator_writes(bucket):
    answer = bucket.rules(CREATOR_WRITES)
    assert answer["mode"] == "CUSTOM" and answer["labelEn"] == "Custom security rules"
    assert bucket.download("学生B", "a/mine.txt") == b"A's"
    refused(bucket.upload, "学生B", "a/mine.txt", b"B's")
    decision = bucket.decision()
    assert (decision.kind, decision.mode) == ("rule", "CUSTOM")
    assert decision.rule == {"name": "write", "key": "write", "text": "resource.openid == auth.openid"}
    assert {"text": "resource.openid", "value": bucket.workspace.identity.persona("学生A").openid} in decision.values
    assert bucket.delete("学生B", "a/mine.txt")["code"] == "STORAGE_EXCEED_AUTHORITY"
    assert bucket.upload("学生B", "b/new.txt")["fileID"]  # a new file: resource.openid is the uploader
    bucket.upload("学生A", "a/mine.txt", b"A's again")
    assert bucket.delete("学生A", "a/mine.txt")["code"] == "SUCCESS"
    refused(bucket.upload, None, "c/anon.txt")  # signed out: auth is null
    assert "auth is null (the caller is signed out)" in bucket.decision().reason


def test_rules_on_the_path_and_reading(bucket):
    bucket.upload("学生A", "public/notice.txt", b"hi")
    bucket.rules({"read": "resource.path == 'public/notice.txt' || resource.openid == auth.openid",
                  "write": False})
    assert bucket.download("学生B", "public/notice.txt") == b"hi"
    refused(bucket.download, "学生B", "a/mine.txt")
    assert bucket.download("学生A", "a/mine.txt") == b"A's"
    urls = bucket.workspace.handle(Request("storage.batchGetDownloadUrl", {"file_list": [
        {"fileid": bucket.file_id("a/mine.txt"), "max_age": 60}]}, bucket.caller("学生B")))["download_list"]
    assert urls[0]["code"] == "STORAGE_EXCEED_AUTHORITY"  # a temp URL is a read
    refused(bucket.upload, "学生A", "a/mine.txt")  # write: false for everyone
    assert bucket.upload("admin", "a/mine.txt", b"admin")  # admins bypass the rules
    assert bucket.decision().kind == "admin"


def test_a_missing_rule_is_denied_and_the_console_lists_rights(bucket):
    bucket.rules({"read": True})
    refused(bucket.upload, "学生A", "x.txt")
    assert "no write rule" in bucket.decision().reason
    listing = bucket.workspace.handle(Request("storage.listFiles", {"viewer": {"persona": "学生B"}}, Caller.console()))
    assert listing["mode"] == "CUSTOM"
    [item] = listing["files"]
    assert item["canRead"] and not item["canDelete"] and "no write rule" in item["deleteReason"]


@pytest.mark.parametrize("rules, words", [
    ({"read": True, "create": True}, 'Unknown key "create" in the storage security rules; the keys are read, write'),
    ({"read": "doc._openid == auth.openid"}, 'The "read" rule, line 1, column 1: unknown name \'doc\''),
    ({"write": "resource.openid == "}, 'The "write" rule, line 1, column 20: expected a value after'),
    ({"read": "get('database.a.b') != null"}, "storage rules cannot use it"),
])
def test_malformed_storage_rules_keep_the_previous_ones(bucket, rules, words):
    bucket.rules(CREATOR_WRITES)
    with pytest.raises(InputError) as caught:
        bucket.rules(rules)
    assert words in str(caught.value)
    assert bucket.workspace.state.storage_rules() == CREATOR_WRITES
    assert bucket.workspace.storage.mode == "CUSTOM"


def test_storage_rules_persist_and_need_custom(bucket):
    with pytest.raises(InputError, match="CUSTOM needs the storage security rules"):
        bucket.rules(None)
    bucket.rules(CREATOR_WRITES)
    with pytest.raises(InputError, match="go with the mode CUSTOM"):
        bucket.rules(CREATOR_WRITES, mode="PRIVATE")
    bucket.rules(None, mode="PRIVATE")
    assert bucket.rules(None)["rules"] == CREATOR_WRITES  # CUSTOM again, with the saved rules
    saved = json.loads(bucket.workspace.state.path.read_text(encoding="utf-8"))
    assert saved["storage_permission"] == "CUSTOM" and saved["storage_rules"] == CREATOR_WRITES
