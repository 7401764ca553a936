"""Apply a decoded update document to a document (spec §3.4): Mongo operators on dot paths.

``apply_update`` never changes its input: it works on a deep copy and returns it with a
``changed`` flag, which is Mongo's "modified" count for ``stats.updated`` (§10 #8).
A plain object (no ``$`` keys) is flattened to ``$set`` on dot paths, as the SDK does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from app.core.database import update_arrays
from app.core.database.failures import invalid_command, invalid_param, request_failed
from app.core.database.fieldpaths import (
    Parts,
    check_conflicts,
    get_path,
    set_path,
    split_path,
    unset_path,
)
from app.core.database.values import (
    MISSING,
    as_utc,
    clone,
    compare_values,
    is_number,
    type_name,
    value_key,
)
from app.core.reasons import Reason


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """The updated copy of a document, and whether it differs from the original."""

    document: dict
    changed: bool


@dataclass(frozen=True, slots=True)
class _Context:
    root: dict
    now: datetime


Handler = Callable[[dict, Parts, Any, _Context], None]


def id_unchangeable() -> Reason:
    """The backend's own words (in Chinese on the wire too) for an update that touches ``_id``."""
    return Reason("update.id_unchangeable", "不能更新_id的值")


def apply_update(
    doc: dict, update: Mapping[str, Any], *, now: datetime | None = None
) -> UpdateResult:
    """Apply ``update`` to a copy of ``doc``; ``now`` feeds ``$currentDate`` (default: UTC now)."""
    steps = parse_update(update)
    result = clone(doc)
    context = _Context(result, _ms(as_utc(now or datetime.now(timezone.utc))))
    for op, parts, arg in steps:
        _HANDLERS[op](result, parts, arg, context)
    return UpdateResult(result, value_key(result) != value_key(doc))


def parse_update(update: Mapping[str, Any]) -> list[tuple[str, Parts, Any]]:
    """Validate an update into ``(operator, path parts, operand)`` steps."""
    if not isinstance(update, Mapping):
        raise request_failed(Reason("update.not_object", "update must be an object, not {type}",
                                    type=type(update).__name__))
    if any(str(key).startswith("$") for key in update):
        raw = _operator_steps(update)
    else:
        raw = []
        _flatten(update, "", raw)
    steps = []
    targets = []
    for op, path, arg in raw:
        parts = _target(path)
        targets.append(parts)
        if op == "$rename":
            if type(arg) is not str:
                raise request_failed(Reason(
                    "update.rename_to_string", "The 'to' field for $rename must be a string"
                ))
            arg = _target(arg)
            if arg == parts:
                raise request_failed(Reason(
                    "update.rename_same", "The source and target field for $rename must differ"
                ))
            if arg[: len(parts)] == parts or parts[: len(arg)] == arg:
                raise request_failed(Reason(
                    "update.rename_same_path", "The source and target field for $rename must not be on the same path"
                ))
            targets.append(arg)
        elif op in ("$push", "$addToSet") and update_arrays.has_modifiers(arg):
            for item in arg.values():
                _check_storable(item)
        elif op in _STORES:
            _check_storable(arg)
        steps.append((op, parts, arg))
    check_conflicts(targets)
    return steps


