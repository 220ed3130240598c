"""When a confirmed request runs (SPEC §7 "Schedule" and "Repeat"), standard library only.

- **Schedule**: one moment (``schedule_at``): ISO 8601 with an offset, or a Jalali
  ``1405/09/10 14:30`` read as Tehran time.
- **Repeat**: daily; weekly on chosen weekdays (the Persian week: 0 = Saturday …
  6 = Friday); or monthly on a chosen day of the **Jalali** month (a day past the
  month's length means its last day: the 31st in Mehr is the 30th, in Esfand the
  29th or 30th) — at a time of day in Tehran, until an end date (a Tehran day,
  inclusive) or for a number of runs.

``Repeat.next_run(after)`` is the first occurrence strictly after ``after``, in UTC.
Input is checked with field errors (``ValidationFailed({"repeat.day": "invalid"})``).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final

from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import TEHRAN, from_gregorian, month_length, parse_date
from kook.domain.shared.mobile import to_latin_digits

MAX_COUNT: Final = 1000  # runs of one repeating request
MAX_AHEAD: Final = timedelta(days=366)  # how far a one-off schedule (or a repeat's start) may be
MAX_UNTIL: Final = timedelta(days=3 * 366)  # how far a repeat's end date may be
DEFAULT_TIME: Final = time(9, 0)

_TIME: Final = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_JALALI_MOMENT: Final = re.compile(
    r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[ T]+([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?))?"
)
_FIRST_GREGORIAN_YEAR: Final = 1700


class Every(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


def persian_weekday(day: date) -> int:
    """0 = Saturday (شنبه) … 6 = Friday (جمعه)."""
    return (day.weekday() + 2) % 7


def tehran_day(moment: datetime) -> date:
    return moment.astimezone(TEHRAN).date()


def at_tehran(day: date, clock: time) -> datetime:
    """``day`` at ``clock`` in Tehran, as a UTC moment."""
    return datetime.combine(day, clock, tzinfo=TEHRAN).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Repeat:
    every: Every
    at: time = DEFAULT_TIME  # Tehran time of day (hours and minutes)
    weekdays: tuple[int, ...] = ()  # weekly: Persian weekdays, sorted
    day: int | None = None  # monthly: 1..31 of the Jalali month
    until: date | None = None  # the last Tehran day a run may fall on
    count: int | None = None  # how many runs in all

    def __post_init__(self) -> None:
        if self.every is Every.WEEKLY and not self.weekdays:
            raise ValueError("weekly needs weekdays")
        if any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("weekday out of range")
        if self.every is Every.MONTHLY and (self.day is None or not 1 <= self.day <= 31):
            raise ValueError("monthly needs a day 1..31")
        if self.until is None and self.count is None:
            raise ValueError("a repeat needs an end date or a count")

    def _runs_on(self, day: date) -> bool:
        if self.every is Every.DAILY:
            return True
        if self.every is Every.WEEKLY:
            return persian_weekday(day) in self.weekdays
        assert self.day is not None
        jy, jm, jd = from_gregorian(day)
        return jd == min(self.day, month_length(jy, jm))

    def next_run(self, after: datetime) -> datetime:
        """The first occurrence strictly after ``after`` (ends not considered), in UTC."""
        day = tehran_day(after)
        for _ in range(400):  # a monthly rule matches within 62 days, a weekly one within 7
            if self._runs_on(day):
                moment = at_tehran(day, self.at)
                if moment > after:
                    return moment
            day += timedelta(days=1)
        raise AssertionError("no occurrence within 400 days")  # pragma: no cover - every rule matches sooner

    def allows(self, run_number: int, moment: datetime) -> bool:
        """Whether run ``run_number`` (1-based) falling at ``moment`` is within the repeat's end."""
        if self.count is not None and run_number > self.count:
            return False
        return not (self.until is not None and tehran_day(moment) > self.until)

    def to_json(self) -> dict[str, Any]:
        return {
            "every": self.every.value,
            "time": f"{self.at.hour:02d}:{self.at.minute:02d}",
            "weekdays": list(self.weekdays),
            "day": self.day,
            "until": self.until.isoformat() if self.until else None,
            "count": self.count,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Repeat:
        hour, minute = (int(p) for p in str(data["time"]).split(":"))
        return cls(
            every=Every(data["every"]),
            at=time(hour, minute),
            weekdays=tuple(int(d) for d in data.get("weekdays") or ()),
            day=data.get("day"),
            until=date.fromisoformat(data["until"]) if data.get("until") else None,
            count=data.get("count"),
        )


@dataclass(frozen=True, slots=True)
class Plan:
    """How a confirmed request runs: now (no plan), once at ``at``, or repeating (first run ``first_run``)."""

    first_run: datetime
    at: datetime | None = None
    repeat: Repeat | None = None


# --------------------------------------------------------------------------- parsing


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}


def _clean(text: str) -> str:
    return " ".join(to_latin_digits(text).split())


def parse_time(value: object, field: str) -> time:
    if isinstance(value, time):
        return time(value.hour, value.minute)
    match = _TIME.fullmatch(_clean(value)) if isinstance(value, str) else None
    if match is None:
        raise ValidationFailed({field: "time_invalid"})
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValidationFailed({field: "time_invalid"})
    return time(hour, minute)


