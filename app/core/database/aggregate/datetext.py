"""Dates as text: ``$dateToString`` and ``$dateFromString`` with MongoDB's format specifiers.

Specifiers: ``%d %G %H %j %L %m %M %S %u %U %V %Y %z %Z %%``. Without a format a date prints
as ``%Y-%m-%dT%H:%M:%S.%LZ`` in UTC (no ``Z`` in another zone), and ``$dateFromString``
reads ISO 8601 dates and date-times (``T`` or a space, optional ``Z`` or offset) and
``YYYY/MM/DD``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from app.core.database.aggregate.core import Builder, Compile, Expr, fail, nullish, options
from app.core.database.aggregate.expression_reasons import date_parse_error
from app.core.database.aggregate.zones import as_date, is_utc, local, zone
from app.core.database.values import type_name
from app.core.errors import CloudError
from app.core.reasons import Reason

ISO_Z = "%Y-%m-%dT%H:%M:%S.%LZ"
ISO_LOCAL = "%Y-%m-%dT%H:%M:%S.%L"


def _offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _hhmm(moment: datetime) -> str:
    minutes = _offset_minutes(moment)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


_PRINT = {
    "d": lambda m: f"{m.day:02d}",
    "G": lambda m: f"{m.isocalendar()[0]:04d}",
    "H": lambda m: f"{m.hour:02d}",
    "j": lambda m: f"{m.timetuple().tm_yday:03d}",
    "L": lambda m: f"{m.microsecond // 1000:03d}",
    "m": lambda m: f"{m.month:02d}",
    "M": lambda m: f"{m.minute:02d}",
    "S": lambda m: f"{m.second:02d}",
    "u": lambda m: str(m.isoweekday()),
    "U": lambda m: m.strftime("%U"),
    "V": lambda m: f"{m.isocalendar()[1]:02d}",
    "Y": lambda m: f"{m.year:04d}",
    "z": _hhmm,
    "Z": lambda m: f"{_offset_minutes(m):+d}",
    "%": lambda m: "%",
}


def check_format(text: str) -> list:
    """The format as literal strings and specifier letters; CloudError for a bad specifier."""
    pieces: list = []
    i = 0
    while i < len(text):
        char = text[i]
        if char != "%":
            pieces.append(char)
            i += 1
            continue
        if i + 1 >= len(text):
            raise fail(Reason("expr.format_unmatched_percent", "Unmatched '%' at end of format string"))
        letter = text[i + 1]
        if letter not in _PRINT:
            raise fail(Reason("expr.format_bad_character", "Invalid format character '%{letter}' in format string",
                              letter=letter))
        pieces.append(("%", letter))
        i += 2
    return pieces


def _format_not_string(name: str, value: Any) -> Reason:
    return Reason("expr.date_format_not_string", "{name} requires that 'format' be a string, found: {type} with "
                  "value {value}", name=name, type=type_name(value), value=repr(value))


def format_date(moment: datetime, pieces: list) -> str:
    return "".join(_PRINT[p[1]](moment) if type(p) is tuple else p for p in pieces)


def _date_to_string(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("date",), ("format", "timezone", "onNull"))
    date_of = compile(spec["date"])
    format_of = compile(spec["format"]) if "format" in spec else None
    zone_of = compile(spec["timezone"]) if "timezone" in spec else None
    on_null = compile(spec["onNull"]) if "onNull" in spec else None
    fixed = spec.get("format") if type(spec.get("format")) is str and not spec["format"].startswith("$") else None
    parsed_fixed = check_format(fixed) if fixed is not None else None  # a bad literal format fails at once

    def run(doc: Any, v: dict) -> Any:
        tz: tzinfo = timezone.utc
        if zone_of is not None:
            tz_name = zone_of(doc, v)
            if nullish(tz_name):
                return None
            tz = zone(tz_name)
        pieces = parsed_fixed
        if format_of is not None and pieces is None:
            text = format_of(doc, v)
            if nullish(text):
                return None
            if type(text) is not str:
                raise fail(_format_not_string("$dateToString", text))
            pieces = check_format(text)
        if pieces is None:
            pieces = check_format(ISO_Z if is_utc(tz) else ISO_LOCAL)
        value = date_of(doc, v)
        if nullish(value):
            return on_null(doc, v) if on_null is not None else None
        return format_date(local(as_date(name, value), tz), pieces)

    return run


# -- parsing -----------------------------------------------------------------------------------

_ISO = re.compile(
    r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_FIELDS = {  # specifier -> (regex, slot)
    "Y": (r"(\d{4})", "year"), "m": (r"(\d{1,2})", "month"), "d": (r"(\d{1,2})", "day"),
    "H": (r"(\d{1,2})", "hour"), "M": (r"(\d{1,2})", "minute"), "S": (r"(\d{1,2})", "second"),
    "L": (r"(\d{1,3})", "millisecond"), "j": (r"(\d{1,3})", "yday"), "G": (r"(\d{4})", "isoyear"),
    "V": (r"(\d{1,2})", "isoweek"), "u": (r"(\d)", "isoday"), "U": (r"(\d{1,2})", "week"),
    "z": (r"([+-]\d{2}:?\d{2})", "offset"), "Z": (r"([+-]\d+)", "minutes"), "%": (r"%", None),
}


class DateParseError(Exception):
    """A date string that does not fit its format (Mongo's ConversionFailure)."""


def parse_date_string(text: str, fmt: str | None, tz: tzinfo | None) -> datetime:
    """An instant from a date string, read in ``tz`` (UTC) unless the string has an offset."""
    fields = _parse_with(text, fmt) if fmt is not None else _parse_iso(text)
    offset = fields.pop("offset", None)
    if offset is not None and tz is not None:
        raise fail(Reason("expr.date_offset_and_timezone", "you cannot pass in a date/time string with GMT offset "
                          "together with a timezone argument"))
    try:
        wall = _wall_time(fields)
        if offset is not None:
            return (wall - offset).replace(tzinfo=timezone.utc)
        return wall.replace(tzinfo=tz or timezone.utc).astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise DateParseError() from None


def _parse_iso(text: str) -> dict:
    match = _ISO.match(text.strip())
    if not match:
        raise DateParseError()
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    fields = {"year": int(year), "month": int(month), "day": int(day), "hour": int(hour or 0),
              "minute": int(minute or 0), "second": int(second or 0),
              "millisecond": int((fraction or "0")[:3].ljust(3, "0"))}
    if offset:
        fields["offset"] = _offset_of(offset)
    return fields


def _offset_of(text: str) -> timedelta:
    if text == "Z":
        return timedelta(0)
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    return -delta if text[0] == "-" else delta


def _parse_with(text: str, fmt: str) -> dict:
    slots = []
    pattern = ""
    for piece in check_format(fmt):
        if type(piece) is tuple:
            regex, slot = _FIELDS[piece[1]]
            pattern += regex
            if slot is not None:
                slots.append(slot)
        else:
            pattern += re.escape(piece)
    match = re.fullmatch(pattern, text)
    if not match:
        raise DateParseError()
    raw = dict(zip(slots, match.groups()))
    fields: dict = {}
    if "offset" in raw:
        fields["offset"] = _offset_of(raw.pop("offset"))
    if "minutes" in raw:
        fields["offset"] = timedelta(minutes=int(raw.pop("minutes")))
    fields.update({slot: int(value) for slot, value in raw.items()})
    return fields


def _wall_time(fields: dict) -> datetime:
    clock = timedelta(hours=fields.get("hour", 0), minutes=fields.get("minute", 0),
                      seconds=fields.get("second", 0), milliseconds=fields.get("millisecond", 0))
    if "isoyear" in fields:
        day = date.fromisocalendar(fields["isoyear"], fields.get("isoweek", 1), fields.get("isoday", 1))
    elif "yday" in fields:
        day = date(fields.get("year", 1970), 1, 1) + timedelta(days=fields["yday"] - 1)
    else:
        day = date(fields.get("year", 1970), fields.get("month", 1), fields.get("day", 1))
    if clock.days:  # an hour of 24 or a minute of 60 is not a time
        raise ValueError("time out of range")
    return datetime(day.year, day.month, day.day) + clock


def _date_from_string(argument: Any, compile: Compile, name: str) -> Expr:
    spec = options(name, argument, ("dateString",), ("format", "timezone", "onError", "onNull"))
    text_of = compile(spec["dateString"])
    format_of = compile(spec["format"]) if "format" in spec else None
    zone_of = compile(spec["timezone"]) if "timezone" in spec else None
    on_error = compile(spec["onError"]) if "onError" in spec else None
    on_null = compile(spec["onNull"]) if "onNull" in spec else None

    def run(doc: Any, v: dict) -> Any:
        tz = None
        if zone_of is not None:
            tz_name = zone_of(doc, v)
            if nullish(tz_name):
                return None
            tz = zone(tz_name)
        fmt = None
        if format_of is not None:
            fmt = format_of(doc, v)
            if nullish(fmt):
                return None
            if type(fmt) is not str:
                raise fail(_format_not_string("$dateFromString", fmt))
        text = text_of(doc, v)
        if nullish(text):
            return on_null(doc, v) if on_null is not None else None
        try:
            if type(text) is not str:
                raise fail(Reason("expr.date_string_not_string", "$dateFromString requires that 'dateString' be "
                                  "a string, found: {type} with value {value}", type=type_name(text),
                                  value=repr(text)))
            return parse_date_string(text, fmt, tz)
        except (DateParseError, CloudError) as error:  # onError stands in for either (Mongo)
            if on_error is not None:
                return on_error(doc, v)
            if isinstance(error, CloudError):
                raise
            raise fail(date_parse_error(text)) from None

    return run


OPERATORS: dict[str, Builder] = {
    "$dateToString": _date_to_string,
    "$dateFromString": _date_from_string,
}
