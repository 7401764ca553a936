"""Object operators: ``$mergeObjects``, ``$objectToArray``, ``$arrayToObject``."""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate.core import Builder, Compile, Expr, exactly, fail, nullish, operands
from app.core.database.values import type_name


def merge_into(out: dict, value: Any) -> None:
    """``$mergeObjects``' step: null and missing are skipped, other non-objects refused."""
    if nullish(value):
        return
    if not isinstance(value, dict):
        raise fail(f"$mergeObjects requires object inputs, but input {value!r} is of type {type_name(value)}")
    out.update(value)  # a repeated key keeps its first place and takes the last value, as in Mongo


def _merge_objects(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]

    def run(doc: Any, v: dict) -> dict:
        out: dict = {}
        for part in parts:
            merge_into(out, part(doc, v))
        return out

    return run


def _object_to_array(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))

    def run(doc: Any, v: dict) -> Any:
        value = part(doc, v)
        if nullish(value):
            return None
        if not isinstance(value, dict):
            raise fail(f"$objectToArray requires a document input, found: {type_name(value)}")
        return [{"k": key, "v": item} for key, item in value.items()]

    return run


def _array_to_object(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))

    def run(doc: Any, v: dict) -> Any:
        array = part(doc, v)
        if nullish(array):
            return None
        if type(array) is not list:
            raise fail(f"$arrayToObject requires an array input, found: {type_name(array)}")
        out: dict = {}
        if not array:
            return out
        pairs = type(array[0]) is list
        for item in array:
            if pairs:
                if type(item) is not list:
                    raise fail("$arrayToObject requires a consistent input format. Elements must all be "
                               f"arrays or all be objects. Array was detected, now found: {type_name(item)}")
                if len(item) != 2:
                    raise fail(f"$arrayToObject requires an array of size 2 arrays,found array of size: {len(item)}")
                key, value = item
            else:
                if not isinstance(item, dict):
                    raise fail("$arrayToObject requires a consistent input format. Elements must all be "
                               f"arrays or all be objects. Object was detected, now found: {type_name(item)}")
                if set(item) != {"k", "v"}:
                    raise fail("$arrayToObject requires an object keys of 'k' and 'v'. Found incorrect "
                               f"number of keys:{len(item)}" if len(item) != 2 else
                               "$arrayToObject requires an object with keys 'k' and 'v'. Missing either "
                               "or both keys from: " + repr(item))
                key, value = item["k"], item["v"]
            if type(key) is not str:
                raise fail(f"$arrayToObject requires an object with keys 'k' and 'v', where the value of 'k' "
                           f"must be of type string. Found type: {type_name(key)}")
            if "\0" in key:
                raise fail("Key field cannot contain an embedded null byte")
            out[key] = value
        return out

    return run


OPERATORS: dict[str, Builder] = {
    "$mergeObjects": _merge_objects,
    "$objectToArray": _object_to_array,
    "$arrayToObject": _array_to_object,
}
