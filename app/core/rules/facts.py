"""What a Mongo-style query guarantees about every document it can return, field by field.

For a rule on a query, ``doc`` is the query's condition, not a stored document (spec §4.2):
``where({_openid: 'oA…', status: _.in(['a', 'b'])})`` guarantees ``doc._openid == 'oA…'`` and
``doc.status in ['a', 'b']``. A query is read into branches (its ``or``s spread out), each a
map from field path to ``Facts``; what a condition does not pin down (a regex, ``exists``,
``elemMatch`` …) adds no facts, so a rule that needs it cannot be proven from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from app.core.rules.values import compare, equal, shown

MAX_BRANCHES = 64  # or() combinations a query may spread into before wxsim gives up proving
_UNSET = object()


class TooComplex(Exception):
    """The query's or() conditions combine into more than MAX_BRANCHES cases."""


@dataclass(frozen=True)
class Facts:
    """What one field of every matching document satisfies."""

    eq: Any = _UNSET  # the field equals this
    one_of: tuple | None = None  # the field equals one of these ($in)
    not_in: tuple = ()  # the field equals none of these ($ne, $nin)
    low: tuple | None = None  # (value, inclusive): the field is above it ($gt, $gte)
    high: tuple | None = None  # (value, inclusive): the field is below it ($lt, $lte)
    empty: bool = False  # contradictory: no document matches, so anything holds for all of them
    conditions: tuple = field(default=(), compare=False)  # the query's own words, for display

    @property
    def pinned(self) -> bool:
        return self.eq is not _UNSET

    def merged(self, other: "Facts") -> "Facts":
        """Both sets of facts hold (the conditions are ANDed)."""
        eq, empty = self.eq, self.empty or other.empty
        if other.pinned:
            if eq is not _UNSET and not equal(eq, other.eq):
                empty = True
            eq = other.eq if eq is _UNSET else eq
        one_of = self.one_of
        if other.one_of is not None:
            one_of = other.one_of if one_of is None else tuple(v for v in one_of if any(equal(v, w) for w in other.one_of))
        return Facts(eq, one_of, self.not_in + other.not_in, _tighter(self.low, other.low, ">"),
                     _tighter(self.high, other.high, "<"), empty, self.conditions + other.conditions)

    def summary(self) -> Any:
        """The conditions as the query gave them, JSON-able (for a decision)."""
        if len(self.conditions) == 1:
            return shown(self.conditions[0])
        return {"$and": [shown(c) for c in self.conditions]}


Branch = dict[str, Facts]


def branches(query: Mapping | None) -> list[Branch]:
    """The query as OR-ed branches of per-field facts; TooComplex past MAX_BRANCHES."""
    if not query:
        return [{}]
    return _query(query)


def facts_at(branch: Branch, path: str) -> Facts | None:
    """The facts on ``path``, also when the query pinned a whole object or array above it."""
    if path in branch:
        return branch[path]
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        above = branch.get(".".join(parts[:cut]))
        if above is not None and above.pinned:
            value = above.eq
            for part in parts[cut:]:
                if isinstance(value, dict):
                    value = value.get(part)
                elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                    value = value[int(part)]
                else:
                    value = None
            return Facts(eq=value, conditions=above.conditions)
    return None


def _query(query: Mapping) -> list[Branch]:
    result: list[Branch] = [{}]
    for key, value in query.items():
        if key == "$and" and isinstance(value, list):
            for sub in value:
                result = _both(result, _query(sub) if isinstance(sub, Mapping) else [{}])
        elif key == "$or" and isinstance(value, list):
            result = _both(result, _either([_query(sub) if isinstance(sub, Mapping) else [{}] for sub in value]))
        elif isinstance(key, str) and not key.startswith("$"):
            result = _both(result, _field(key, value))
        # $nor, $expr …: they narrow the query but guarantee nothing wxsim can use
    return result


def _field(path: str, condition: Any) -> list[Branch]:
    if isinstance(condition, Mapping) and condition and all(str(k).startswith("$") for k in condition):
        result: list[Branch] = [{}]
        for op, argument in condition.items():
            result = _both(result, _operator(path, op, argument))
        return result
    if _plain(condition):
        return [{path: Facts(eq=condition, conditions=(condition,))}]
    return [{}]


def _operator(path: str, op: str, arg: Any) -> list[Branch]:
    said = ({op: arg},)
    if op == "$eq" and _plain(arg):
        return [{path: Facts(eq=arg, conditions=said)}]
    if op in ("$in", "$nin") and isinstance(arg, list) and all(_plain(v) for v in arg):
        facts = Facts(one_of=tuple(arg), conditions=said) if op == "$in" else Facts(not_in=tuple(arg), conditions=said)
        return [{path: facts}]
    if op == "$ne" and _plain(arg):
        return [{path: Facts(not_in=(arg,), conditions=said)}]
    if op in ("$gt", "$gte", "$lt", "$lte") and _scalar(arg):
        bound = (arg, op.endswith("e"))
        return [{path: Facts(low=bound, conditions=said) if op.startswith("$g") else Facts(high=bound, conditions=said)}]
    if op == "$and" and isinstance(arg, list):
        result: list[Branch] = [{}]
        for sub in arg:
            result = _both(result, _field(path, sub))
        return result
    if op == "$or" and isinstance(arg, list):
        return _either([_field(path, sub) for sub in arg])
    return [{}]


def _both(left: list[Branch], right: list[Branch]) -> list[Branch]:
    if len(left) * len(right) > MAX_BRANCHES:
        raise TooComplex
    out = []
    for a in left:
        for b in right:
            merged = dict(a)
            for path, facts in b.items():
                merged[path] = merged[path].merged(facts) if path in merged else facts
            out.append(merged)
    return out


def _either(options: list[list[Branch]]) -> list[Branch]:
    out = [branch for option in options for branch in option]
    if len(out) > MAX_BRANCHES:
        raise TooComplex
    return out or [{}]


def _tighter(a: tuple | None, b: tuple | None, direction: str) -> tuple | None:
    if a is None or b is None:
        return a or b
    if compare(direction, b[0], a[0]) or (equal(a[0], b[0]) and not b[1]):
        return b
    return a


def _scalar(value: Any) -> bool:
    return type(value) in (int, float, str) or isinstance(value, datetime)


def _plain(value: Any) -> bool:
    """A value a field can equal: JSON, or a date (not a regex, a command, a geo shape)."""
    if value is None or type(value) in (bool, int, float, str) or isinstance(value, datetime):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and not k.startswith("$") and _plain(v) for k, v in value.items())
    return False


__all__ = ["Branch", "Facts", "MAX_BRANCHES", "TooComplex", "branches", "facts_at"]
