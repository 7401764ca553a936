"""The four simple storage permission modes (spec §4.4), as one decision function.

The mode names are the manager API's (``tcb storage rules update --acl …``), the same four
names the database uses; the labels are the WeChat console's.
"""

from __future__ import annotations

from typing import Literal

from app.core.errors import CloudError
from app.core.reasons import Reason
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
        super().__init__(-503002, decision.why or decision.reason)
        self.decision = decision


def decide(mode: str, caller: Caller, op: Operation, path: str, owner: str | None, *, exists: bool,
           owner_name: str | None = None) -> Decision:
    """Whether ``caller`` may ``op`` the file at ``path`` (owned by ``owner``) under ``mode``.

    ``owner_name``: the persona whose openid ``owner`` is, if any; a refusal names the uploader
    by it (keeping the openid beside it).

    For a file that does not exist, a read or delete is judged as if it were the caller's
    own, so the answer is "no such file" unless the mode bars the caller from every file;
    an upload to a new path is a creation, and the file becomes the caller's.
    """
    if not caller.is_client:
        return Decision(True, Reason("storage.admin_no_modes", "{source} runs as admin: storage permissions do "
                                     "not apply", source=caller.source))
    who = caller.persona or caller.openid or signed_out()
    label = Reason("storage.mode_label", "storage is {mode} ({label})", mode=mode, label=LABELS_ZH[mode])
    if mode == ADMINONLY:
        return Decision(False, Reason("storage.adminonly", "{label}: mini program users can neither read nor "
                                      "write files", label=label))
    mine = not exists or (caller.openid is not None and owner == caller.openid)
    if op == "read":
        if mode != PRIVATE:
            return Decision(True, Reason("storage.everyone_reads", "{label}: every user may read {path}",
                                         label=label, path=path))
        if mine and caller.openid:
            return Decision(True, Reason("storage.uploader_reads", "{label}: {who} uploaded {path}, so may read it",
                                         label=label, who=who, path=path))
        if not caller.openid:
            return Decision(False, Reason("storage.signed_out_reads", "{label}: a signed-out visitor owns no files "
                                          "to read", label=label))
        return Decision(False, Reason("storage.only_uploader_reads", "{label}: only the uploader of {path} may read "
                                      "it ({owned}), not {who}", label=label, path=path,
                                      owned=_owned(owner, owner_name), who=who))
    if mode == ADMINWRITE:
        return Decision(False, Reason("storage.adminwrite", "{label}: only admins may upload, overwrite or delete "
                                      "files", label=label))
    if not caller.openid:
        return Decision(False, Reason("storage.signed_out_writes", "{label}: a signed-out visitor has no openid to "
                                      "own files", label=label))
    if not exists:
        return Decision(True, Reason("storage.new_file", "{label}: {who} may write {path}, a new file that becomes "
                                     "theirs", label=label, who=who, path=path))
    if mine:
        return Decision(True, Reason("storage.uploader_writes", "{label}: {who} uploaded {path}, so may overwrite "
                                     "or delete it", label=label, who=who, path=path))
    return Decision(False, Reason("storage.only_uploader_writes", "{label}: only the uploader of {path} may "
                                  "overwrite or delete it ({owned}), not {who}", label=label, path=path,
                                  owned=_owned(owner, owner_name), who=who))


def signed_out() -> Reason:
    """How a storage reason names a caller with no openid (and no persona)."""
    return Reason("storage.signed_out", "a signed-out visitor")


def _owned(owner: str | None, name: str | None = None) -> Reason:
    if owner and name:
        return Reason("storage.uploaded_by_persona", "uploaded by {name} ({owner})", name=name, owner=owner)
    if owner:
        return Reason("storage.uploaded_by", "uploaded by {owner}", owner=owner)
    return Reason("storage.uploaded_by_nobody", "uploaded by an admin or added by hand, so no user owns it")
