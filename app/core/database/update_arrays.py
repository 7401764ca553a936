"""The array update operators: $push (with modifiers), $addToSet, $pop, $pull, $pullAll.

Each edits the working copy that ``update.apply_update`` owns, never the caller's document.
"""

from __future__ import annotations

from typing import Any

from app.core.database.failures import request_failed
from app.core.database.fieldpaths import Parts, get_path, set_path
from app.core.database.query import compile_query, is_operator_object
from app.core.database.regex import regex_literal
from app.core.database.values import (
    MISSING,
    clone,
    is_number,
    is_whole,
    type_name,
    value_key,
)
from app.core.reasons import Reason

MODIFIER_KEYS = ("$each", "$position", "$sort", "$slice")


def has_modifiers(arg: Any) -> bool:
    """True for ``{$each: [...], ...}``-style operands."""
    return type(arg) is dict and any(str(key).startswith("$") for key in arg)


def _array(doc: dict, parts: Parts, op: str, root: dict) -> list | None:
    """A copy of the array at the path (None if missing); any other type is an error."""
    current = get_path(doc, parts)
    if current is MISSING:
        return None
    if type(current) is not list:
        raise request_failed(Reason(
            "update.not_array", "The field '{field}' must be an array but is of type {type} "
            "in document {{_id: {doc_id}}} ({op})",
            field=parts[-1], type=type_name(current), doc_id=repr(root.get("_id")), op=op,
        ))
    return list(current)


def push(doc: dict, parts: Parts, arg: Any, context: Any) -> None:
    """Insert at ``$position`` (default: the end), then ``$sort``, then ``$slice``."""
    array = _array(doc, parts, "$push", context.root) or []
    if not has_modifiers(arg):
        array.append(clone(arg))
        set_path(doc, parts, array)
        return
    unknown = [key for key in arg if key not in MODIFIER_KEYS]
    if unknown or "$each" not in arg:
        raise request_failed(Reason("update.push_clause", "Unrecognized clause in $push: {clause}",
                                    clause=(unknown or list(arg))[0]))
    # The SDK drops undefined options; a null one is read the same way.
    each, position = arg["$each"], arg.get("$position")
    sort, size = arg.get("$sort"), arg.get("$slice")
    if type(each) is not list:
        raise request_failed(Reason("update.push_each", "The argument to $each in $push must be an array but it "
                                    "was of type: {type}", type=type_name(each)))
    at = len(array) if position is None else _position(_whole(position, "$position"), len(array))
    array[at:at] = [clone(value) for value in each]
    if sort is not None:
        _sort(array, sort)
    if size is not None:
        size = _whole(size, "$slice")
        array = array[:size] if size >= 0 else array[size:]
    set_path(doc, parts, array)


def _whole(value: Any, clause: str) -> int:
    if not is_whole(value):
        raise request_failed(Reason("update.push_integer", "The value for {clause} must be an integer value but was "
                                    "{value}", clause=clause, value=repr(value)))
    return int(value)


def _position(position: int, length: int) -> int:
    """A non-negative position counts from the start, a negative one from the end."""
    if position >= 0:
        return min(position, length)
    return max(0, length + position)


def _sort(array: list, spec: Any) -> None:
    if spec in (1, -1) and type(spec) is not bool:
        array.sort(key=value_key, reverse=spec == -1)
        return
    if type(spec) is not dict or not spec:
        raise request_failed(Reason("update.push_sort", "The $sort is invalid: use 1/-1 to sort the whole "
                                    "element, or {{field: 1/-1}} to sort embedded fields"))
    for path, direction in reversed(list(spec.items())):
        if direction not in (1, -1) or type(direction) is bool:
            raise request_failed(Reason(
                "update.push_sort_direction", "The $sort element value must be either 1 or -1"
            ))
        parts = tuple(str(path).split("."))

        def key(item: Any, parts: Parts = parts) -> tuple:
            value = get_path(item, parts) if type(item) is dict else MISSING
            return value_key(None if value is MISSING else value)

        array.sort(key=key, reverse=direction == -1)


def add_to_set(doc: dict, parts: Parts, arg: Any, context: Any) -> None:
    """Append each value not already present (BSON equality); a plain array is one value."""
    values = [arg]
    if type(arg) is dict and arg and set(arg) <= {"$each", "each"} and len(arg) == 1:
        # `{each: [...]}` is the SDK's documented key passed through untranslated (§10 #9).
        values = next(iter(arg.values()))
        if type(values) is not list:
            raise request_failed(Reason(
                "update.add_to_set_each", "The argument to $each in $addToSet must be an array"
            ))
    elif has_modifiers(arg):
        raise request_failed(Reason("update.add_to_set_fields", "Found unexpected fields after $each in $addToSet: "
                                    "{fields}", fields=str(list(arg))))
    array = _array(doc, parts, "$addToSet", context.root) or []
    present = {value_key(item) for item in array}
    for value in values:
        key = value_key(value)
        if key not in present:
            present.add(key)
            array.append(clone(value))
    set_path(doc, parts, array)


def pop(doc: dict, parts: Parts, arg: Any, context: Any) -> None:
    """``1`` removes the last element, ``-1`` the first; missing or empty is a no-op."""
    if not is_number(arg) or arg not in (1, -1):
        raise request_failed(Reason(
            "update.pop_arg", "$pop expects 1 or -1, found: {arg}", arg=repr(arg)
        ))
    array = _array(doc, parts, "$pop", context.root)
    if array:
        del array[-1 if arg == 1 else 0]
        set_path(doc, parts, array)


def pull(doc: dict, parts: Parts, arg: Any, context: Any) -> None:
    """Remove every element equal to a value or matching a condition."""
    array = _array(doc, parts, "$pull", context.root)
    if array is None:
        return
    if is_operator_object(arg) or regex_literal(arg) is not None:
        # A condition on the element itself: test it as the value of a field (Mongo).
        condition = compile_query({"v": arg})
        kept = [item for item in array if not condition({"v": item})]
    elif type(arg) is dict:
        # An object is a query on object elements: `{value: _.gt(0)}` (spec §3.4).
        query = compile_query(arg)
        kept = [item for item in array if not (type(item) is dict and query(item))]
    else:
        target = value_key(arg)
        kept = [item for item in array if value_key(item) != target]
    if len(kept) != len(array):
        set_path(doc, parts, kept)


def pull_all(doc: dict, parts: Parts, arg: Any, context: Any) -> None:
    """Remove every element equal to any listed value."""
    if type(arg) is not list:
        raise request_failed(Reason(
            "update.pull_all_array", "$pullAll requires an array argument but was given a {type}", type=type_name(arg)
        ))
    array = _array(doc, parts, "$pullAll", context.root)
    if array is None:
        return
    unwanted = {value_key(value) for value in arg}
    kept = [item for item in array if value_key(item) not in unwanted]
    if len(kept) != len(array):
        set_path(doc, parts, kept)
