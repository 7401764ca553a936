"""The SDK's serializers in Python: where objects, updates and projections to Mongo documents.

Mirrors ``serializer/{common,query,update}.ts`` of @cloudbase/database as tcb-wire §5 and
spec §3.2–§3.4 describe them: nested plain objects flatten to dot paths (arrays, dates,
regexes, Geo values, server dates and commands do not), ``undefined`` keys drop, an empty
nested object drops, and commands become their ``$`` operators. Values come out as
engine values (see ``app.core.database.ejson``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.core.database import ejson
from app.core.database.console.commands import LOGIC, PROJECTION, QUERY, UPDATE, Command
from app.core.database.console.lexer import Pos, fail
from app.core.database.console.runtime import UNDEFINED, GeoShape, ServerDate, is_number, js_type
from app.core.errors import SimulatorError

_NESTED = "inside an array: a command must be a field's value"
_NOT_IN_QUERY = {
    UPDATE: "is an update command; it can only be used in update data",
    PROJECTION: "is a projection command; it can only be used in field()",
}


# Extended JSON wrappers, as the console's JSON editor shows dates: the SDK sends them through
# EJSON, so the server reads {$date: '…'} as a date whoever typed it (tcb-wire §5).
_EJSON_WRAPPERS = {"$date", "$numberInt", "$numberLong", "$numberDouble", "$regularExpression"}


def _unwrap(value: dict) -> Any:
    """The engine value of ``{"$date": "2024-…Z"}`` and friends; other objects unchanged."""
    if len(value) != 1 or next(iter(value)) not in _EJSON_WRAPPERS:
        return value
    try:
        return ejson.decode(json.dumps(value))
    except (ValueError, TypeError, KeyError, OverflowError, SimulatorError):
        return value  # malformed: the engine refuses to store a $ key, and says so


def plain(value: Any, where: str = "in a value") -> Any:
    """Data as engine values; commands are refused (they only mean something as a field's value)."""
    if type(value) is dict and type(unwrapped := _unwrap(value)) is not dict:
        return unwrapped
    if type(value) is dict:
        return {key: plain(item, where) for key, item in value.items() if item is not UNDEFINED}
    if type(value) is list:
        return [None if item is UNDEFINED else plain(item, where) for item in value]
    if isinstance(value, (ServerDate, GeoShape)):
        return value.to_engine()
    if isinstance(value, Command):
        raise fail(value.at, f"{value.label} cannot be used {where}")
    return None if value is UNDEFINED else value


def operand(value: Any) -> Any:
    """A command's argument as the SDK's toJSON sends it: nested commands become operators."""
    if type(value) is dict and type(unwrapped := _unwrap(value)) is not dict:
        return unwrapped
    if type(value) is dict:
        return {key: operand(item) for key, item in value.items() if item is not UNDEFINED}
    if type(value) is list:
        return [None if item is UNDEFINED else operand(item) for item in value]
    if isinstance(value, Command):
        return operator_document(value)
    return plain(value)


def flatten(data: dict) -> list[tuple[str, Any]]:
    """Nested plain objects as ``(dot path, value)``; ``$`` keys stay with their parent."""
    pairs: list[tuple[str, Any]] = []
    for key, value in data.items():
        if key.startswith("$") or type(value) is not dict:
            pairs.append((key, value))
            continue
        operators = {}
        for child, item in flatten(value):
            if child.startswith("$"):
                operators[child] = item
            else:
                pairs.append((f"{key}.{child}", item))
        if operators:  # an object with no fields left (e.g. {}) adds nothing
            pairs.append((key, operators))
    return pairs


# -- where ---------------------------------------------------------------------------------------

def encode_where(value: Any, at: Pos) -> dict:
    """``where(value)``: checks the SDK makes, then the Mongo query it sends."""
    if isinstance(value, Command) and value.kind == LOGIC:
        return encode_logic(value, None)
    if isinstance(value, Command) and value.kind == QUERY:
        raise fail(value.at, f"{value.label} needs a field: write {{field: {_call(value)}}}")
    if type(value) is not dict:
        raise fail(at, "查询参数必须为对象 (where() takes an object such as {done: false}, "
                       f"not {js_type(value)})")
    if value and all(item is UNDEFINED for item in value.values()):
        raise fail(at, "查询参数对象值不能均为undefined (every value in the where object is undefined)")
    return encode_query_object(value)


def encode_query_object(query: dict) -> dict:
    result: dict = {}
    for path, value in flatten(query):
        if value is UNDEFINED:
            continue
        if path.startswith("$"):
            _merge(result, path, operand(value))
        elif isinstance(value, Command) and value.kind == LOGIC:
            _merge_logic(result, encode_logic(value, path))
        elif isinstance(value, Command) and value.kind == QUERY:
            _merge(result, path, _comparison(value))
        elif isinstance(value, Command):
            raise fail(value.at, f"{value.label} {_NOT_IN_QUERY[value.kind]}")
        else:
            _merge(result, path, operand(value) if type(value) is dict else plain(value, _NESTED))
    return result


def encode_logic(command: Command, field: str | None) -> dict:
    """``_.and/or/nor/not`` across fields (``field`` None) or on one field."""
    if command.name == "not":
        if field is None:
            raise fail(command.at, "_.not() negates one field's condition: write "
                                   "{field: _.not(_.gt(1))}")
        return {field: {"$not": _negated(command)}}
    if not command.operands:
        raise fail(command.at, f"{command.label} needs at least one condition")
    items = []
    for item in command.operands:
        if isinstance(item, Command) and item.kind == LOGIC:
            items.append(encode_logic(item, field))
        elif isinstance(item, Command) and item.kind == QUERY:
            if field is None:
                raise fail(item.at, f"{item.label} needs a field: write {{field: {_call(item)}}}")
            items.append({field: _comparison(item)})
        elif isinstance(item, Command):
            raise fail(item.at, f"{item.label} {_NOT_IN_QUERY[item.kind]}")
        elif type(item) is dict:
            # As in the SDK, an object inside a logic command is a whole query object.
            items.append(encode_query_object(item))
        elif field is not None:
            items.append({field: plain(item, _NESTED)})
        else:
            raise fail(command.at, f"{command.label} takes query objects such as {{a: 1}}, "
                                   f"not {js_type(item)}")
    return {command.mongo: items}


def operator_document(command: Command) -> dict:
    """A field-less condition such as ``{$gt: 1, $lt: 5}`` (for _.not, _.elemMatch, _.pull)."""
    if command.kind == QUERY:
        return _comparison(command)
    if command.kind == LOGIC and command.name == "not":
        return {"$not": _negated(command)}
    if command.kind == LOGIC and command.name == "and":
        merged: dict = {}
        for item in command.operands:
            part = operator_document(item) if isinstance(item, Command) else None
            if part is None or set(part) & set(merged):
                raise fail(command.at, f"{command.label} can only join different commands here")
            merged.update(part)
        return merged
    raise fail(command.at, f"{command.label} cannot be used here; use it on a field or at the top")


def _comparison(command: Command) -> dict:
    value = command.operand
    if command.name == "elemMatch":
        encoded = encode_query_object(value) if type(value) is dict else operator_document(value)
        return {"$elemMatch": encoded}
    return {command.mongo: operand(value)}


def _negated(command: Command) -> Any:
    inner = command.operand
    if isinstance(inner, Command) and inner.kind in (QUERY, LOGIC):
        return operator_document(inner)
    if isinstance(inner, re.Pattern):
        return inner
    raise fail(command.at, "_.not() takes a query command such as _.gt(30), or a regex")


def _call(command: Command) -> str:
    return f"_.{command.name}(…)"


def _merge(result: dict, key: str, condition: Any) -> None:
    """Several conditions on one path join into one operator document, as the SDK merges them."""
    current = result.get(key)
    if _operators(current) and _operators(condition):
        current.update(condition)
    else:
        result[key] = condition


def _operators(value: Any) -> bool:
    return type(value) is dict and bool(value) and all(key.startswith("$") for key in value)


def _merge_logic(result: dict, condition: dict) -> None:
    ((key, value),) = condition.items()
    existing, joined = result.get(key), result.get("$and", [])
    if not key.startswith("$"):  # a field's _.not()
        _merge(result, key, value)
    elif existing is None:
        result[key] = value
    elif key == "$and" and type(existing) is list:
        result[key] = [*existing, *value]
    elif key != "$and" and type(joined) is list:
        # Two $or (or $nor) on different fields must both hold: AND them, don't widen one.
        result["$and"] = [*joined, {key: value}]
    else:  # beside a malformed hand-written operator: the engine will say what is wrong
        result[key] = value


# -- update --------------------------------------------------------------------------------------

def check_data(data: Any, at: Pos, *, method: str) -> dict:
    """The SDK's checks on ``{data}`` for update() and set()."""
    if type(data) is not dict:
        raise fail(at, f"parameter.data should be object instead of {js_type(data)}")
    if "_id" in data:
        raise fail(at, f"不能更新_id的值 ({method}() cannot change a document's _id)")
    return data


def encode_update(data: Any, at: Pos) -> dict:
    """Update data as the SDK sends it: plain values ``$set`` on dot paths, commands their ops."""
    result: dict = {}
    for path, value in flatten(check_data(data, at, method="update")):
        if value is UNDEFINED:
            continue
        if path.startswith("$"):
            _merge_update(result, path, operand(value))
        elif isinstance(value, Command) and value.kind == UPDATE:
            # _.pull() takes a condition (_.gt(1), {score: _.lt(60)}); the others take data.
            encoded = operand(value.operand) if value.name == "pull" else plain(
                value.operand, f"inside {value.label}")
            _merge_update(result, value.mongo, {path: encoded})
        elif isinstance(value, Command):
            raise fail(value.at, f"{value.label} is a {value.kind} command; in update data use "
                                 "_.set(), _.inc(), _.push(), _.remove()…")
        else:
            _merge_update(result, "$set", {path: plain(value, "in update data")})
    return result


def _merge_update(result: dict, operator: str, fields: Any) -> None:
    if type(result.get(operator)) is dict and type(fields) is dict:
        result[operator].update(fields)
    else:
        result[operator] = fields


def encode_document(data: Any, at: Pos, *, context: str) -> dict:
    """Plain data for add() and set(): no commands, but db.serverDate() is fine."""
    if type(data) is not dict:
        raise fail(at, f"parameter.data should be object instead of {js_type(data)}")
    for value in _walk(data):
        if isinstance(value, Command):
            raise fail(value.at, f"{value.label} cannot be used in {context}: documents hold "
                                 "plain data (commands such as _.inc() belong in an update)")
    return plain(data)


def _walk(value: Any):
    yield value
    children = value.values() if type(value) is dict else value if type(value) is list else ()
    for child in children:
        yield from _walk(child)


# -- field ---------------------------------------------------------------------------------------

def encode_projection(projection: Any, at: Pos) -> dict:
    """``field()``: true / positive → 1, false / ≤ 0 → 0, objects (``_.project.*``) as given."""
    if type(projection) is not dict:
        raise fail(at, "field() takes an object such as {title: true}, "
                       f"not {js_type(projection)}")
    result = {}
    for key, value in projection.items():
        if isinstance(value, Command) and value.kind == PROJECTION:
            inner = value.operand
            if value.mongo == "$elemMatch":
                if type(inner) is not dict:
                    raise fail(value.at, "_.project.elemMatch() takes a query object")
                result[key] = {"$elemMatch": encode_query_object(inner)}
            else:
                result[key] = {"$slice": plain(inner, "in _.project.slice()")}
        elif isinstance(value, Command):
            raise fail(value.at, f"{value.label} cannot be used in field(); use true/false, "
                                 "_.project.slice() or _.project.elemMatch()")
        elif type(value) is dict:
            result[key] = operand(value)
        elif is_number(value):
            result[key] = 1 if value > 0 else 0
        else:
            result[key] = 1 if value not in (False, None, UNDEFINED, "") else 0
    return result
