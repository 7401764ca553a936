"""Object operators: ``$mergeObjects``, ``$objectToArray``, ``$arrayToObject``."""

from __future__ import annotations

from typing import Any

from app.core.database.aggregate.core import Builder, Compile, Expr, exactly, fail, nullish, operands
from app.core.database.values import type_name
from app.core.reasons import Reason


def merge_into(out: dict, value: Any) -> None:
    """``$mergeObjects``' step: null and missing are skipped, other non-objects refused."""
    if nullish(value):
        return
    if not isinstance(value, dict):
        raise fail(Reason("expr.merge_objects_not_object", "$mergeObjects requires object inputs, but input {value} is "
                          "of type {type}", value=repr(value), type=type_name(value)))
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
            raise fail(Reason("expr.object_to_array_not_object", "$objectToArray requires a document input, found: "
                              "{type}", type=type_name(value)))
        return [{"k": key, "v": item} for key, item in value.items()]

    return run


def _array_to_object(argument: Any, compile: Compile, name: str) -> Expr:
    (part,) = (compile(spec) for spec in exactly(name, argument, 1))

    def run(doc: Any, v: dict) -> Any:
        array = part(doc, v)
        if nullish(array):
            return None
        if type(array) is not list:
            raise fail(Reason("expr.array_to_object_not_array", "$arrayToObject requires an array input, found: {type}",
                              type=type_name(array)))
        out: dict = {}
        if not array:
            return out
        pairs = type(array[0]) is list
        for item in array:
            if pairs:
                if type(item) is not list:
                    raise fail(Reason("expr.array_to_object_mixed_array", "$arrayToObject requires a consistent "
                                      "input format. Elements must all be arrays or all be objects. Array was "
                                      "detected, now found: {type}", type=type_name(item)))
                if len(item) != 2:
                    raise fail(Reason("expr.array_to_object_pair_size", "$arrayToObject requires an array of size 2 "
                                      "arrays,found array of size: {size}", size=len(item)))
                key, value = item
            else:
                if not isinstance(item, dict):
                    raise fail(Reason("expr.array_to_object_mixed_object", "$arrayToObject requires a consistent "
                                      "input format. Elements must all be arrays or all be objects. Object was "
                                      "detected, now found: {type}", type=type_name(item)))
                if set(item) != {"k", "v"}:
                    if len(item) != 2:
                        raise fail(Reason("expr.array_to_object_key_count", "$arrayToObject requires an object "
                                          "keys of 'k' and 'v'. Found incorrect number of keys:{count}",
                                          count=len(item)))
                    raise fail(Reason("expr.array_to_object_keys", "$arrayToObject requires an object with keys "
                                      "'k' and 'v'. Missing either or both keys from: {value}", value=repr(item)))
                key, value = item["k"], item["v"]
            if type(key) is not str:
                raise fail(Reason("expr.array_to_object_key_type", "$arrayToObject requires an object with keys "
                                  "'k' and 'v', where the value of 'k' must be of type string. Found type: {type}",
                                  type=type_name(key)))
            if "\0" in key:
                raise fail(Reason("expr.array_to_object_null_byte", "Key field cannot contain an embedded null byte"))
            out[key] = value
        return out

    return run


OPERATORS: dict[str, Builder] = {
    "$mergeObjects": _merge_objects,
    "$objectToArray": _object_to_array,
    "$arrayToObject": _array_to_object,
}
