"""Dot paths: splitting, Mongo's array-traversing lookup for queries, and in-place edits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from app.core.database.failures import request_failed
from app.core.database.values import MISSING
from app.core.reasons import Reason

Parts = tuple[str, ...]


def split_path(path: str) -> Parts:
    """Split ``a.b.0`` into its segments, refusing empty ones (``a..b``, ``.a``)."""
    if type(path) is not str:
        raise request_failed(Reason("query.field_path_type", "field path must be a string, not {type}",
                                    type=type(path).__name__))
    parts = tuple(path.split("."))
    if "" in parts:
        raise request_failed(Reason("query.field_path_empty", "FieldPath field names may not be empty strings: '{path}'",
                                    path=path))
    return parts


def array_index(segment: str) -> int | None:
    """The array index a segment names (``"1"`` -> 1), or None for a field name."""
    if segment.isascii() and segment.isdigit():
        return int(segment)
    return None


def walk_doc(doc: Mapping, parts: Parts, leaf: Callable[[Any], bool]) -> bool:
    """``walk`` from a document root, which may be any mapping (e.g. TinyDB's Document)."""
    return walk(doc.get(parts[0], MISSING), parts, 1, leaf)


def walk(node: Any, parts: Parts, i: int, leaf: Callable[[Any], bool]) -> bool:
    """True if ``leaf`` holds for any value the path reaches from ``node`` (Mongo rules).

    A field name on an array looks into every object element; a numeric segment on an
    array also selects that element. A path that dead-ends in a scalar reaches MISSING.
    """
    n = len(parts)
    while i < n:
        t = type(node)
        if t is dict:
            node = node.get(parts[i], MISSING)
            i += 1
        elif t is list:
            return _walk_array(node, parts, i, leaf)
        else:
            return leaf(MISSING)
    return leaf(node)


def _walk_array(array: list, parts: Parts, i: int, leaf: Callable[[Any], bool]) -> bool:
    index = array_index(parts[i])
    if index is not None and index < len(array) and walk(array[index], parts, i + 1, leaf):
        return True
    # Nested arrays are not searched for field names: Mongo expands one array per segment.
    for item in array:
        if type(item) is dict and walk(item, parts, i, leaf):
            return True
    return False


def reached_values(doc: Any, parts: Parts) -> list:
    """Every value the path reaches (MISSING where a branch lacks the field)."""
    found: list = []

    def collect(value: Any) -> bool:
        found.append(value)
        return False

    walk_doc(doc, parts, collect)
    return found


def get_path(doc: Any, parts: Parts) -> Any:
    """The single value at a path without array expansion (indexes only), or MISSING."""
    node = doc
    for segment in parts:
        t = type(node)
        if t is dict:
            node = node.get(segment, MISSING)
        elif t is list:
            index = array_index(segment)
            if index is None or index >= len(node):
                return MISSING
            node = node[index]
        else:
            return MISSING
    return node


def set_path(doc: dict, parts: Parts, value: Any) -> None:
    """Store ``value`` at a path, creating objects and null-padding arrays on the way."""
    container = _parent(doc, parts, create=True)
    _store(container, parts, value)


def unset_path(doc: dict, parts: Parts) -> None:
    """Remove a field; an array element becomes null instead (spec §3.4, U34)."""
    container = _parent(doc, parts, create=False)
    if container is None:
        return
    last = parts[-1]
    if type(container) is dict:
        container.pop(last, None)
        return
    index = array_index(last)
    if index is not None and index < len(container):
        container[index] = None


def _parent(doc: dict, parts: Parts, *, create: bool) -> Any:
    """The object or array holding the path's last segment (None if absent and not created)."""
    node: Any = doc
    for depth, segment in enumerate(parts[:-1]):
        if type(node) is dict:
            child = node.get(segment, MISSING)
        else:
            index = array_index(segment)
            if index is None:
                if not create:
                    return None
                raise _cannot_create(parts, depth, node)
            child = node[index] if index < len(node) else MISSING
        if child is MISSING:
            if not create:
                return None
            child = {}
            _store(node, parts[: depth + 1], child)
        elif type(child) not in (dict, list):
            if not create:
                return None
            raise _cannot_create(parts, depth + 1, child)
        node = child
    return node


def _cannot_create(parts: Parts, depth: int, holder: Any) -> Exception:
    """Mongo's error for a path that runs into a scalar or names a field of an array."""
    owner = parts[depth - 1] if depth else ""
    return request_failed(Reason(
        "update.cannot_create_field", "Cannot create field '{field}' in element {{{owner}: {holder}}}",
        field=parts[depth], owner=owner, holder=_short(holder),
    ))


def _store(container: Any, parts: Parts, value: Any) -> None:
    last = parts[-1]
    if type(container) is dict:
        container[last] = value
        return
    index = array_index(last)
    if index is None:
        raise _cannot_create(parts, len(parts) - 1, container)
    if index >= len(container):
        container.extend([None] * (index + 1 - len(container)))
    container[index] = value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_conflicts(paths: list[Parts]) -> None:
    """Refuse two update targets where one is the other or lies inside it (Mongo rule)."""
    ordered = sorted(paths)
    for before, after in zip(ordered, ordered[1:]):
        if after[: len(before)] == before:
            raise request_failed(Reason(
                "update.path_conflict", "Updating the path '{path}' would create a conflict at '{at}'",
                path=".".join(after), at=".".join(before),
            ))