def _operator_steps(update: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    steps = []
    for op, fields in update.items():
        if op not in _HANDLERS:
            if not str(op).startswith("$"):
                raise invalid_command(Reason("update.modifier_not_operator", "Unknown modifier: {op}. Expected a $-operator",
                                             op=op))
            raise invalid_command(Reason(
                "update.unknown_modifier", "Unknown modifier: {op}", op=op
            ))
        if not isinstance(fields, Mapping):
            raise request_failed(Reason(
                "update.modifier_fields", "Modifiers operate on fields but we found type {type} instead",
                type=type_name(fields),
            ))
        steps.extend((op, path, arg) for path, arg in fields.items())
    return steps


def _flatten(data: Mapping[str, Any], prefix: str, out: list) -> None:
    """Nested objects become dot paths (numeric keys become index paths); arrays stay whole.

    A one-key ``{"$op": arg}`` value applies that operator at its path, which is how a
    nested command such as ``{style: {size: _.remove()}}`` reads once decoded (U5).
    """
    for key, value in data.items():
        path = f"{prefix}{key}"
        if type(value) is dict and value:
            first = str(next(iter(value)))
            if first.startswith("$"):
                if len(value) != 1 or first not in _HANDLERS:
                    raise request_failed(Reason(
                        "update.dollar_field_in_path", "The dollar ($) prefixed field '{field}' in '{path}' "
                        "is not valid for storage.", field=first, path=path))
                out.append((first, path, value[first]))
            else:
                _flatten(value, path + ".", out)
        else:
            out.append(("$set", path, value))


def _target(path: Any) -> Parts:
    parts = split_path(str(path) if type(path) is int else path)
    if parts[0] == "_id":
        raise invalid_param(id_unchangeable())
    if any(part.startswith("$") for part in parts):
        raise invalid_command(Reason("update.positional_path", "positional and $-prefixed update paths are not "
                                      "supported: {path}", path=path))
    return parts


def _check_storable(value: Any) -> None:
    """Stored values may not carry ``$`` keys (e.g. an undecoded ``$date``)."""
    if type(value) is dict:
        for key, item in value.items():
            if str(key).startswith("$"):
                raise request_failed(Reason(
                    "update.dollar_field", "The dollar ($) prefixed field '{field}' is not valid for storage.", field=key
                ))
            _check_storable(item)
    elif type(value) is list:
        for item in value:
            _check_storable(item)


def _ms(moment: datetime) -> datetime:
    """BSON dates hold milliseconds."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _set(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
    set_path(doc, parts, clone(arg))


def _unset(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
    unset_path(doc, parts)


def _ignore(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
    """``$setOnInsert`` does nothing on an update that does not insert."""


def _numeric(name: str, not_numeric: Callable[[str, str], Reason], fresh: Callable[[Any], Any],
             apply: Callable) -> Handler:
    def handle(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
        if not is_number(arg):
            raise request_failed(not_numeric(".".join(parts), repr(arg)))
        current = get_path(doc, parts)
        if current is MISSING:
            set_path(doc, parts, fresh(arg))
        elif is_number(current):
            set_path(doc, parts, apply(current, arg))
        else:
            raise request_failed(Reason(
                "update.target_not_numeric", "Cannot apply {op} to a value of non-numeric type {type}",
                op=name, type=type_name(current),
            ))

    return handle


def _bound(keep_if: Callable[[int], bool]) -> Handler:
    def handle(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
        current = get_path(doc, parts)
        # BSON order across types decides, e.g. $min of null on a number stores null.
        if current is MISSING or keep_if(compare_values(arg, current)):
            set_path(doc, parts, clone(arg))

    return handle


def _rename(doc: dict, parts: Parts, target: Parts, context: _Context) -> None:
    value = _plain_get(doc, parts, "source")
    if value is MISSING:
        return
    _plain_get(doc, target[:-1], "destination")
    unset_path(doc, parts)
    set_path(doc, target, value)


def _plain_get(doc: dict, parts: Parts, role: str) -> Any:
    """Walk objects only: $rename may not go through arrays (Mongo)."""
    node: Any = doc
    for segment in parts:
        if type(node) is list:
            raise request_failed(_rename_in_array(role))
        if type(node) is not dict:
            return MISSING
        node = node.get(segment, MISSING)
    if type(node) is list and role == "destination":
        raise request_failed(_rename_in_array(role))
    return node


def _rename_in_array(role: str) -> Reason:
    if role == "source":
        return Reason("update.rename_source_in_array", "The source field cannot be an array element")
    return Reason("update.rename_destination_in_array", "The destination field cannot be an array element")


def _current_date(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
    kind = arg.get("$type") if type(arg) is dict else None
    if arg is not True and kind not in ("date", "timestamp"):
        raise request_failed(Reason(
            "update.current_date_arg", "$currentDate takes true or {{$type: 'date'|'timestamp'}} "
            "(timestamps are stored as dates)"
        ))
    set_path(doc, parts, context.now)


def _bit(doc: dict, parts: Parts, arg: Any, context: _Context) -> None:
    if type(arg) is not dict or not arg:
        raise request_failed(Reason("update.bit_object", "$bit needs an object of and/or/xor"))
    current = get_path(doc, parts)
    value = 0 if current is MISSING else current
    if type(value) is not int:
        raise request_failed(Reason(
            "update.bit_target", "Cannot apply $bit to a value of non-integral type {type}", type=type_name(value)
        ))
    for kind, operand in arg.items():
        if kind not in ("and", "or", "xor") or type(operand) is not int:
            raise request_failed(Reason("update.bit_operand", "$bit takes and/or/xor with an integer, not {kind}: {operand}",
                                        kind=kind, operand=repr(operand)))
        value = {"and": value & operand, "or": value | operand, "xor": value ^ operand}[kind]
    set_path(doc, parts, value)


_HANDLERS: dict[str, Handler] = {
    "$set": _set,
    "$unset": _unset,
    "$setOnInsert": _ignore,
    "$inc": _numeric("$inc", lambda path, arg: Reason(
        "update.inc_not_numeric", "Cannot increment with non-numeric argument: {{{path}: {arg}}}", path=path, arg=arg,
    ), lambda n: n, lambda a, b: a + b),
    # A missing field becomes 0 of the operand's type (spec U9).
    "$mul": _numeric("$mul", lambda path, arg: Reason(
        "update.mul_not_numeric", "Cannot multiply with non-numeric argument: {{{path}: {arg}}}", path=path, arg=arg,
    ), lambda n: n * 0, lambda a, b: a * b),
    "$min": _bound(lambda order: order < 0),
    "$max": _bound(lambda order: order > 0),
    "$rename": _rename,
    "$currentDate": _current_date,
    "$bit": _bit,
    "$push": update_arrays.push,
    "$addToSet": update_arrays.add_to_set,
    "$pop": update_arrays.pop,
    "$pull": update_arrays.pull,
    "$pullAll": update_arrays.pull_all,
}
_STORES = ("$set", "$setOnInsert", "$min", "$max", "$push", "$addToSet")
UPDATE_OPERATORS = frozenset(_HANDLERS)
