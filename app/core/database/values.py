"""The BSON value model over plain Python values: type classes, equality, order, copying.

Values are ``None``, ``bool``, ``int``, ``float``, ``str``, ``list``, ``dict`` (key order
kept), timezone-aware ``datetime.datetime`` (BSON Date; a naive one is read as UTC),
``bytes`` (BinData), ``re.Pattern`` (a regex, only ever seen in queries) and a pymongo
``ObjectId`` (``{"$oid"}``, stored like any value; compared by its 12 bytes). ``MISSING``
stands for an absent field while a path is being resolved.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from app.core.database.failures import request_failed
from app.core.reasons import Reason


class _Missing:
    """The sentinel type of ``MISSING``; falsy, and distinct from ``None`` (null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

# BSON's canonical type order (spec §3.7). MISSING gets its own class below null because
# aggregation expressions tell them apart; sorting and matching map MISSING to null first.
RANK_MISSING = 1
RANK_NULL = 2
RANK_NUMBER = 3
RANK_STRING = 4
RANK_OBJECT = 5
RANK_ARRAY = 6
RANK_BINARY = 7
RANK_OBJECT_ID = 8
RANK_BOOL = 9
RANK_DATE = 10
RANK_REGEX = 12

_PATTERN = type(re.compile(""))
_INF = float("inf")
_RE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))


def as_utc(value: datetime) -> datetime:
    """The same instant as an aware UTC datetime (naive input is taken to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def is_number(value: Any) -> bool:
    """True for int and float, never for bool (BSON keeps booleans apart from numbers)."""
    t = type(value)
    return t is int or t is float


def is_whole(value: Any) -> bool:
    """True for an int, or a finite float with no fractional part (never a bool)."""
    t = type(value)
    return t is int or (t is float and value == value and value not in (_INF, -_INF)
                        and value == int(value))


def regex_options(pattern: re.Pattern) -> str:
    """The Mongo ``$options`` letters of a compiled pattern."""
    return "".join(letter for flag, letter in _RE_FLAGS if pattern.flags & flag)


def value_key(value: Any) -> tuple:
    """A tuple that orders and compares like the BSON value (type class first).

    Two values are BSON-equal exactly when their keys are equal: 1 == 1.0 but
    true != 1, and objects compare key by key in stored order.
    """
    t = type(value)
    if t is str:
        # Python compares str by code point, which is the UTF-8 byte order Mongo uses.
        return (RANK_STRING, value)
    if t is int or t is float:
        if value != value:  # NaN sorts below every other number and equals itself
            return (RANK_NUMBER, 0)
        return (RANK_NUMBER, 1, value)
    if value is None:
        return (RANK_NULL,)
    if t is bool:
        return (RANK_BOOL, int(value))
    if t is dict:
        pairs = []
        for name, item in value.items():
            key = value_key(item)
            pairs.append((key[0], name, key))
        return (RANK_OBJECT, tuple(pairs))
    if t is list or t is tuple:
        return (RANK_ARRAY, tuple(value_key(item) for item in value))
    if isinstance(value, datetime):
        return (RANK_DATE, as_utc(value))
    if value is MISSING:
        return (RANK_MISSING,)
    if t is bytes:
        return (RANK_BINARY, len(value), value)
    if t is _PATTERN:
        return (RANK_REGEX, value.pattern, regex_options(value))
    if _is_object_id(value):
        return (RANK_OBJECT_ID, value.binary)
    if isinstance(value, (dict, list)):
        return value_key(clone(value))  # a subclass: key it as the plain container
    raise request_failed(Reason(
        "query.value_type", "unsupported value type {type}", type=t.__name__
    ))


def _is_object_id(value: Any) -> bool:
    # Duck-typed so the engine needs no bson import: an `{"$oid"}` decoded by pymongo.
    return type(value).__name__ == "ObjectId" and type(getattr(value, "binary", None)) is bytes


def is_object_id(value: Any) -> bool:
    """True for an ObjectId (an ``{"$oid"}`` decoded by pymongo)."""
    return _is_object_id(value)


def type_rank(value: Any) -> int:
    """The BSON type class of a value (numbers share one class)."""
    t = type(value)
    if t is int or t is float:
        return RANK_NUMBER
    if t is str:
        return RANK_STRING
    if t is dict:
        return RANK_OBJECT
    if t is list or t is tuple:
        return RANK_ARRAY
    if t is bool:
        return RANK_BOOL
    if value is None:
        return RANK_NULL
    return value_key(value)[0]


def compare_values(a: Any, b: Any) -> int:
    """-1, 0 or 1 by BSON order across and within types."""
    ka, kb = value_key(a), value_key(b)
    return (ka > kb) - (ka < kb)


def values_equal(a: Any, b: Any) -> bool:
    """BSON equality: numbers by value, bool apart from numbers, objects in key order."""
    ta, tb = type(a), type(b)
    if ta is str or tb is str:
        return ta is tb and a == b
    return value_key(a) == value_key(b)


def truthy(value: Any) -> bool:
    """Aggregation truthiness: false, null, missing and 0 are false; all else is true."""
    if value is None or value is MISSING or value is False:
        return False
    if is_number(value):
        return value != 0
    return True


def type_name(value: Any) -> str:
    """Mongo's name for a value's type, as used in its error messages."""
    if value is MISSING:
        return "missing"
    if value is None:
        return "null"
    t = type(value)
    if t is bool:
        return "bool"
    if t is int:
        return "int" if -(2**31) <= value < 2**31 else "long"
    if t is float:
        return "double"
    names = {str: "string", dict: "object", list: "array", tuple: "array", bytes: "binData"}
    if t in names:
        return names[t]
    if isinstance(value, datetime):
        return "date"
    if t is _PATTERN:
        return "regex"
    if _is_object_id(value):
        return "objectId"
    return t.__name__


def clone(value: Any) -> Any:
    """A deep copy as plain dicts and lists; scalars (and immutable datetimes) are shared."""
    t = type(value)
    if t is dict:
        return {name: clone(item) for name, item in value.items()}
    if t is list:
        return [clone(item) for item in value]
    if t is str or t is int or t is float or t is bool or value is None:
        return value
    # Subclasses, e.g. a TinyDB Document as the root, come back as plain containers.
    if isinstance(value, dict):
        return {name: clone(item) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clone(item) for item in value]
    return value

