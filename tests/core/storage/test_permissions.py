"""The simple storage modes of spec §4.4 for two personas, a signed-out visitor and admin."""

from __future__ import annotations

import pytest

from app.core.errors import CloudError
from app.core.requests import Caller
from app.core.storage.permissions import ADMINONLY, ADMINWRITE, MODES, PRIVATE, READONLY, decide

from .conftest import PREFIX

OPS = ("read", "download", "create", "overwrite", "delete")
YES, NO = True, False
# mode -> who -> allowed per OPS, on a file 学生A uploaded.
EXPECTED = {
    READONLY: {"A": (YES, YES, YES, YES, YES), "B": (YES, YES, YES, NO, NO),
               "visitor": (YES, YES, NO, NO, NO), "admin": (YES,) * 5},
    PRIVATE: {"A": (YES,) * 5, "B": (NO, NO, YES, NO, NO),
              "visitor": (NO,) * 5, "admin": (YES,) * 5},
    ADMINWRITE: {"A": (YES, YES, NO, NO, NO), "B": (YES, YES, NO, NO, NO),
                 "visitor": (YES, YES, NO, NO, NO), "admin": (YES,) * 5},
    ADMINONLY: {"A": (NO,) * 5, "B": (NO,) * 5, "visitor": (NO,) * 5, "admin": (YES,) * 5},
}


def attempt(env, caller: Caller, op: str) -> bool:
    """Try one operation on 学生A's file a/mine.png through the client or server SDK."""
    sdk = env.sdk(caller)
    file_id = PREFIX + "a/mine.png"
    if op == "read":
        [item] = sdk.get_temp_file_url([file_id]).value["fileList"]
        if item["status"]:
            assert item["tempFileURL"] == "" and item["status"] == -503002
            assert item["errMsg"] == ("STORAGE_EXCEED_AUTHORITY" if caller.is_client else "storage permission denied")
        return item["status"] == 0
    if op == "download":
        outcome = sdk.download_file(file_id)
    elif op == "delete":
        [item] = sdk.delete_file([file_id]).value["fileList"]
        if item["status"]:
            assert item == {"fileID": file_id, "status": -1, "errMsg": "STORAGE_EXCEED_AUTHORITY"}
        return item["status"] == 0
    else:
        path = "a/mine.png" if op == "overwrite" else "b/new.png"
        if caller.is_client:
            outcome = sdk.upload_file(path, env.local("new.png", b"new"))
        else:
            outcome = sdk.upload_file(path, file_content=b"new")
    if not outcome.ok:
        assert outcome.value["errCode"] == -503002
        assert outcome.value["errMsg"].split(" | ")[0].endswith("-503002 storage permission denied")
    return outcome.ok


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("who", ["A", "B", "visitor", "admin"])
def test_mode_matrix(env, mode, who):
    """What each caller may do to 学生A's file under each mode; denials are -503002."""
    caller = {"A": env.a, "B": env.b, "visitor": env.visitor, "admin": env.admin}[who]
    for op, expected in zip(OPS, EXPECTED[mode][who]):
        env.mode = READONLY
        env.handle("storage.batchDeleteFile", {"fileid_list": [PREFIX + "a/mine.png", PREFIX + "b/new.png"]})
        env.put(env.a, "a/mine.png", b"A's bytes")
        env.mode = mode
        assert attempt(env, caller, op) is expected, (mode, who, op)
        event = env.last_event()
        assert event.permission_allowed is expected, event
        assert (mode in event.permission_reason) or who == "admin"
        if not expected and op in ("download", "create", "overwrite"):
            assert event.outcome == "denied"


def test_default_mode_is_everyone_reads_only_the_creator_writes(env):
    assert env.mode == READONLY
    file_id = env.put(env.a, "a.png", b"x")
    assert env.sdk(env.b).download_file(file_id).ok
    denied = env.sdk(env.b).upload_file("a.png", env.local("a.png", b"y"))
    assert denied.value["errMsg"].startswith("cloud.uploadFile:fail -503002 storage permission denied | errMsg: ")
    assert "only the uploader of a.png may overwrite or delete it" in denied.value["errMsg"]
    event = env.last_event()
    assert (event.outcome, event.permission_allowed, event.persona) == ("denied", False, "学生B")


def test_owner_is_the_uploader_and_admin_uploads_have_none(env):
    env.put(env.a, "a.png", b"x")
    env.put(env.admin, "b.png", b"x")
    owners = {f["cloudPath"]: f["owner"] for f in env.handle("storage.listFiles", {})["files"]}
    assert owners == {"a.png": env.a.openid, "b.png": None}
    # Nobody owns an admin's file: no client may change it, and under PRIVATE none may read it.
    assert not env.sdk(env.a).upload_file("b.png", env.local("b", b"y")).ok
    env.mode = PRIVATE
    assert not env.sdk(env.a).download_file(PREFIX + "b.png").ok
    assert env.sdk(env.admin).download_file(PREFIX + "b.png").ok


def test_an_admin_overwrite_clears_the_owner(env):
    """Overwriting behaves exactly like a new upload (spec §1.5): the new uploader owns it."""
    env.put(env.a, "a.png", b"x")
    env.put(env.admin, "a.png", b"y")
    assert env.handle("storage.listFiles", {})["files"][0]["owner"] is None


def test_the_wire_upload_is_checked_when_asked_for(env):
    """getUploadMetadata refuses a write the caller may not make, before any byte is sent."""
    env.put(env.a, "a.png", b"x")
    with pytest.raises(CloudError) as caught:
        env.handle("storage.getUploadMetadata", {"path": "a.png"}, env.b)
    assert caught.value.code == -503002
    assert env.last_event().outcome == "denied"


def test_missing_files_are_missing_unless_the_mode_bars_the_caller(env):
    """A client asking for a file that does not exist learns it is missing, not denied."""
    a = env.a
    for mode in (READONLY, PRIVATE, ADMINWRITE):
        assert decide(mode, a, "read", "x", None, exists=False).allowed
    assert decide(READONLY, a, "write", "x", None, exists=False).allowed  # a delete gets -503003
    assert not decide(ADMINWRITE, a, "write", "x", None, exists=False).allowed
    assert not decide(ADMINONLY, a, "read", "x", None, exists=False).allowed
    assert not decide(READONLY, env.visitor, "write", "x", None, exists=False).allowed
    env.mode = ADMINONLY
    [item] = env.sdk(a).delete_file([PREFIX + "gone.png"]).value["fileList"]
    assert item["errMsg"] == "STORAGE_EXCEED_AUTHORITY"


def test_decisions_explain_themselves():
    a = Caller.client("oA", "wx", persona="学生A")
    b = Caller.client("oB", "wx", persona="学生B")
    assert decide(READONLY, a, "write", "p.png", "oA", exists=True).reason == (
        "storage is READONLY (所有用户可读，仅创建者可读写): 学生A uploaded p.png, so may overwrite or delete it"
    )
    assert decide(PRIVATE, b, "read", "p.png", "oA", exists=True).reason == (
        "storage is PRIVATE (仅创建者可读写): only the uploader of p.png may read it (uploaded by oA), not 学生B"
    )
    assert decide(ADMINONLY, Caller.admin("scf"), "write", "p.png", None, exists=True).reason == (
        "scf runs as admin: storage permissions do not apply"
    )