def parse_moment(value: object, field: str = "schedule_at") -> datetime:
    """ISO 8601 with an offset, or a Jalali date and time (``1405/09/10 14:30``, any digits) in Tehran time."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationFailed({field: "moment_invalid"})
        return value.astimezone(UTC)
    if not isinstance(value, str):
        raise ValidationFailed({field: "moment_invalid"})
    text = _clean(value)
    match = _JALALI_MOMENT.fullmatch(text)
    if match is not None and int(match.group(1)) < _FIRST_GREGORIAN_YEAR:
        day = parse_date(f"{match.group(1)}/{match.group(2)}/{match.group(3)}")
        if day is None:
            raise ValidationFailed({field: "moment_invalid"})
        clock = parse_time(match.group(4), field) if match.group(4) else time(0, 0)
        return at_tehran(day, clock)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise ValidationFailed({field: "moment_invalid"}) from None
    if moment.tzinfo is None:
        raise ValidationFailed({field: "offset_required"})
    return moment.astimezone(UTC)


def _parse_int(value: object, field: str) -> int:
    if isinstance(value, bool):
        raise ValidationFailed({field: "invalid"})
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = to_latin_digits(value).strip()
        # a whole number of at most 9 digits: a longer text is no count or day (and int() of thousands of digits fails)
        if digits.isascii() and digits.isdigit() and len(digits) <= 9:
            return int(digits)
    raise ValidationFailed({field: "invalid"})


def parse_repeat(raw: object) -> Repeat:
    """``{every, weekdays?, day?, time?, until?, count?}`` → a ``Repeat``; every fault named by its field."""
    if not isinstance(raw, dict):
        raise ValidationFailed({"repeat": "invalid"})
    errors: dict[str, str] = {}
    every: Every | None = None
    try:
        every = Every(str(raw.get("every")))
    except ValueError:
        errors["repeat.every"] = "invalid"
    at = DEFAULT_TIME
    if not _blank(raw.get("time")):
        try:
            at = parse_time(raw.get("time"), "repeat.time")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    weekdays: tuple[int, ...] = ()
    day: int | None = None
    if every is Every.WEEKLY:
        values = raw.get("weekdays")
        if _blank(values):
            errors["repeat.weekdays"] = "required"
        else:
            try:
                items = values if isinstance(values, list | tuple) else [values]
                weekdays = tuple(sorted({_parse_int(v, "repeat.weekdays") for v in items}))
                if any(not 0 <= d <= 6 for d in weekdays):
                    errors["repeat.weekdays"] = "invalid"
            except ValidationFailed as exc:
                errors.update(exc.fields)
    if every is Every.MONTHLY:
        if _blank(raw.get("day")):
            errors["repeat.day"] = "required"
        else:
            try:
                day = _parse_int(raw.get("day"), "repeat.day")
                if not 1 <= day <= 31:
                    errors["repeat.day"] = "invalid"
            except ValidationFailed as exc:
                errors.update(exc.fields)
    until: date | None = None
    if not _blank(raw.get("until")):
        until_raw = raw.get("until")
        until = (
            until_raw if isinstance(until_raw, date) else parse_date(until_raw) if isinstance(until_raw, str) else None
        )
        if until is None:
            errors["repeat.until"] = "date_invalid"
    count: int | None = None
    if not _blank(raw.get("count")):
        try:
            count = _parse_int(raw.get("count"), "repeat.count")
            if count < 1:
                errors["repeat.count"] = "invalid"
            elif count > MAX_COUNT:
                errors["repeat.count"] = "too_many_runs"
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if until is None and count is None and not {"repeat.until", "repeat.count"} & errors.keys():
        errors["repeat.count"] = "repeat_end_required"
    if errors:
        raise ValidationFailed(errors)
    assert every is not None
    return Repeat(every=every, at=at, weekdays=weekdays, day=day, until=until, count=count)


def plan(schedule_at: object, repeat: object, now: datetime) -> Plan | None:
    """The plan of a confirmation, checked against ``now``; ``None`` = run now.

    With a repeat, ``schedule_at`` (optional) is when it begins: the first run is
    the first occurrence after it (or after now)."""
    at = None if _blank(schedule_at) else parse_moment(schedule_at)
    if at is not None:
        if at <= now:
            raise ValidationFailed({"schedule_at": "not_future"})
        if at - now > MAX_AHEAD:
            raise ValidationFailed({"schedule_at": "too_far"})
    if _blank(repeat):
        return None if at is None else Plan(first_run=at, at=at)
    rule = parse_repeat(repeat)
    if rule.until is not None:
        if rule.until < tehran_day(now):
            raise ValidationFailed({"repeat.until": "not_future"})
        if rule.until > tehran_day(now + MAX_UNTIL):
            raise ValidationFailed({"repeat.until": "too_far"})
    first = rule.next_run(at - timedelta(microseconds=1) if at is not None else now)
    if not rule.allows(1, first):
        raise ValidationFailed({"repeat.until": "before_first_run"})
    return Plan(first_run=first, repeat=rule)


def parse_end(until: object, count: object) -> tuple[date | None, int | None]:
    """A new end of a repeat as typed: ``until`` (a Jalali or ISO date) and/or ``count`` (1..1000)."""
    errors: dict[str, str] = {}
    day: date | None = None
    if not _blank(until):
        day = until if isinstance(until, date) else parse_date(until) if isinstance(until, str) else None
        if day is None:
            errors["until"] = "date_invalid"
    runs: int | None = None
    if not _blank(count):
        try:
            runs = _parse_int(count, "count")
            if runs < 1:
                errors["count"] = "invalid"
            elif runs > MAX_COUNT:
                errors["count"] = "too_many_runs"
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if day is None and runs is None and not errors:
        errors["count"] = "repeat_end_required"
    if errors:
        raise ValidationFailed(errors)
    return day, runs
