"""The few JavaScript values and objects a console script can reach, and nothing else.

Script values are engine values (``None``, bool, int/float, str, list, dict, aware UTC
``datetime``, compiled ``re.Pattern``) plus ``UNDEFINED`` and the SDK's own objects
(``ServerDate``, ``GeoShape``, commands, ``db`` and its references). The objects are
``HostObject``s: a script can only read the members they list and call the functions
they hand out, so no Python attribute or builtin is ever reachable.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.database.console.lexer import Pos, fail
from app.core.database.regex import compile_regex
from app.core.errors import InputError, SimulatorError

_PATTERN = type(re.compile(""))


class _Undefined:
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED = _Undefined()


@dataclass(frozen=True)
class CallArgs:
    """The arguments of one call, with where each one was typed, for precise messages."""

    name: str
    at: Pos
    values: tuple = ()
    positions: tuple[Pos, ...] = ()

    def __len__(self) -> int:
        return len(self.values)

    def get(self, index: int) -> Any:
        return self.values[index] if index < len(self.values) else UNDEFINED

    def pos(self, index: int) -> Pos:
        return self.positions[index] if index < len(self.positions) else self.at

    def fail(self, message: str, index: int | None = None) -> InputError:
        return fail(self.at if index is None else self.pos(index), message)

    def count(self, low: int, high: int | None = None) -> None:
        """Insist on between ``low`` and ``high`` (default: exactly ``low``) arguments."""
        high = low if high is None else high
        if not low <= len(self.values) <= high:
            wanted = f"{low}" if low == high else f"{low} to {high}"
            plural = "" if (low == high == 1) else "s"
            got = len(self.values)
            raise self.fail(f"{self.name}() takes {wanted} argument{plural} (got {got})")


class HostObject:
    """An object a script may touch: its members are exactly what ``members()`` lists."""

    label = "object"
    member_kind = "member"
    is_value = False  # True for things that may sit inside an object literal (commands)

    def members(self) -> Mapping[str, Any]:
        return {}

    def member(self, name: str, at: Pos) -> Any:
        members = self.members()
        if name in members:
            return members[name]
        close = difflib.get_close_matches(name, list(members), n=3, cutoff=0.6)
        hint = f"; did you mean {_or_list(close)}?" if close else ""
        raise fail(at, f'{self.label} has no {self.member_kind} "{name}"{hint}')


class HostFunction(HostObject):
    """A function the script may call (and, if it has a ``construct``, use with ``new``)."""

    def __init__(
        self,
        name: str,
        call: Callable[[CallArgs], Any],
        construct: Callable[[CallArgs], Any] | None = None,
    ) -> None:
        self.name = name
        self.label = f"{name}()"
        self._call = call
        self._construct = construct

    def call(self, args: CallArgs) -> Any:
        return self._call(args)

    def construct(self, args: CallArgs) -> Any:
        if self._construct is None:
            raise args.fail(f"{self.name} is not a constructor")
        return self._construct(args)


@dataclass(frozen=True)
class ServerDate:
    """``db.serverDate({offset})``: the server fills in its own time plus ``offset`` ms."""

    offset: Any = 0

    def to_engine(self) -> dict:
        return {"$tcb_server_date": {"offset": self.offset}}


@dataclass(frozen=True)
class GeoShape:
    """``db.Geo.*`` values; they travel as GeoJSON (tcb-wire §5)."""

    kind: str
    coordinates: Any

    def to_engine(self) -> dict:
        return {"type": self.kind, "coordinates": self.coordinates}


def get_member(value: Any, name: str, at: Pos, owner: str) -> Any:
    """``value.name`` with JavaScript's answers for plain data, host rules for objects."""
    if isinstance(value, HostObject):
        return value.member(name, at)
    if value is None or value is UNDEFINED:
        raise fail(at, f"cannot read \"{name}\" of {js_type(value)} ({owner} is {js_type(value)})")
    if type(value) is dict:
        return value.get(name, UNDEFINED)
    if type(value) in (list, str):
        if name == "length":
            return len(value)
        if re.fullmatch(r"0|[1-9]\d*", name) and int(name) < len(value):
            return value[int(name)]
        return UNDEFINED
    if not is_data(value):  # a finished statement
        raise fail(at, f'nothing can follow {owner}: the database call ends the statement')
    return UNDEFINED


def call_value(value: Any, args: CallArgs) -> Any:
    if isinstance(value, HostFunction):
        return value.call(args)
    raise args.fail(f"{args.name} is not a function")


def construct_value(value: Any, args: CallArgs) -> Any:
    if isinstance(value, HostFunction):
        return value.construct(args)
    raise args.fail(f"{args.name} is not a constructor")


def is_data(value: Any) -> bool:
    """True for values that may be stored or compared (including SDK value objects)."""
    return value is None or value is UNDEFINED or type(value) in _DATA_TYPES or (
        isinstance(value, HostObject) and value.is_value
    )


_DATA_TYPES = (bool, int, float, str, list, dict, datetime, _PATTERN, ServerDate, GeoShape)


def is_number(value: Any) -> bool:
    return type(value) in (int, float)


def js_type(value: Any) -> str:
    """A JavaScript-ish type name for messages: ``array``, ``null``, ``undefined``, ``date``…"""
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array",
             dict: "object", datetime: "date", _PATTERN: "regexp"}
    if type(value) in names:
        return names[type(value)]
    return getattr(value, "label", "object")


def js_key(value: Any) -> str:
    """JavaScript's ToString for a property key typed as a number (``{1: x}``, ``a[0]``)."""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", repr(value))


def js_object_order(props: dict[str, Any]) -> dict[str, Any]:
    """Integer-like keys first, ascending, as JavaScript orders an object's own keys."""
    index = sorted((k for k in props if _is_index(k)), key=int)
    if not index:
        return props
    ordered = {key: props[key] for key in index}
    ordered.update((key, value) for key, value in props.items() if not _is_index(key))
    return ordered


def _is_index(key: str) -> bool:
    return re.fullmatch(r"0|[1-9]\d{0,9}", key) is not None and int(key) < 2**32 - 1


def make_regex(pattern: Any, flags: Any, at: Pos, what: str = "regular expression") -> re.Pattern:
    """A compiled engine regex from JavaScript-style source and flags."""
    if type(pattern) is not str:
        raise fail(at, f"{what}: the pattern must be a string, not {js_type(pattern)}")
    if flags is UNDEFINED or flags is None:
        flags = ""
    if type(flags) is not str:
        raise fail(at, f"{what}: the options must be a string such as 'i', not {js_type(flags)}")
    try:
        return compile_regex(pattern, flags)
    except (SimulatorError, re.error, RecursionError, OverflowError, ValueError) as error:
        # compile_regex reports through CloudError; sre itself can overflow on absurd nesting.
        detail = getattr(error, "detail", "") or str(error) or type(error).__name__
        shown = pattern if len(pattern) <= 40 else pattern[:37] + "..."
        raise fail(at, f"invalid {what} /{shown}/{flags}: {detail}") from None


def _or_list(names: list[str]) -> str:
    """``"a", "b" or "c"`` for messages."""
    quoted = [f'"{name}"' for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
