"""The 7-field cron of timer triggers: second minute hour day month week year (spec §2.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.reasons import Reason

_FIELDS = (  # name, lowest, highest
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("week", 0, 7),  # 0 = Sunday, as in SCF; 7 is Sunday too
    ("year", 1970, 2099),
)
_MONTHS = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
_DAYS = {d: i for i, d in enumerate("SUN MON TUE WED THU FRI SAT".split())}
_SEARCH_LIMIT = timedelta(days=366 * 5)


class CronError(ValueError):
    """A cron expression that cannot be read; the message says which field and why."""

    def __init__(self, reason: Reason) -> None:
        self.reason = reason
        super().__init__(str(reason))


@dataclass(frozen=True)
class Cron:
    text: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    years: frozenset[int]
    any_day: bool
    any_weekday: bool

    @classmethod
    def parse(cls, text: str) -> "Cron":
        parts = text.split()
        if len(parts) != 7:
            raise CronError(Reason(
                "cron.field_count", "“{text}” has {count} fields; a timer trigger needs 7: "
                "second minute hour day month week year, e.g. 0 0 2 1 * * *", text=text, count=len(parts)))
        sets = [_field(part, *spec) for part, spec in zip(parts, _FIELDS)]
        return cls(text, *sets, any_day=parts[3] in ("*", "?"), any_weekday=parts[5] in ("*", "?"))

    def matches(self, moment: datetime) -> bool:
        weekday = (moment.weekday() + 1) % 7  # Python: Monday 0; cron: Sunday 0
        if self.any_day or self.any_weekday:
            day_ok = moment.day in self.days and weekday in self.weekdays
        else:  # both restricted: either may match, as in classic cron
            day_ok = moment.day in self.days or weekday in self.weekdays
        return (
            day_ok
            and moment.second in self.seconds
            and moment.minute in self.minutes
            and moment.hour in self.hours
            and moment.month in self.months
            and moment.year in self.years
        )

    def next_after(self, moment: datetime) -> datetime | None:
        """The first matching second after ``moment`` (None if there is none in five years)."""
        candidate = moment.replace(microsecond=0) + timedelta(seconds=1)
        end = moment + _SEARCH_LIMIT
        while candidate <= end:
            if candidate.year not in self.years or candidate.month not in self.months:
                candidate = _next_month(candidate)
                continue
            if not self._day_ok(candidate):
                candidate = (candidate + timedelta(days=1)).replace(hour=0, minute=0, second=0)
                continue
            if candidate.hour not in self.hours:
                candidate = (candidate + timedelta(hours=1)).replace(minute=0, second=0)
                continue
            if candidate.minute not in self.minutes:
                candidate = (candidate + timedelta(minutes=1)).replace(second=0)
                continue
            if candidate.second in self.seconds:
                return candidate
            candidate += timedelta(seconds=1)
        return None

    def _day_ok(self, moment: datetime) -> bool:
        return self.matches(moment.replace(
            hour=min(self.hours), minute=min(self.minutes), second=min(self.seconds)))


def _next_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0)


def _field(text: str, name: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        values |= _item(item.upper(), name, low, high)
    if name == "week" and 7 in values:
        values = (values - {7}) | {0}
    return frozenset(values)


def _item(item: str, name: str, low: int, high: int) -> set[int]:
    step = 1
    if "/" in item:
        item, step_text = item.split("/", 1)
        step = _number(step_text, name)
        if step < 1:
            raise CronError(Reason("cron.bad_step", "the {name} field has a step of {step}; use 1 or more",
                                   name=name, step=step))
    if item in ("*", "?"):
        start, stop = low, high
    elif "-" in item:
        first, last = item.split("-", 1)
        start, stop = _value(first, name), _value(last, name)
    else:
        start = _value(item, name)
        stop = high if step > 1 else start
    if not (low <= start <= high and low <= stop <= high and start <= stop):
        raise CronError(Reason("cron.out_of_range", "the {name} field “{item}” is outside {low}–{high}",
                               name=name, item=item, low=low, high=high))
    return set(range(start, stop + 1, step))


def _value(text: str, name: str) -> int:
    if name == "month" and text in _MONTHS:
        return _MONTHS[text]
    if name == "week" and text in _DAYS:
        return _DAYS[text]
    return _number(text, name)


def _number(text: str, name: str) -> int:
    if not text.isdigit():
        raise CronError(Reason("cron.not_a_number", "the {name} field has “{text}”, which is not a number",
                               name=name, text=text))
    return int(text)
