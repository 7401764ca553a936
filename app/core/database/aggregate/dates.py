"""Date operators: the parts (``$year`` … ``$millisecond``, ``$week``, ISO weeks), ``$dateFromParts``,
and dates' time zones (``zones``). ``$dateToString``/``$dateFromString`` live in ``datetext``.

Dates are instants (aware UTC datetimes); a part is read in a time zone, UTC unless the
operator's ``timezone`` says otherwise: an Olson name through ``zoneinfo`` (``Asia/Shanghai``)
or an offset (``+08:00``, ``+0800``, ``+08``). ``$dayOfWeek`` counts Sunday as 1,
``$isoDayOfWeek`` Monday as 1; ``$week`` numbers Sunday-started weeks from 0 (strftime ``%U``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from app.core.database.aggregate import datetext
from app.core.database.aggregate.core import Builder, Compile, Expr, fail, nullish, operands, options, whole
from app.core.database.aggregate.zones import as_date, local, zone
from app.core.database.values import as_utc, type_name
from app.core.reasons import Reason


def date_operand(name: str, argument: Any, compile: Compile) -> tuple[Expr, Expr | None, dict]:
    """The date and timezone of ``{$year: date}``, ``{$year: [date]}`` or ``{$year: {date, timezone}}``."""
    if type(argument) is dict and argument and not next(iter(argument)).startswith("$"):
        spec = options(name, argument, ("date",), ("timezone",))
        return compile(spec["date"]), compile(spec["timezone"]) if "timezone" in spec else None, spec
    args = operands(argument)
    if len(args) != 1:
        raise fail(Reason("expr.date_arguments", "Expression {name} takes exactly 1 arguments. {count} were passed in.",
                          name=name, count=len(args)))
    return compile(args[0]), None, {}


def _part(extract: Callable[[datetime], int]) -> Builder:
    def build(argument: Any, compile: Compile, name: str) -> Expr:
        date_of, zone_of, _ = date_operand(name, argument, compile)

        def run(doc: Any, v: dict) -> Any:
            value = date_of(doc, v)
            if nullish(value):
                return None
            moment = as_date(name, value)
            if zone_of is None:
                return extract(as_utc(moment))
            tz_name = zone_of(doc, v)
            if nullish(tz_name):
                return None
            return extract(local(moment, zone(tz_name)))

        return run

    return build


def _week(moment: datetime) -> int:
    return int(moment.strftime("%U"))


# -- $dateFromParts ---------------------------------------------------------------------------

_NATURAL = (("year", None), ("month", 1), ("day", 1))
_ISO = (("isoWeekYear", None), ("isoWeek", 1), ("isoDayOfWeek", 1))
_TIME = (("hour", 0), ("minute", 0), ("second", 0), ("millisecond", 0))


def _date_from_parts(argument: Any, compile: Compile, name: str) -> Expr:
    known = [key for key, _ in (*_NATURAL, *_ISO, *_TIME)] + ["timezone"]
    if type(argument) is not dict:
        raise fail(Reason("expr.date_from_parts_not_object", "$dateFromParts only supports an object as its argument"))
    for key in argument:
        if key not in known:
            raise fail(Reason("expr.date_from_parts_unknown", "Unrecognized argument to $dateFromParts: {key}",
                              key=key))
    natural = any(key in argument for key, _ in _NATURAL)
    iso = any(key in argument for key, _ in _ISO)
    if natural and iso:
        raise fail(Reason("expr.date_from_parts_mixed", "$dateFromParts does not allow mixing natural dates with ISO "
                          "dates"))
    if "year" not in argument and "isoWeekYear" not in argument:
        raise fail(Reason("expr.date_from_parts_no_year", "$dateFromParts requires either 'year' or 'isoWeekYear' to "
                          "be present"))
    fields = (*(_ISO if iso else _NATURAL), *_TIME)
    parts = [(key, compile(argument[key]) if key in argument else None, default) for key, default in fields]
    zone_of = compile(argument["timezone"]) if "timezone" in argument else None

    def run(doc: Any, v: dict) -> Any:
        values = {}
        for key, part, default in parts:
            value = default if part is None else part(doc, v)
            if nullish(value):
                return None
            values[key] = _whole_part(key, value)
        tz: tzinfo = timezone.utc
        if zone_of is not None:
            tz_name = zone_of(doc, v)
            if nullish(tz_name):
                return None
            tz = zone(tz_name)
        return _assemble(values, iso, tz)

    return run


def _whole_part(key: str, value: Any) -> int:
    if not whole(value):
        raise fail(Reason("expr.date_part_not_integer", "'{key}' must evaluate to an integer, found {type} with value "
                          "{value}", key=key, type=type_name(value), value=value))
    number = int(value)
    if key in ("year", "isoWeekYear"):
        if not 1 <= number <= 9999:
            raise fail(Reason("expr.date_part_year_range", "'{key}' must evaluate to an integer in the range 1 "
                              "to 9999, found {number}", key=key, number=number))
    elif not -32768 <= number <= 32767:
        raise fail(Reason("expr.date_part_range", "'{key}' must evaluate to a value in the range [-32768, 32767]; "
                          "value {number} is not in range", key=key, number=number))
    return number


def _assemble(values: dict, iso: bool, tz: tzinfo) -> datetime:
    """The instant of the parts read as wall-clock time in ``tz``; out-of-range parts carry over."""
    try:
        if iso:
            start = date.fromisocalendar(values["isoWeekYear"], 1, 1)
            day = start + timedelta(weeks=values["isoWeek"] - 1, days=values["isoDayOfWeek"] - 1)
        else:
            year, month = divmod(values["year"] * 12 + values["month"] - 1, 12)
            day = date(year, month + 1, 1) + timedelta(days=values["day"] - 1)
        wall = datetime(day.year, day.month, day.day) + timedelta(
            hours=values["hour"], minutes=values["minute"], seconds=values["second"],
            milliseconds=values["millisecond"])
        return wall.replace(tzinfo=tz).astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise fail(Reason("expr.date_from_parts_out_of_range", "$dateFromParts: the date is outside the range wxsim "
                          "can represent (years 1 to 9999)")) from None


OPERATORS: dict[str, Builder] = {
    "$year": _part(lambda m: m.year),
    "$month": _part(lambda m: m.month),
    "$dayOfMonth": _part(lambda m: m.day),
    "$hour": _part(lambda m: m.hour),
    "$minute": _part(lambda m: m.minute),
    "$second": _part(lambda m: m.second),
    "$millisecond": _part(lambda m: m.microsecond // 1000),
    "$dayOfYear": _part(lambda m: m.timetuple().tm_yday),
    "$dayOfWeek": _part(lambda m: m.isoweekday() % 7 + 1),
    "$isoDayOfWeek": _part(lambda m: m.isoweekday()),
    "$week": _part(_week),
    "$isoWeek": _part(lambda m: m.isocalendar()[1]),
    "$isoWeekYear": _part(lambda m: m.isocalendar()[0]),
    "$dateFromParts": _date_from_parts,
    **datetext.OPERATORS,
}
