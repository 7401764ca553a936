"""``orderBy``: BSON order across types, array min/max keys, stable multi-key sorts (§3.7).

An order is ``{"a": 1, "b": -1}`` (the wire form, keys in call order) or a sequence of
``(path, direction)`` pairs; a direction is 1/-1 or ``"asc"``/``"desc"``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from app.core.database.failures import invalid_param
from app.core.database.fieldpaths import Parts, reached_values, split_path
from app.core.database.values import (
    MISSING,
    RANK_MISSING,
    RANK_NULL,
    RANK_NUMBER,
    RANK_STRING,
    value_key,
)

Order = Mapping[str, Any] | Sequence[tuple[str, Any]]
SortKey = Callable[[dict], tuple]

_NULL_KEY = (RANK_NULL,)
# An empty array sorts below null in both directions (Mongo); MISSING's slot is free here.
_EMPTY_ARRAY_KEY = (RANK_MISSING,)
_DIRECTIONS = {1: 1, -1: -1, "asc": 1, "desc": -1}


def normalize_order(order: Order | None) -> list[tuple[Parts, int]]:
    """The order as ``[(path parts, 1|-1), ...]``, validated."""
    if not order:
        return []
    pairs: Iterable = order.items() if isinstance(order, Mapping) else order
    keys = []
    for pair in pairs:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise invalid_param(f"bad sort specification: {pair!r}")
        path, direction = pair
        if type(direction) not in (int, float, str) or direction not in _DIRECTIONS:
            raise invalid_param(f"bad sort direction for {path!r}: {direction!r}")
        keys.append((split_path(path), _DIRECTIONS[direction]))
    return keys


def sort_key(path: str | Parts, direction: int = 1) -> SortKey:
    """The key of one sort field: arrays give their min (ascending) or max (descending)."""
    parts = split_path(path) if type(path) is str else tuple(path)
    pick = min if direction > 0 else max
    if len(parts) == 1:
        field = parts[0]

        def single(doc: dict) -> tuple:
            value = doc.get(field, MISSING)
            kind = type(value)
            # Inline the two commonest classes: this runs once per document per sort.
            if kind is str:
                return (RANK_STRING, value)
            if (kind is int or kind is float) and value == value:
                return (RANK_NUMBER, 1, value)
            if kind is list:
                return _array_key(value, pick) if value else _EMPTY_ARRAY_KEY
            return _NULL_KEY if value is MISSING else value_key(value)

        return single

    def nested(doc: dict) -> tuple:
        candidates: list = []
        saw_empty = False
        for value in reached_values(doc, parts):
            if type(value) is list:
                candidates.extend(value)
                saw_empty = saw_empty or not value
            else:
                candidates.append(None if value is MISSING else value)
        if not candidates:
            return _EMPTY_ARRAY_KEY if saw_empty else _NULL_KEY
        return pick(value_key(value) for value in candidates)

    return nested


def _array_key(values: list, pick: Callable) -> tuple:
    return pick(value_key(value) for value in values)


def sort_documents(
    docs: Iterable[dict], order: Order | None, limit: int | None = None
) -> list[dict]:
    """A new list of the documents in ``order``, cut to ``limit`` if given.

    Ties keep their input order (stable), also when a heap picks the first ``limit``.
    """
    result = list(docs)
    keys = normalize_order(order)
    directions = {direction for _, direction in keys}
    if limit is not None and keys and len(directions) == 1 and limit < len(result):
        # All keys one way: a heap over the composite key beats sorting everything.
        fields = [sort_key(parts, direction) for parts, direction in keys]
        composite = fields[0] if len(fields) == 1 else (lambda doc: tuple(f(doc) for f in fields))
        pick = heapq.nsmallest if directions == {1} else heapq.nlargest
        return pick(limit, result, key=composite)
    # One stable pass per key, least significant first, gives the multi-key order.
    for parts, direction in reversed(keys):
        result.sort(key=sort_key(parts, direction), reverse=direction < 0)
    return result if limit is None else result[:limit]
