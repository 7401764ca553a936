"""String operators: ``$concat`` … ``$toUpper``, plus ``$trim``/``$ltrim``/``$rtrim``.

Byte operators (``$indexOfBytes``, ``$strLenBytes``, ``$substrBytes``/``$substr``) count UTF-8
bytes, so one Chinese character is 3; the ``CP`` ones count code points, which is what a
Python ``str`` indexes. ``$toLower``/``$toUpper``/``$strcasecmp`` change ASCII letters only,
as MongoDB does. Operators that coerce (``$substr``, ``$toLower``, ``$strcasecmp``) read null
and missing as ``""`` and numbers and dates as their text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.core.database.aggregate.core import (
    Builder,
    Compile,
    Expr,
    between,
    checked_string,
    exactly,
    fail,
    nullish,
    operands,
    options,
    whole,
)
from app.core.database.aggregate.expression_reasons import cannot_convert, index_negative, index_not_integral, word
from app.core.database.values import as_utc, is_number, type_name
from app.core.reasons import Reason

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
# What $trim removes by default: ASCII and Unicode spaces (MongoDB's list).
_SPACES = "\0 \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def coerce_to_string(name: str, value: Any) -> str:
    """Mongo's coerceToString: null/missing → "", numbers and dates → their text."""
    if nullish(value):
        return ""
    if type(value) is str:
        return value
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return format(value, ".6g")  # C++ ostream's default, which Mongo uses for doubles
    if isinstance(value, datetime):
        moment = as_utc(value)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    raise fail(cannot_convert(name, value, "String"))


def _concat(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in operands(argument)]

    def run(doc: Any, v: dict) -> Any:
        pieces = []
        for part in parts:
            value = part(doc, v)
            if nullish(value):
                return None
            if type(value) is not str:
                raise fail(Reason("expr.concat_not_string", "$concat only supports strings, not {type}",
                                  type=type_name(value)))
            pieces.append(value)
        return checked_string(name, "".join(pieces))

    return run


def _index_of(in_bytes: bool) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        parts = [compile(spec) for spec in between(name, argument, 2, 4)]

        def run(doc: Any, v: dict) -> Any:
            text, needle, *bounds = (part(doc, v) for part in parts)
            if nullish(text):
                return None
            if type(text) is not str:
                raise fail(Reason("expr.index_of_text", "{name} requires a string as the first argument, found: {type}",
                                  name=name, type=type_name(text)))
            if type(needle) is not str:
                raise fail(Reason("expr.index_of_needle", "{name} requires a string as the second argument, found: "
                                  "{type}", name=name, type=type_name(needle)))
            haystack: Any = text.encode("utf-8") if in_bytes else text
            sought: Any = needle.encode("utf-8") if in_bytes else needle
            start, end = 0, len(haystack)
            for slot, (value, which) in enumerate(zip(bounds, ("starting", "ending"))):
                if not whole(value):
                    raise fail(index_not_integral(name, which, value))
                if value < 0:
                    raise fail(index_negative(name, which, value))
                if slot == 0:
                    start = int(value)
                else:
                    end = int(value)
            if start > len(haystack) or start > end:
                return -1
            return haystack.find(sought, start, end)

        return run

    return build


def _split(argument: Any, compile: Compile, name: str) -> Expr:
    text_of, separator_of = (compile(spec) for spec in exactly(name, argument, 2))

    def run(doc: Any, v: dict) -> Any:
        text, separator = text_of(doc, v), separator_of(doc, v)
        if nullish(text) or nullish(separator):
            return None
        if type(text) is not str:
            raise fail(Reason("expr.split_text", "$split requires an expression that evaluates to a string as a "
                              "first argument, found: {type}", type=type_name(text)))
        if type(separator) is not str:
            raise fail(Reason("expr.split_separator", "$split requires an expression that evaluates to a string as "
                              "a second argument, found: {type}", type=type_name(separator)))
        if not separator:
            raise fail(Reason("expr.split_empty_separator", "$split requires a non-empty separator"))
        return text.split(separator)

    return run


def _length(in_bytes: bool) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        (part,) = (compile(spec) for spec in exactly(name, argument, 1))

        def run(doc: Any, v: dict) -> int:
            text = part(doc, v)
            if type(text) is not str:
                raise fail(Reason("expr.length_not_string", "{name} requires a string argument, found: {type}",
                                  name=name, type=type_name(text)))
            return len(text.encode("utf-8")) if in_bytes else len(text)

        return run

    return build


