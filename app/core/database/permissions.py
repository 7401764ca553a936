"""The four simple collection permission modes (spec §4.1), as one decision function."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.core.reasons import Reason
from app.core.requests import Caller

READONLY = "READONLY"
PRIVATE = "PRIVATE"
ADMINWRITE = "ADMINWRITE"
ADMINONLY = "ADMINONLY"
MODES = (READONLY, PRIVATE, ADMINWRITE, ADMINONLY)
# Collections created by code start PRIVATE; the console's default is unstated (§10 #10).
DEFAULT_MODE = PRIVATE

# The console's wording, newer labels (spec §4.1).
LABELS_ZH = {
    READONLY: "所有用户可读，仅创建者及管理员可写",
    PRIVATE: "仅创建者及管理员可读写",
    ADMINWRITE: "所有用户可读，仅管理员可写",
    ADMINONLY: "仅管理员可读写",
}
LABELS_EN = {
    READONLY: "All users can read; only the creator and admins can write",
    PRIVATE: "Only the creator and admins can read and write",
    ADMINWRITE: "All users can read; only admins can write",
    ADMINONLY: "Only admins can read and write",
}

Operation = Literal["read", "create", "write"]


@dataclass(frozen=True)
class Access:
    """A permission verdict: allowed or not, why, and which documents it is limited to.

    ``owner`` set means the request only reaches documents whose ``_openid`` is that
    openid (PRIVATE reads, creator-only writes): others' documents are silently skipped,
    exactly as the real service adds an implicit ``_openid`` condition.
    """

    allowed: bool
    reason: str
    owner: str | None = None
    # The structured decision for the event log (``requests.Decision``'s kind, mode, rule,
    # values, missing), set by ``rules_guard``; the reason stays the words shown today.
    details: dict | None = field(default=None, compare=False)
    # Given as a Reason, ``reason`` is kept here (the app says it in the person's language)
    # and ``reason`` becomes its English text.
    why: Reason | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.reason, Reason):
            object.__setattr__(self, "why", self.reason)
            object.__setattr__(self, "reason", self.reason.text)


def decide(mode: str, caller: Caller, operation: Operation, collection: str) -> Access:
    """What ``caller`` may do to ``collection`` under ``mode`` (admins bypass every mode)."""
    if not caller.is_client:
        return Access(True, Reason("database.admin_bypass", "{source} runs as admin: permissions do not apply",
                                   source=caller.source))
    who = caller.persona or caller.openid or signed_out()
    named = {"collection": collection, "mode": mode, "mode_zh": LABELS_ZH[mode]}
    if mode == ADMINONLY:
        return Access(False, Reason("database.mode_no_access", "{collection} is {mode} ({mode_zh}): mini program "
                                    "users can neither read nor write it", **named))
    if operation == "read":
        if mode == PRIVATE:
            return Access(
                True,
                Reason("database.mode_reads_own", "{collection} is {mode} ({mode_zh}): {who} sees only the "
                       "documents they created", who=who, **named),
                owner=caller.openid or _NOBODY,
            )
        return Access(True, Reason("database.mode_reads_all", "{collection} is {mode} ({mode_zh}): every user "
                                   "may read it", **named))
    if mode == ADMINWRITE:
        return Access(False, Reason("database.mode_no_write", "{collection} is {mode} ({mode_zh}): mini program "
                                    "users cannot write it", **named))
    if not caller.openid:
        return Access(False, Reason("database.mode_signed_out_write", "{collection} is {mode} ({mode_zh}): a "
                                    "signed-out visitor has no openid to own documents", **named))
    if operation == "create":
        return Access(True, Reason("database.mode_creates_own", "{collection} is {mode} ({mode_zh}): {who} may "
                                   "add documents, which become theirs", who=who, **named))
    return Access(
        True,
        Reason("database.mode_writes_own", "{collection} is {mode} ({mode_zh}): {who} may change only the "
               "documents they created", who=who, **named),
        owner=caller.openid,
    )


def signed_out() -> Reason:
    """How a reason names a caller with no openid (and no persona)."""
    return Reason("database.signed_out", "a signed-out visitor")


# Matches no real document: a signed-out visitor owns nothing.
_NOBODY = "\0no-openid"


def owns(doc: dict, owner: str | None) -> bool:
    """Whether an owner-limited request reaches ``doc``."""
    return owner is None or doc.get("_openid") == owner
