"""The query planner: which documents a query needs to look at, by an index or by a scan.

An index only narrows the candidates: the caller still tests every candidate with the whole
query, and candidates come in the store's order, so a planned query answers exactly what a scan
answers (``tests/core/database/test_planner_property.py``). Used for top-level equality, ``$eq``,
``$in`` and ranges (``$gt``/``$gte``/``$lt``/``$lte``, type-bracketed as MongoDB compares) on
scalar operands (string, number, bool, null, date, ObjectId), on an index's leading fields: its
equality prefix, then at most one range. An ``orderBy`` whose fields are an index's (after the
fields an equality fixes), all ascending or all descending, is read in index order without a sort
when no document has an array on those fields; ties keep the store's order.

Each plan is noted on the request's trace (``requests.note_plan``): ``{"collection", "index":
name or None (a full scan), "examined": documents looked at, "sorted": whether the index gave
the order}``; the timeline shows it. A top-level ``$or`` whose every branch has an index takes
the union of their candidates (``index``: their names, joined by ", ").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from itertools import product
from typing import Any

from app.core.database.index_specs import EMPTY, ID_INDEX, NULL
from app.core.database.indexes import TOP, CollectionIndexes, Index
from app.core.database.ordering import normalize_order
from app.core.database.values import is_object_id, value_key
from app.core.requests import note_plan

_MAX_COMBINATIONS = 4096  # $in lists multiplied over a compound index's fields
_RANGE = {"$gt": 1, "$gte": 1, "$lt": -1, "$lte": -1}


class _Field:
    """What a query asks of one field: a set of keys (equality, $in) and/or a range."""

    def __init__(self) -> None:
        self.eq: list[tuple] | None = None
        self.low: tuple | None = None
        self.high: tuple | None = None


def scalar_key(value: Any) -> tuple | None:
    """The index key of a plannable operand, or None (arrays, objects, regexes, NaN …)."""
    kind = type(value)
    if kind is str:
        return (4, value)
    if kind is bool or ((kind is int or kind is float) and value == value):
        return value_key(value)
    if value is None:
        return NULL
    if isinstance(value, datetime) or is_object_id(value):
        return value_key(value)
    return None


def _equal_keys(values: list) -> list[tuple] | None:
    keys = []
    for value in values:
        key = scalar_key(value)
        if key is None:
            return None
        keys.append(key)
        if key == NULL:
            keys.append(EMPTY)  # generous: what null reaches in arrays is the query's to judge
    return keys


def _fields(query: Mapping | None, into: dict[str, _Field] | None = None) -> dict[str, _Field]:
    found = {} if into is None else into
    if not isinstance(query, Mapping):
        return found
    for path, spec in query.items():
        if type(path) is not str:
            continue
        if path == "$and" and type(spec) is list:
            for part in spec:
                _fields(part, found)
            continue
        if path.startswith("$") or path in found:
            continue
        field = _Field()
        if isinstance(spec, Mapping):
            if not spec or not all(type(op) is str and op.startswith("$") for op in spec):
                continue  # an object to equal: not planned
            if "$eq" in spec:
                field.eq = _equal_keys([spec["$eq"]])
            if field.eq is None and type(spec.get("$in")) is list and spec["$in"]:
                field.eq = _equal_keys(spec["$in"])
            for op, side in _RANGE.items():
                key = scalar_key(spec.get(op)) if op in spec else None
                if key is None or key == NULL:
                    continue
                if side > 0 and field.low is None:
                    field.low = key
                elif side < 0 and field.high is None:
                    field.high = key
        else:
            field.eq = _equal_keys([spec])
        if field.low is not None and field.high is not None and field.low[0] != field.high[0]:
            field.high = None  # different type brackets: nothing matches, the query will say so
        if field.eq is not None or field.low is not None or field.high is not None:
            found[path] = field
    return found


class _Choice:
    def __init__(self, index: Index, combos: list[tuple], rng: tuple[tuple, tuple] | None) -> None:
        self.index, self.combos, self.range = index, combos, rng

    def bounds(self) -> Iterator[tuple[tuple, tuple]]:
        for combo in self.combos:
            if self.range is not None:
                low, high = self.range
                yield combo + (low,), combo + (high, TOP)
            else:
                yield combo, combo + (TOP,)


def _choose(built: CollectionIndexes, fields: dict[str, _Field]) -> _Choice | None:
    best, best_score = None, (0, 0)
    for index in built.indexes:
        eqs: list[list[tuple]] = []
        rng = None
        for i, (name, _direction) in enumerate(index.spec.keys):
            field = fields.get(name)
            if field is None:
                break
            if field.eq is not None:
                eqs.append(field.eq)
                continue
            low, high = field.low, field.high
            if low is not None and high is not None and index.arrays[i]:
                high = None  # each bound may be met by another element of an array (Q11)
            rank = (low or high)[0]
            rng = (low if low is not None else (rank,), high if high is not None else (rank + 0.5,))
            break
        score = (len(eqs), 1 if rng is not None else 0)
        if score > best_score:
            combos = 1
            for keys in eqs:
                combos *= len(keys)
            if combos <= _MAX_COMBINATIONS:
                best, best_score = _Choice(index, list(product(*eqs)), rng), score
    return best


def candidates(store: Any, collection: str, query: Mapping | None, *, copy: bool = True) -> list[dict]:
    """A superset of the documents ``query`` matches, in the store's order (noted as a plan);
    ``copy=False`` (a count, under the store's lock) may give a full scan the store's live view."""
    doc_id = query.get("_id") if isinstance(query, Mapping) else None
    if type(doc_id) in (str, int, float) or is_object_id(doc_id):
        doc = store.get(collection, doc_id)
        note_plan({"collection": collection, "index": ID_INDEX, "examined": int(doc is not None), "sorted": False})
        return [doc] if doc is not None else []
    built = _built(store, collection)
    found = _lookup(built, query) if built is not None and query else None
    if found is None:
        docs = store.documents(collection, copy=copy)
        note_plan({"collection": collection, "index": None, "examined": len(docs), "sorted": False})
        return docs
    ids, names = found
    docs = store.by_keys(collection, built.in_order(ids))
    note_plan({"collection": collection, "index": ", ".join(names), "examined": len(docs), "sorted": False})
    return docs


def _lookup(built: CollectionIndexes, query: Any) -> tuple[dict, list[str]] | None:
    """The ``_id`` keys an index finds for ``query`` and the indexes used, or None (scan): one
    index for its fields, else for a top-level ``$or`` the union of each branch's (every branch
    must have one)."""
    if not isinstance(query, Mapping):
        return None
    choice = _choose(built, _fields(query))
    if choice is not None:
        index, ids = choice.index, {}
        for low, high in choice.bounds():
            if low == high[:-1] and len(low) == len(index.paths):  # a whole key: one bucket
                ids.update(index.buckets.get(low, ()))
                continue
            for entry in index.between(low, high):
                ids.update(index.buckets[entry])
        return ids, [index.spec.name]
    branches = query.get("$or")
    if type(branches) is not list or not branches:
        return None
    ids, names = {}, []
    for branch in branches:
        found = _lookup(built, branch)
        if found is None:
            return None
        ids.update(found[0])
        names.extend(name for name in found[1] if name not in names)
    return ids, names


def in_index_order(store: Any, collection: str, query: Mapping | None, order: Any) -> Iterable[dict] | None:
    """The documents in ``order`` read from an index (a superset of the matches, lazily), or None
    when no index gives that order (then sort the candidates)."""
    built = _built(store, collection)
    if built is None or not order or _near_order(query) is not None:
        return None  # (a near query with an order: the order wins, and find() must know it)
    keys = normalize_order(order)
    directions = {direction for _parts, direction in keys}
    if len(directions) != 1:
        return None
    wanted = [parts for parts, _direction in keys]
    choice = _choose(built, _fields(query)) if query else None
    for index in built.indexes:
        fixed = 0
        if choice is not None:
            if choice.index is not index or len(choice.combos) != 1:
                continue
            fixed = len(choice.combos[0])
        span = index.paths[fixed:fixed + len(wanted)]
        if span != wanted or any(index.arrays[fixed:fixed + len(wanted)]):
            continue
        plan = {"collection": collection, "index": index.spec.name, "examined": 0, "sorted": True}
        note_plan(plan)  # "examined" grows as the caller reads on
        return _walk(store, collection, built, index, choice, (fixed, len(wanted)), directions.pop() < 0, plan)
    return None


def _walk(store, collection, built, index, choice, span, descending, plan) -> Iterator[dict]:
    fixed, width = span
    keys = index.sorted_keys()  # read under the store's lock, which the caller holds throughout
    start, stop = index.positions(*next(choice.bounds())) if choice is not None else (0, len(keys))
    group, ids = None, {}
    for at in range(stop - 1, start - 1, -1) if descending else range(start, stop):
        entry = keys[at]
        key = entry[fixed:fixed + width]
        if key != group:
            if ids:
                yield from _docs(store, collection, built, ids, plan)
            group, ids = key, {}
        ids.update(index.buckets[entry])
    if ids:
        yield from _docs(store, collection, built, ids, plan)


def _docs(store, collection, built, ids, plan) -> list[dict]:
    docs = store.by_keys(collection, built.in_order(ids))
    plan["examined"] += len(docs)
    return docs


def _built(store: Any, collection: str) -> CollectionIndexes | None:
    catalog = getattr(store, "indexes", None)  # a transaction's or a dry run's view scans
    return catalog.of(collection) if catalog is not None else None


def _near_order(query: Any):
    from app.core.database.geo_query import near_order  # the geometry loads with the first geo query

    return near_order(query)