def _strcasecmp(argument: Any, compile: Compile, name: str) -> Expr:
    left_of, right_of = (compile(spec) for spec in exactly(name, argument, 2))

    def run(doc: Any, v: dict) -> int:
        left = coerce_to_string(name, left_of(doc, v)).translate(_UPPER)
        right = coerce_to_string(name, right_of(doc, v)).translate(_UPPER)
        return (left > right) - (left < right)  # code point order is UTF-8 byte order

    return run


def _substr_bytes(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in exactly(name, argument, 3)]

    def run(doc: Any, v: dict) -> str:
        text_value, start_value, length_value = (part(doc, v) for part in parts)
        data = coerce_to_string(name, text_value).encode("utf-8")
        start = _substr_int("$substrBytes", start_value, word("starting index"))
        length = _substr_int("$substrBytes", length_value, word("length"))
        if start < 0:
            raise fail(Reason("expr.substr_bytes_negative", "$substrBytes: starting index must be non-negative (got: "
                              "{start})", start=start))
        if start >= len(data):
            return ""
        end = len(data) if length < 0 else min(len(data), start + length)
        if _continuation(data, start):
            raise fail(Reason("expr.substr_bytes_start_continuation", "$substrBytes:  Invalid range, starting index is "
                              "a UTF-8 continuation byte."))
        if end < len(data) and _continuation(data, end):
            raise fail(Reason("expr.substr_bytes_end_continuation", "$substrBytes:  Invalid range, ending index is in "
                              "the middle of a UTF-8 character."))
        return data[start:end].decode("utf-8")

    return run


def _continuation(data: bytes, index: int) -> bool:
    return data[index] & 0xC0 == 0x80


def _substr_int(name: str, value: Any, what: Reason) -> int:
    if not is_number(value):
        raise fail(Reason("expr.substr_not_number", "{name}: {what} must be a numeric type (is BSON type {type})",
                          name=name, what=what, type=type_name(value)))
    if value != value or abs(value) == float("inf"):
        raise fail(Reason("expr.substr_not_int32", "{name}: {what} cannot be represented as a 32-bit integral value",
                          name=name, what=what))
    return int(value)


def _substr_cp(argument: Any, compile: Compile, name: str) -> Expr:
    parts = [compile(spec) for spec in exactly(name, argument, 3)]

    def run(doc: Any, v: dict) -> str:
        text_value, start_value, length_value = (part(doc, v) for part in parts)
        text = coerce_to_string(name, text_value)
        start = _substr_int(name, start_value, word("starting index"))
        length = _substr_int(name, length_value, word("length"))
        if not whole(start_value) or start < 0:
            raise fail(Reason("expr.substr_cp_start", "$substrCP: the starting index must be nonnegative integer."))
        if not whole(length_value) or length < 0:
            raise fail(Reason("expr.substr_cp_length", "$substrCP: length must be a nonnegative integer."))
        return text[start:start + length]

    return run


def _case(table: dict) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        (part,) = (compile(spec) for spec in exactly(name, argument, 1))
        return lambda doc, v: coerce_to_string(name, part(doc, v)).translate(table)

    return build


def _trim(left: bool, right: bool) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        spec = options(name, argument, ("input",), ("chars",))
        input_of = compile(spec["input"])
        chars_of = compile(spec["chars"]) if "chars" in spec else None

        def run(doc: Any, v: dict) -> Any:
            text = input_of(doc, v)
            chars = chars_of(doc, v) if chars_of is not None else _SPACES
            if nullish(text) or nullish(chars):
                return None
            if type(text) is not str:
                raise fail(Reason("expr.trim_input", "{name} requires its input to be a string, got {value} (of "
                                  "type {type}) instead.", name=name, value=repr(text), type=type_name(text)))
            if type(chars) is not str:
                raise fail(Reason("expr.trim_chars", "{name} requires 'chars' to be a string, got {value} (of "
                                  "type {type}) instead.", name=name, value=repr(chars), type=type_name(chars)))
            if left and right:
                return text.strip(chars)
            return text.lstrip(chars) if left else text.rstrip(chars)

        return run

    return build


OPERATORS: dict[str, Builder] = {
    "$concat": _concat,
    "$indexOfBytes": _index_of(in_bytes=True),
    "$indexOfCP": _index_of(in_bytes=False),
    "$split": _split,
    "$strLenBytes": _length(in_bytes=True),
    "$strLenCP": _length(in_bytes=False),
    "$strcasecmp": _strcasecmp,
    "$substr": _substr_bytes,
    "$substrBytes": _substr_bytes,
    "$substrCP": _substr_cp,
    "$toLower": _case(_LOWER),
    "$toUpper": _case(_UPPER),
    "$trim": _trim(True, True),
    "$ltrim": _trim(True, False),
    "$rtrim": _trim(False, True),
}
