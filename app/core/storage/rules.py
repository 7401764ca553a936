"""Storage security rules (CUSTOM, spec §4.4): ``{"read": expr, "write": expr}`` over ``auth``
and ``resource`` (``resource.openid``: who uploaded the file; ``resource.path``: its cloudPath).

Evaluated per file, so there is no query to prove: a refusal is -503002 for that file. Admins
bypass the rules; temp URLs, once handed out, are signed links anyone may open (§4.4).
"""

from __future__ import annotations

from typing import Any

from app.core.errors import InputError, SimulatorError
from app.core.reasons import Reason
from app.core.requests import Caller, Decision
from app.core.rules.evaluate import Scope, evaluate
from app.core.rules.ruleset import CUSTOM, storage_rules
from app.core.storage.permissions import signed_out

_VERBS = {"read": Reason("storage.verb_read", "read"),
          "write": Reason("storage.verb_write", "upload, overwrite or delete")}


def decide_by_rules(raw: Any, caller: Caller, op: str, path: str, owner: str | None, *, exists: bool) -> Decision:
    """Whether ``caller`` may ``op`` the file at ``path`` under the saved rules ``raw``.

    A file that does not exist is judged as the caller's own (``resource.openid`` is the
    caller's), as the simple modes judge it: a read then answers "no such file", an upload
    creates a file that becomes the caller's.
    """
    if not caller.is_client:
        return Decision(True, Reason("storage.admin_no_rules", "{source} runs as admin: storage security rules do "
                                     "not apply", source=caller.source), kind="admin", mode=CUSTOM)
    try:
        rule = storage_rules(raw if raw is not None else {}).rule(op)
    except SimulatorError as exc:  # workspace.json edited by hand into rules that do not parse
        return _decision(False, Reason("storage.rules_unreadable", "the saved storage security rules cannot be read "
                                       "({error}); set them again", error=exc.reason or str(exc)),
                         {"name": op, "key": None, "text": None}, [])
    head = Reason("storage.rules_head", "storage has security rules: the {op} rule", op=op)
    if rule.expression is None:
        return _decision(False, Reason("storage.rules_no_rule", "storage has security rules but no {op} rule, so "
                                       "mini program users cannot {verb} files", op=op, verb=_VERBS[op]),
                         rule.describe(), [])
    who = caller.persona or caller.openid or signed_out()
    resource = {"openid": owner if exists else caller.openid, "path": path}
    outcome = evaluate(rule.expression, Scope(auth={"openid": caller.openid} if caller.openid else None,
                                               resource=resource))
    if outcome.allowed:
        return _decision(True, Reason("storage.rule_holds", "{head} ({rule}) holds for {who} on {path}", head=head,
                                      rule=rule.text, who=who, path=path), rule.describe(), outcome.values)
    if outcome.error:
        return _decision(False, Reason("storage.rule_false_error", "{head} ({rule}) is false for {who} on {path}: "
                                       "{error}", head=head, rule=rule.text, who=who, path=path,
                                       error=outcome.why or outcome.error), rule.describe(), outcome.values)
    return _decision(False, Reason("storage.rule_false", "{head} ({rule}) is false for {who} on {path}", head=head,
                                   rule=rule.text, who=who, path=path), rule.describe(), outcome.values)


def checked_rules(mode: Any, given: Any, saved: dict | None) -> dict | None:
    """The rules to save with ``mode`` (None for a simple mode), validated whole first."""
    if mode != CUSTOM:
        if given is not None:
            raise InputError(Reason("storage.rules_need_custom", "Storage security rules go with the mode CUSTOM, "
                                    "not {mode}.", mode=mode))
        return None
    if given is None:
        if saved is None:
            raise InputError(Reason("storage.custom_needs_rules", "CUSTOM needs the storage security rules, e.g. "
                                    "{example}.", example='{"read": true, "write": "resource.openid == auth.openid"}'))
        given = saved
    return storage_rules(given).raw


def _decision(allowed: bool, reason: Reason, rule: dict, values: list) -> Decision:
    return Decision(allowed, reason, kind="rule", mode=CUSTOM, rule=rule, values=values, missing=None)
