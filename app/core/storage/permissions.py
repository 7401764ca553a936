"""The four simple storage permission modes (spec §4.4), as one decision function.

The mode names are the manager API's (``tcb storage rules update --acl …``), the same four
names the database uses; the labels are the WeChat console's.
"""

from __future__ import annotations

from typing import Literal

from app.core.errors import CloudError
from app.core.requests import Caller, Decision

READONLY = "READONLY"
PRIVATE = "PRIVATE"
ADMINWRITE = "ADMINWRITE"
ADMINONLY = "ADMINONLY"
MODES = (READONLY, PRIVATE, ADMINWRITE, ADMINONLY)
DEFAULT_MODE = READONLY  # spec §4.4: everyone reads, only the creator writes

LABELS_ZH = {
    READONLY: "所有用户可读，仅创建者可读写",
    PRIVATE: "仅创建者可读写",
    ADMINWRITE: "所有用户可读",
    ADMINONLY: "所有用户不可读写",
}
LABELS_EN = {
    READONLY: "All users can read; only the creator can write",
    PRIVATE: "Only the creator can read and write",
    ADMINWRITE: "All users can read; only admins can write",
    ADMINONLY: "No user can read or write; admins only",
}

Operation = Literal["read", "write"]  # write = upload, overwrite or delete


class StorageDenied(CloudError):
    """-503002 storage permission denied, carrying the decision for the event log."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(-503002, decision.reason)
        self.decision = decision


def decide(mode: str, caller: Caller, op: Operation, path: str, owner: str | None, *, exists: bool) -> Decision:
    """Whether ``caller`` may ``op`` the file at ``path`` (owned by ``owner``) under ``mode``.

    For a file that does not exist, a read or delete is judged as if it were the caller's
    own, so the answer is "no such file" unless the mode bars the caller from every file;
    an upload to a new path is a creation, and the file becomes the caller's.
    """
    if not caller.is_client:
        return Decision(True, f"{caller.source} runs as admin: storage permissions do not apply")
    who = caller.persona or caller.openid or "a signed-out visitor"
    label = f"storage is {mode} ({LABELS_ZH[mode]})"
    if mode == ADMINONLY:
        return Decision(False, f"{label}: mini program users can neither read nor write files")
    mine = not exists or (caller.openid is not None and owner == caller.openid)
    if op == "read":
        if mode != PRIVATE:
            return Decision(True, f"{label}: every user may read {path}")
        if mine and caller.openid:
            return Decision(True, f"{label}: {who} uploaded {path}, so may read it")
        if not caller.openid:
            return Decision(False, f"{label}: a signed-out visitor owns no files to read")
        return Decision(False, f"{label}: only the uploader of {path} may read it ({_owned(owner)}), not {who}")
    if mode == ADMINWRITE:
        return Decision(False, f"{label}: only admins may upload, overwrite or delete files")
    if not caller.openid:
        return Decision(False, f"{label}: a signed-out visitor has no openid to own files")
    if not exists:
        return Decision(True, f"{label}: {who} may write {path}, a new file that becomes theirs")
    if mine:
        return Decision(True, f"{label}: {who} uploaded {path}, so may overwrite or delete it")
    return Decision(False, f"{label}: only the uploader of {path} may overwrite or delete it ({_owned(owner)}), not {who}")


def _owned(owner: str | None) -> str:
    return f"uploaded by {owner}" if owner else "uploaded by an admin or added by hand, so no user owns it"
