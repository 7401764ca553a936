"""``field()`` projections: inclusion, exclusion, ``$slice`` and ``$elemMatch`` (Mongo 4.4 rules).

A value of 1/true (any non-zero number) includes a path, 0/false excludes it. ``_id``
is kept unless excluded, and is the one field that may be excluded from an inclusion
projection. ``$slice`` alone keeps every other field (Q71); ``$elemMatch`` counts as an
inclusion. Projected documents are new objects; the input is never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.database.failures import invalid_command, request_failed
from app.core.database.fieldpaths import Parts, split_path
from app.core.database.query import element_matcher
from app.core.database.values import clone, is_number, is_whole
from app.core.reasons import Reason

Projector = Callable[[dict], dict]
_INCLUDE = True


def apply_projection(doc: dict, spec: Mapping[str, Any] | None) -> dict:
    """Project one document (compile once with ``compile_projection`` for many)."""
    return compile_projection(spec)(doc)


def compile_projection(spec: Mapping[str, Any] | None) -> Projector:
    """A function that projects a document; an empty or missing spec copies it whole."""
    if not spec:
        return clone
    if not isinstance(spec, Mapping):
        raise request_failed(Reason("projection.not_object", "projection must be an object"))
    includes: list[Parts] = []
    excludes: list[Parts] = []
    slices: dict[Parts, tuple[int, int | None]] = {}
    matchers: dict[str, Callable[[Any], bool]] = {}
    keep_id = True
    id_only = False
    for path, value in _flatten(spec):
        parts = split_path(path)
        if type(value) is dict:
            _operator(parts, value, slices, matchers)
        elif type(value) is bool or is_number(value):
            if path == "_id":
                keep_id = id_only = bool(value)
            else:
                (includes if value else excludes).append(parts)
        else:
            raise request_failed(Reason("projection.value_type", "projection value for '{path}' must be a number or boolean",
                                        path=path))
    _check_mix(includes, excludes, matchers)
    _check_collisions(includes + excludes + list(slices) + [(name,) for name in matchers])
    # `{_id: 1}` alone is an inclusion projection of just `_id`.
    if includes or matchers or (id_only and not excludes):
        tree = _tree(includes + list(slices) + ([("_id",)] if keep_id else []))
        return lambda doc: _finish(_include(doc, tree), slices, matchers, doc)
    tree = _tree(excludes + ([] if keep_id else [("_id",)]))
    return lambda doc: _finish(_exclude(doc, tree), slices, matchers, doc)


def _flatten(spec: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested projection objects (``{style: {color: 1}}``) become dot paths."""
    pairs = []
    for key, value in spec.items():
        path = f"{prefix}{key}"
        if type(value) is dict and value and not str(next(iter(value))).startswith("$"):
            pairs.extend(_flatten(value, path + "."))
        else:
            pairs.append((path, value))
    return pairs


def _operator(parts: Parts, value: dict, slices: dict, matchers: dict) -> None:
    if len(value) != 1:
        raise request_failed(Reason("projection.operator_keys", "projection operator object for '{path}' needs one key",
                                    path=".".join(parts)))
    (op, arg), = value.items()
    if op == "$slice":
        slices[parts] = _slice_args(arg)
    elif op == "$elemMatch":
        if len(parts) != 1:
            raise request_failed(Reason(
                "projection.elem_match_nested", "Cannot use $elemMatch projection on a nested field."
            ))
        matchers[parts[0]] = element_matcher(arg)
    else:
        raise invalid_command(Reason(
            "projection.unknown_operator", "Unknown projection operator {op}", op=op
        ))


def _slice_args(arg: Any) -> tuple[int, int | None]:
    """``$slice: n`` / ``-n`` / ``[skip, n]`` as (start, count); count None means "to the end"."""
    if is_whole(arg):
        return (0, int(arg)) if arg >= 0 else (int(arg), None)
    if type(arg) is list and len(arg) == 2 and all(is_whole(n) for n in arg):
        if arg[1] <= 0:
            raise request_failed(Reason("projection.slice_limit", "$slice limit must be positive"))
        return int(arg[0]), int(arg[1])
    raise request_failed(Reason(
        "projection.slice_shape", "$slice only supports numbers and [skip, limit] arrays"
    ))


def _check_mix(includes: list[Parts], excludes: list[Parts], matchers: dict) -> None:
    if excludes and (includes or matchers):
        field = ".".join(excludes[0])
        raise request_failed(Reason("projection.mixed", "Cannot do exclusion on field {field} in inclusion projection",
                                    field=field))


def _check_collisions(paths: list[Parts]) -> None:
    ordered = sorted(paths)
    for before, after in zip(ordered, ordered[1:]):
        if after[: len(before)] == before:
            raise request_failed(Reason(
                "projection.path_collision", "Path collision at {path}", path=".".join(after)
            ))


def _tree(paths: list[Parts]) -> dict:
    """``[("a","b"), ("c",)]`` -> ``{"a": {"b": True}, "c": True}``."""
    tree: dict = {}
    for parts in paths:
        node = tree
        for segment in parts[:-1]:
            node = node.setdefault(segment, {})
        node[parts[-1]] = _INCLUDE
    return tree


def _include(value: Any, tree: dict) -> Any:
    """Keep only the tree's paths; through arrays, keep the object elements (Mongo 4.4)."""
    if type(value) is list:
        return [_include(item, tree) for item in value if type(item) in (dict, list)]
    out = {}
    for key, item in value.items():
        branch = tree.get(key)
        if branch is _INCLUDE:
            out[key] = clone(item)
        elif branch is not None and type(item) in (dict, list):
            out[key] = _include(item, branch)
    return out


def _exclude(value: Any, tree: dict) -> Any:
    """Drop the tree's paths; arrays of objects lose them in every element."""
    if type(value) is list:
        return [_exclude(item, tree) if type(item) in (dict, list) else item for item in value]
    out = {}
    for key, item in value.items():
        branch = tree.get(key)
        if branch is _INCLUDE:
            continue
        if branch is not None and type(item) in (dict, list):
            out[key] = _exclude(item, branch)
        else:
            out[key] = clone(item)
    return out


def _finish(out: dict, slices: dict, matchers: dict, source: dict) -> dict:
    for parts, (start, count) in slices.items():
        _slice_in(out, parts, start, count)
    for name, match in matchers.items():
        # The first matching element only, placed after the other fields (Mongo 4.4).
        array = source.get(name)
        if type(array) is list:
            hits = [item for item in array if match(item)]
            if hits:
                out[name] = [clone(hits[0])]
    return out


def _slice_in(node: Any, parts: Parts, start: int, count: int | None) -> None:
    if type(node) is list:
        for item in node:
            _slice_in(item, parts, start, count)
        return
    if type(node) is not dict or parts[0] not in node:
        return
    if len(parts) > 1:
        _slice_in(node[parts[0]], parts[1:], start, count)
        return
    array = node[parts[0]]
    if type(array) is list:
        if start < 0:
            start = max(0, len(array) + start)
        node[parts[0]] = array[start:] if count is None else array[start : start + count]
