"""Schedule and repeat of requests (SPEC §7): the recurrence in Tehran time and the Jalali month,
input checked field by field, and the use cases with fakes — a one-off holds at confirmation and
starts when due; each run of a repeating request holds its own money; an unfunded run does not
start and the customer is told; cancel; a due occurrence becomes one run only."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kook.application.fulfilment.dispatch_runs import DispatchRuns
from kook.application.fulfilment.ports import FulfilmentConfig
from kook.application.recharges.add_line import AddLine
from kook.application.recharges.cancel_request import CancelRequest
from kook.application.recharges.confirm_recharge_request import ConfirmRechargeRequest
from kook.application.recharges.create_request import CreateRequest
from kook.application.recharges.line_checker import LineInput
from kook.application.recharges.start_due_requests import StartDueRequests
from kook.application.shared.ledger_poster import LedgerPoster
from kook.application.shared.load_prefix_table import LoadPrefixTable
from kook.application.shared.load_price_list import LoadPriceList
from kook.domain.recharges.request import RequestStatus
from kook.domain.recharges.schedule import (
    Every,
    Repeat,
    parse_end,
    parse_moment,
    parse_repeat,
    persian_weekday,
    plan,
)
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import TEHRAN, from_gregorian, month_length, to_gregorian
from kook.domain.wallet.ledger import EntryKind, bank_account
from tests.fakes.catalog import FakeCatalogUnitOfWork, seeded_state
from tests.fakes.clock import FakeClock
from tests.fakes.dispatch import RecordingDispatcher
from tests.fakes.schedules import FakeSchedulesUnitOfWork
from tests.fakes.wallet import FakeNotifier

ME = "c" * 32
NOW = datetime(2026, 5, 22, 6, 50, tzinfo=UTC)  # ۱۴۰۵/۰۳/۰۱ ۱۰:۲۰ Tehran (a Friday)

moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))
clocks = st.builds(time, st.integers(0, 23), st.integers(0, 59))
rules = st.one_of(
    st.builds(Repeat, every=st.just(Every.DAILY), at=clocks, count=st.just(10)),
    st.builds(
        Repeat,
        every=st.just(Every.WEEKLY),
        at=clocks,
        weekdays=st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(lambda d: tuple(sorted(d))),
        count=st.just(10),
    ),
    st.builds(Repeat, every=st.just(Every.MONTHLY), at=clocks, day=st.integers(1, 31), count=st.just(10)),
)


def _runs_on(rule: Repeat, moment: datetime) -> bool:
    local = moment.astimezone(TEHRAN)
    if (local.hour, local.minute, local.second, local.microsecond) != (rule.at.hour, rule.at.minute, 0, 0):
        return False
    if rule.every is Every.WEEKLY:
        return persian_weekday(local.date()) in rule.weekdays
    if rule.every is Every.MONTHLY:
        assert rule.day is not None
        jy, jm, jd = from_gregorian(local.date())
        return jd == min(rule.day, month_length(jy, jm))
    return True


@given(rules, moments)
def test_the_next_run_is_the_first_allowed_moment_after(rule: Repeat, after: datetime) -> None:
    found = rule.next_run(after)
    assert found > after
    assert found.tzinfo is UTC
    assert _runs_on(rule, found)
    # nothing allowed in between: no allowed Tehran day between after's day and found's day
    day = after.astimezone(TEHRAN).date()
    while day < found.astimezone(TEHRAN).date():
        candidate = datetime.combine(day, rule.at, tzinfo=TEHRAN)
        assert not (candidate > after and _runs_on(rule, candidate)), candidate
        day += timedelta(days=1)


def _tehran(jy: int, jm: int, jd: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(to_gregorian(jy, jm, jd), time(hour, minute), tzinfo=TEHRAN)


def test_a_day_past_the_jalali_month_is_its_last_day() -> None:
    rule = Repeat(Every.MONTHLY, at=time(10, 0), day=31, count=12)
    assert rule.next_run(_tehran(1405, 6, 31, 11)) == _tehran(1405, 7, 30, 10)  # Mehr has 30 days
    assert rule.next_run(_tehran(1405, 7, 30, 10)) == _tehran(1405, 8, 30, 10)
    assert month_length(1403, 12) == 30 and month_length(1404, 12) == 29
    assert rule.next_run(_tehran(1404, 12, 1)) == _tehran(1404, 12, 29, 10)  # Esfand of a common year
    assert rule.next_run(_tehran(1403, 12, 1)) == _tehran(1403, 12, 30, 10)  # Esfand of a leap year
    first = Repeat(Every.MONTHLY, at=time(8, 0), day=1, count=3)
    assert first.next_run(_tehran(1405, 3, 1, 8)) == _tehran(1405, 4, 1, 8)  # strictly after


def test_weekly_counts_the_persian_week_from_saturday() -> None:
    assert persian_weekday(date(2026, 5, 23)) == 0  # a Saturday
    assert persian_weekday(date(2026, 5, 22)) == 6  # a Friday
    rule = Repeat(Every.WEEKLY, at=time(9, 0), weekdays=(0,), count=2)
    assert rule.next_run(NOW) == datetime(2026, 5, 23, 5, 30, tzinfo=UTC)  # 09:00 Tehran is 05:30 UTC


def test_moments_in_iso_or_jalali_tehran_time() -> None:
    expected = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    assert parse_moment("1405/09/10 14:30") == expected
    assert parse_moment("۱۴۰۵/۰۹/۱۰ ۱۴:۳۰") == expected
    assert parse_moment("2026-12-01T14:30:00+03:30") == expected
    for bad, code in [
        ("2026-12-01T14:30:00", "offset_required"),
        ("1405/13/01 10:00", "moment_invalid"),
        ("x", "moment_invalid"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            parse_moment(bad)
        assert caught.value.fields == {"schedule_at": code}


@pytest.mark.parametrize(
    ("raw", "fields"),
    [
        ({"every": "hourly", "count": 2}, {"repeat.every": "invalid"}),
        ({"every": "weekly", "count": 2}, {"repeat.weekdays": "required"}),
        ({"every": "weekly", "weekdays": [7], "count": 2}, {"repeat.weekdays": "invalid"}),
        ({"every": "monthly", "count": 2}, {"repeat.day": "required"}),
        ({"every": "monthly", "day": 32, "count": 2}, {"repeat.day": "invalid"}),
        ({"every": "daily", "time": "25:00", "count": 2}, {"repeat.time": "time_invalid"}),
        ({"every": "daily"}, {"repeat.count": "repeat_end_required"}),
        ({"every": "daily", "count": 1001}, {"repeat.count": "too_many_runs"}),
        ({"every": "daily", "count": 0}, {"repeat.count": "invalid"}),
        ({"every": "daily", "until": "1405/13/40"}, {"repeat.until": "date_invalid"}),
        ("daily", {"repeat": "invalid"}),
    ],
)
def test_repeat_input_is_checked_field_by_field(raw: object, fields: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_repeat(raw)
    assert caught.value.fields == fields


def test_a_plan_is_checked_against_now() -> None:
    assert plan(None, None, NOW) is None
    assert plan("", {}, NOW) is None
    with pytest.raises(ValidationFailed) as caught:
        plan("1405/03/01 10:00", None, NOW)
    assert caught.value.fields == {"schedule_at": "not_future"}
    with pytest.raises(ValidationFailed) as caught:
        plan("1407/03/01 10:00", None, NOW)
    assert caught.value.fields == {"schedule_at": "too_far"}
    with pytest.raises(ValidationFailed) as caught:
        plan(None, {"every": "daily", "until": "1405/02/31"}, NOW)
    assert caught.value.fields == {"repeat.until": "not_future"}
    with pytest.raises(ValidationFailed) as caught:  # 09:00 today has passed; tomorrow is after the end
        plan(None, {"every": "daily", "time": "09:00", "until": "1405/03/01"}, NOW)
    assert caught.value.fields == {"repeat.until": "before_first_run"}
    once = plan("1405/03/02 08:00", None, NOW)
    assert once is not None and once.at == once.first_run == _tehran(1405, 3, 2, 8)
    begins = plan("1405/04/01 00:00", {"every": "monthly", "day": 1, "time": "07:00", "count": 2}, NOW)
    assert begins is not None and begins.first_run == _tehran(1405, 4, 1, 7)


def test_a_repeat_round_trips_through_json() -> None:
    rule = Repeat(Every.WEEKLY, at=time(7, 5), weekdays=(1, 3), until=date(2026, 9, 1))
    assert Repeat.from_json(rule.to_json()) == rule


# --------------------------------------------------------------------------- use cases


class World:
    def __init__(self) -> None:
        self.clock = FakeClock(NOW)
        self.uow = FakeSchedulesUnitOfWork()
        catalog = FakeCatalogUnitOfWork(self.clock, seeded_state())
        self.table = LoadPrefixTable(catalog)
        self.prices = LoadPriceList(catalog)
        self.poster = LedgerPoster(self.clock)
        self.dispatcher = RecordingDispatcher()
        self.notifier = FakeNotifier()
        self.config = FulfilmentConfig(parallel_runs=1)

    async def request(self, *amounts: int) -> str:
        request_id: str = (await CreateRequest(self.uow, self.clock)(ME, "حقوق", "topup")).id
        for i, amount in enumerate(amounts):
            line = LineInput(mobile=f"0912123450{i}", amount=amount)
            await AddLine(self.uow, self.table, self.prices, self.clock)(request_id, ME, line)
        return request_id

    async def fund(self, amount: int, key: str = "fund") -> None:
        async with self.uow as uow:
            await self.poster.credit(uow.ledger, ME, amount, bank_account("t"), key=key, kind=EntryKind.DEPOSIT)
            await uow.commit()

    def confirm(self) -> ConfirmRechargeRequest:
        return ConfirmRechargeRequest(self.uow, self.poster, self.clock, DispatchRuns(self.dispatcher, self.config))

    def start_due(self) -> StartDueRequests:
        return StartDueRequests(
            self.uow, self.poster, self.clock, DispatchRuns(self.dispatcher, self.config), self.notifier
        )

    def status(self, request_id: str) -> RequestStatus:
        return self.uow.committed.requests[request_id].status


async def test_a_one_off_holds_at_confirmation_and_starts_when_due() -> None:
    world = World()
    await world.fund(1_000_000)
    request_id = await world.request(300_000)
    assert await world.confirm()(request_id, ME, schedule_at="1405/03/02 08:00") is RequestStatus.SCHEDULED
    assert await world.confirm()(request_id, ME, schedule_at="1405/03/02 08:00") is RequestStatus.SCHEDULED
    assert world.uow.held(ME) == (700_000, 300_000)  # held once
    assert world.dispatcher.sent == []
    assert await world.start_due()() == {"started": 0, "not_funded": 0}  # not yet
    world.clock.set(_tehran(1405, 3, 2, 8).astimezone(UTC))
    assert await world.start_due()() == {"started": 1, "not_funded": 0}
    assert world.status(request_id) is RequestStatus.CONFIRMED
    assert world.dispatcher.sent == [("fulfilment.run", {"request_id": request_id})]
    assert await world.start_due()() == {"started": 0, "not_funded": 0}  # once
    assert world.uow.held(ME) == (700_000, 300_000)


async def test_cancelling_a_one_off_releases_and_a_repeating_one_stops() -> None:
    world = World()
    await world.fund(1_000_000)
    once = await world.request(300_000)
    await world.confirm()(once, ME, schedule_at="1405/03/02 08:00")
    assert await CancelRequest(world.uow, world.poster, world.clock)(once, ME) is RequestStatus.CANCELLED
    assert world.uow.held(ME) == (1_000_000, 0)
    repeating = await world.request(200_000)
    await world.confirm()(repeating, ME, repeat={"every": "daily", "time": "12:00", "count": 5})
    world.clock.advance(hours=2)  # 12:20 Tehran: the first run is due
    assert await world.start_due()() == {"started": 1, "not_funded": 0}
    assert await CancelRequest(world.uow, world.poster, world.clock)(repeating, ME) is RequestStatus.CANCELLED
    world.clock.advance(days=3)
    assert await world.start_due()() == {"started": 0, "not_funded": 0}
    [run] = world.uow.runs_of(repeating)
    assert run.status is RequestStatus.CONFIRMED  # the started run goes on
    assert world.uow.held(ME) == (800_000, 200_000)


async def test_each_run_of_a_repeating_request_holds_its_own_money() -> None:
    world = World()
    await world.fund(600_000)
    template = await world.request(200_000, 300_000)
    repeat = {"every": "daily", "time": "12:00", "count": 3}
    assert await world.confirm()(template, ME, repeat=repeat) is RequestStatus.SCHEDULED
    assert world.uow.held(ME) == (600_000, 0)  # nothing held at confirmation
    first = world.uow.committed.requests[template].next_run_at
    assert first == _tehran(1405, 3, 1, 12)

    world.clock.set(_tehran(1405, 3, 1, 12).astimezone(UTC))
    assert await world.start_due()() == {"started": 1, "not_funded": 0}
    [run] = world.uow.runs_of(template)
    assert (run.name, run.parent_id, run.run_number, run.status) == (
        "حقوق — اجرای 1",
        template,
        1,
        RequestStatus.CONFIRMED,
    )
    assert run.total_held == 500_000
    assert sorted(v.mobile for v in world.uow.committed.lines.values() if v.request_id == run.id) == [
        "09121234500",
        "09121234501",
    ]
    assert world.uow.held(ME) == (100_000, 500_000)
    assert world.dispatcher.sent == [("fulfilment.run", {"request_id": run.id})]

    # the second run cannot be funded: not started, the customer told, the third planned
    world.clock.advance(days=1)
    assert await world.start_due()() == {"started": 0, "not_funded": 1}
    assert len(world.uow.runs_of(template)) == 1
    [notice] = world.notifier.sent
    assert notice["kind"] == "request_run_not_funded" and notice["sms"] and "حقوق" in notice["body"]
    assert world.uow.committed.requests[template].next_run_at == _tehran(1405, 3, 3, 12)

    await world.fund(1_000_000, key="more")
    world.clock.advance(days=1)
    assert await world.start_due()() == {"started": 1, "not_funded": 0}
    assert [r.run_number for r in world.uow.runs_of(template)] == [1, 3]
    done = world.uow.committed.requests[template]
    assert (done.status, done.next_run_at, done.runs_started) == (RequestStatus.COMPLETED, None, 3)
    world.clock.advance(days=1)
    assert await world.start_due()() == {"started": 0, "not_funded": 0}


async def test_a_repeat_ends_at_its_end_date() -> None:
    world = World()
    await world.fund(5_000_000)
    template = await world.request(200_000)
    await world.confirm()(template, ME, repeat={"every": "weekly", "weekdays": [0, 2], "until": "1405/03/05"})
    for _ in range(10):
        world.clock.advance(days=1)
        await world.start_due()()
    # Saturday 1405/03/02 and Monday 1405/03/04 only
    assert [r.run_number for r in world.uow.runs_of(template)] == [1, 2]
    assert world.status(template) is RequestStatus.COMPLETED


def test_a_count_of_thousands_of_digits_is_refused_not_a_server_error() -> None:
    """int() of a 5,000-digit text raises ValueError (Python's digit limit); the count names its field instead."""
    for typed in ("۹" * 5000, "1" * 10):
        try:
            parse_end(None, typed)
        except ValidationFailed as exc:
            assert exc.fields == {"count": "invalid"}
        else:
            raise AssertionError(f"{typed[:12]}… was taken as a count")
    assert parse_end(None, "۱۲") == (None, 12)
