"""A whole rules object: validated when set, compiled once, and asked for one operation's rule.

Database rules (spec §4.2) have the keys ``read``, ``write``, ``create``, ``update`` and
``delete``; ``create``/``update``/``delete`` fall back to ``write``, and an operation with no
rule is denied. Storage rules (spec §4.4) have ``read`` and ``write``. A value is ``true``,
``false`` or an expression string of at most 1024 characters.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from app.core import jsontext
from app.core.errors import InputError
from app.core.reasons import Reason
from app.core.rules.parser import DATABASE_NAMES, STORAGE_NAMES, Expression, parse
from app.core.rules.syntax import Lit, RuleSyntaxError

CUSTOM = "CUSTOM"  # the manager API's name for a collection (or bucket) under security rules
LABEL_ZH = "自定义安全规则"
LABEL_EN = "Custom security rules"
DATABASE_KEYS = ("read", "write", "create", "update", "delete")
STORAGE_KEYS = ("read", "write")
_FALLBACK = {"create": "write", "update": "write", "delete": "write"}
_CACHE_SIZE = 256


@dataclass(frozen=True)
class Rule:
    """The rule that decides ``name`` (an operation): the one under ``key``, or none."""

    name: str
    key: str | None  # "write" when create/update/delete fell back to it; None: no rule applies
    expression: Expression | None

    @property
    def text(self) -> str | None:
        return self.expression.text if self.expression else None

    @property
    def constant(self) -> bool | None:
        """True or False for a rule that is a bare true/false, else None."""
        tree = self.expression.tree if self.expression else None
        return bool(tree.value) if isinstance(tree, Lit) and isinstance(tree.value, bool) else None

    def describe(self) -> dict:
        """JSON-able, for a decision: ``{"name": "update", "key": "write", "text": "…"}``."""
        return {"name": self.name, "key": self.key, "text": self.text}


class RuleSet:
    """A validated rules object; ``raw`` is what was set, to save and to show."""

    def __init__(self, raw: dict, expressions: dict[str, Expression]) -> None:
        self.raw = raw
        self._expressions = expressions

    def rule(self, operation: str) -> Rule:
        if operation in self._expressions:
            return Rule(operation, operation, self._expressions[operation])
        fallback = _FALLBACK.get(operation)
        if fallback in self._expressions:
            return Rule(operation, fallback, self._expressions[fallback])
        return Rule(operation, None, None)


def database_rules(raw: Any) -> RuleSet:
    """Validate database rules; InputError naming the key (and line and column) if malformed."""
    return _compiled(raw, "database")


def storage_rules(raw: Any) -> RuleSet:
    """Validate storage rules (``read``, ``write``; variables ``auth`` and ``resource``)."""
    return _compiled(raw, "storage")


_AREAS = {"database": Reason("rules.area_database", "database"), "storage": Reason("rules.area_storage", "storage")}
_cache: dict[tuple[str, str], RuleSet] = {}
_by_identity: dict[tuple[str, int], tuple[Any, RuleSet]] = {}
_cache_lock = threading.Lock()


def _compiled(raw: Any, kind: str) -> RuleSet:
    if isinstance(raw, str):  # the manager API sends the rules as JSON text
        raw = jsontext.loads(raw, what=Reason("rules.the_rules", "The security rules"))
    if not isinstance(raw, dict):
        example = '{"read": "doc._openid == auth.openid", "write": "doc._openid == auth.openid"}'
        if kind == "storage":
            example = '{"read": true, "write": "resource.openid == auth.openid"}'
        raise InputError(Reason("rules.not_an_object", "The security rules must be a JSON object such as "
                                "{example}, not {kind}.", example=example, kind=_kind(raw)))
    with _cache_lock:
        # The saved rules are the same dict object request after request: know it by identity
        # first (the entry keeps it alive, so its id cannot be reused), by its text second.
        same = _by_identity.get((kind, id(raw)))
        if same is not None and same[0] is raw:
            return same[1]
        key = (kind, json.dumps(raw, sort_keys=True, ensure_ascii=False, default=repr))
        hit = _cache.get(key)
    ruleset = hit or _validate(raw, kind)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
            _by_identity.clear()
        _cache[key] = ruleset
        _by_identity[(kind, id(raw))] = (raw, ruleset)
    return ruleset


def _validate(raw: dict, kind: str) -> RuleSet:
    keys = DATABASE_KEYS if kind == "database" else STORAGE_KEYS
    names, allow_get = (DATABASE_NAMES, True) if kind == "database" else (STORAGE_NAMES, False)
    expressions = {}
    for key, value in raw.items():
        if key not in keys:
            raise InputError(Reason("rules.unknown_key", 'Unknown key "{key}" in the {kind} security rules; the '
                                    "keys are {keys}.", key=key, kind=_AREAS[kind], keys=", ".join(keys)))
        if isinstance(value, bool):
            text = "true" if value else "false"
            expressions[key] = Expression(text, Lit(0, len(text), value))
        elif isinstance(value, str):
            try:
                expressions[key] = parse(value, names, allow_get=allow_get)
            except RuleSyntaxError as exc:
                raise exc.named(key) from None
        else:
            raise InputError(Reason("rules.bad_rule_value", 'The "{key}" rule must be true, false or an expression '
                                    "string, not {kind}.", key=key, kind=_kind(value)))
    return RuleSet(dict(raw), expressions)



def _kind(value: Any) -> Reason:
    if value is None:
        return Reason("rules.kind_null", "null")
    words = {bool: Reason("rules.kind_boolean", "a boolean"), int: Reason("rules.kind_number", "a number"),
             float: Reason("rules.kind_number", "a number"), str: Reason("rules.kind_string", "a string"),
             list: Reason("rules.kind_list", "a list")}
    return words.get(type(value)) or Reason("rules.kind_other", "{name}", name=type(value).__name__)
