"""Runs of a repeating request (SPEC §7, §10): the recurrence against ``jdatetime`` for every day of Jalali
years 1400–1420 (leap Esfand, the 31st clamped to the month's last day); pause, resume, skip one run,
change the end and cancel the future runs; the runs list; an unfunded run told once, saying which run, how
much was missing and when the next one is; and the short-wallet reminder before a run, told once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import jdatetime
import pytest

from kook.application.recharges.cancel_future_runs import CancelFutureRuns
from kook.application.recharges.change_runs_end import ChangeRunsEnd
from kook.application.recharges.deliver_run_notices import DeliverRunNotices
from kook.application.recharges.list_runs import ListRuns
from kook.application.recharges.list_upcoming_runs import ListUpcomingRuns
from kook.application.recharges.pause_runs import PauseRuns
from kook.application.recharges.remind_short_runs import RemindShortRuns
from kook.application.recharges.resume_runs import ResumeRuns
from kook.application.recharges.runs_action import RunsConfig
from kook.application.recharges.skip_run import SkipRun
from kook.domain.recharges.request import RequestNotRepeating, RequestNotScheduled, RequestStatus
from kook.domain.recharges.schedule import Every, Repeat, at_tehran, persian_weekday
from kook.domain.shared.errors import ValidationFailed
from kook.domain.shared.jalali import TEHRAN
from tests.fakes.wallet import FakeNotifier
from tests.unit.test_requests_schedule import ME, World, _tehran

FIRST = jdatetime.date(1400, 1, 1).togregorian()
LAST = jdatetime.date(1420, 12, 29 + jdatetime.date(1420, 1, 1).isleap()).togregorian()
DAYS = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]


def _expected_monthly(day_of_month: int) -> list[date]:
    """Every occurrence of 'day N of the Jalali month' from 1400 to 1421, by jdatetime alone."""
    found = []
    for jy in range(1400, 1422):
        for jm in range(1, 13):
            length = 31 if jm <= 6 else 30 if jm <= 11 else 30 if jdatetime.date(jy, 1, 1).isleap() else 29
            found.append(jdatetime.date(jy, jm, min(day_of_month, length)).togregorian())
    return found


@pytest.mark.parametrize("day_of_month", [1, 30, 31])
def test_monthly_runs_agree_with_jdatetime_on_every_day_of_1400_to_1420(day_of_month: int) -> None:
    rule = Repeat(Every.MONTHLY, at=time(9, 0), day=day_of_month, count=12)
    expected = _expected_monthly(day_of_month)
    pointer = 0
    for day in DAYS:
        while expected[pointer] < day:
            pointer += 1
        moment = rule.next_run(at_tehran(day, time(0, 0)))  # the first run on or after this day
        assert moment.astimezone(TEHRAN).date() == expected[pointer], day
        assert moment.astimezone(TEHRAN).time() == time(9, 0)


def test_weekdays_agree_with_jdatetime_on_every_day_of_1400_to_1420() -> None:
    for day in DAYS:
        assert persian_weekday(day) == jdatetime.date.fromgregorian(date=day).weekday()  # 0 = شنبه


def test_the_31st_is_the_last_day_of_shorter_months_and_of_leap_esfand() -> None:
    rule = Repeat(Every.MONTHLY, at=time(9, 0), day=31, count=12)
    after = _tehran(1403, 11, 30, 12)  # 1403 is a leap year
    runs = []
    for _ in range(3):
        after = rule.next_run(after)
        runs.append(jdatetime.datetime.fromgregorian(datetime=after.astimezone(TEHRAN)).date())
    assert runs == [jdatetime.date(1403, 12, 30), jdatetime.date(1404, 1, 31), jdatetime.date(1404, 2, 31)]
    esfand_1404 = rule.next_run(_tehran(1404, 12, 1, 12))
    assert jdatetime.datetime.fromgregorian(datetime=esfand_1404.astimezone(TEHRAN)).date() == jdatetime.date(
        1404, 12, 29
    )
    mehr = rule.next_run(_tehran(1405, 7, 1, 12))
    assert jdatetime.datetime.fromgregorian(datetime=mehr.astimezone(TEHRAN)).date() == jdatetime.date(1405, 7, 30)


# --------------------------------------------------------------------------- use cases


class Runs(World):
    def __init__(self, reminder_hours: float = 24) -> None:
        super().__init__()
        self.runs_config = RunsConfig(reminder_before=timedelta(hours=reminder_hours))

    async def repeating(self, *amounts: int, **repeat: object) -> str:
        template = await self.request(*amounts)
        await self.confirm()(template, ME, repeat={"time": "12:00", **repeat})
        return template

    def remind(self) -> RemindShortRuns:
        return RemindShortRuns(self.uow, self.clock, self.notifier, self.runs_config)

    def deliver(self) -> DeliverRunNotices:
        return DeliverRunNotices(self.uow, self.clock, self.notifier, self.runs_config)

    async def upcoming(self, template: str) -> list[datetime]:
        view = await ListRuns(self.uow, self.clock)(template, ME)
        return [u.at for u in view.upcoming if not u.skipped]


async def test_the_runs_list_shows_past_runs_with_their_money_and_the_runs_to_come() -> None:
    world = Runs()
    await world.fund(300_000)
    template = await world.repeating(200_000, every="daily", count=4)
    assert await world.upcoming(template) == [_tehran(1405, 3, d, 12) for d in (1, 2, 3, 4)]
    world.clock.set(_tehran(1405, 3, 1, 12).astimezone(UTC))
    await world.start_due()()
    world.clock.advance(days=1)
    await world.start_due()()  # 100,000 left: not funded
    view = await ListRuns(world.uow, world.clock)(template, ME)
    first, second = view.past
    assert (first.number, first.status, first.run is not None) == (1, "confirmed", True)
    assert first.run is not None and (first.run.total, first.run.lines, first.run.pending) == (200_000, 1, 1)
    assert (second.number, second.status, second.total, second.missing) == (2, "not_funded", 200_000, 100_000)
    assert [(u.number, u.at) for u in view.upcoming] == [(3, _tehran(1405, 3, 3, 12)), (4, _tehran(1405, 3, 4, 12))]


async def test_an_unfunded_run_is_told_once_with_which_run_the_shortfall_and_the_next_run() -> None:
    world = Runs()
    await world.fund(50_000)
    template = await world.repeating(200_000, every="monthly", day=1, count=3)
    world.clock.set(_tehran(1405, 3, 1, 12).astimezone(UTC))
    assert await world.start_due()() == {"started": 0, "not_funded": 1}
    [notice] = world.notifier.sent
    assert notice["kind"] == "request_run_not_funded"
    for text in (notice["body"], notice["sms"]):
        assert "اجرای ۱ " in text and "۱۴۰۵/۰۳/۰۱ ساعت ۱۲:۰۰" in text  # which run
        assert "۱۵۰٬۰۰۰" in text  # how much was missing
        assert "۱۴۰۵/۰۴/۰۱ ساعت ۱۲:۰۰" in text  # when the next one is
    assert await world.start_due()() == {"started": 0, "not_funded": 0}
    assert await world.deliver()() == 0
    world.clock.advance(hours=2)
    assert await world.deliver()() == 0  # told already: not again after the lease
    assert len(world.notifier.sent) == 1
    assert world.status(template) is RequestStatus.SCHEDULED


class DownNotifier(FakeNotifier):
    async def notify(self, customer_id: str, *, kind: str, title: str, body: str, sms: str | None = None) -> None:
        raise ConnectionError("the SMS provider is down")


async def test_a_notice_whose_teller_died_is_told_once_after_the_lease() -> None:
    world = Runs()
    up = world.notifier
    world.notifier = DownNotifier()  # the first teller fails after the run was handled and committed
    await world.repeating(200_000, every="daily", count=3)
    world.clock.set(_tehran(1405, 3, 1, 12).astimezone(UTC))
    assert await world.start_due()() == {"started": 0, "not_funded": 1}
    world.notifier = up
    assert await world.deliver()() == 0  # still claimed by the first teller
    world.clock.advance(minutes=6)
    other = world.deliver()
    assert await other() == 1
    assert await other() == 0
    assert [n["kind"] for n in up.sent] == ["request_run_not_funded"]


async def test_a_short_wallet_is_reminded_once_a_set_time_before_the_run() -> None:
    world = Runs(reminder_hours=6)
    await world.fund(100_000)
    template = await world.repeating(200_000, every="daily", count=3, time="20:00")  # first run 1405/03/01 20:00
    world.clock.set(_tehran(1405, 3, 1, 13, 59).astimezone(UTC))
    assert await world.remind()() == 0  # more than 6 hours ahead
    world.clock.set(_tehran(1405, 3, 1, 14, 30).astimezone(UTC))
    assert await world.remind()() == 1
    assert await world.remind()() == 0
    [reminder] = world.notifier.sent
    assert reminder["kind"] == "request_run_reminder" and "کسری" in reminder["body"] and reminder["sms"]
    assert "۱۰۰٬۰۰۰" in reminder["body"] and "۱۴۰۵/۰۳/۰۱ ساعت ۲۰:۰۰" in reminder["body"]
    await world.fund(500_000, key="more")
    world.clock.set(_tehran(1405, 3, 1, 20).astimezone(UTC))
    assert await world.start_due()() == {"started": 1, "not_funded": 0}
    world.clock.set(_tehran(1405, 3, 2, 15).astimezone(UTC))
    assert await world.remind()() == 0  # funded: nothing to remind
    assert world.status(template) is RequestStatus.SCHEDULED
    assert await Runs(reminder_hours=0).remind()() == 0


async def test_pause_stops_the_runs_and_resume_goes_on_from_the_next_occurrence() -> None:
    world = Runs()
    await world.fund(5_000_000)
    template = await world.repeating(200_000, every="daily", count=3)
    paused = await PauseRuns(world.uow, world.clock)(template, ME)
    assert (paused.status, paused.next_run_at) == (RequestStatus.PAUSED, None)
    assert await world.upcoming(template) == []
    assert (await PauseRuns(world.uow, world.clock)(template, ME)).status is RequestStatus.PAUSED  # again: same
    world.clock.advance(days=2)
    assert await world.start_due()() == {"started": 0, "not_funded": 0}
    resumed = await ResumeRuns(world.uow, world.clock)(template, ME)  # 1405/03/03 10:20
    assert (resumed.status, resumed.next_run_at) == (RequestStatus.SCHEDULED, _tehran(1405, 3, 3, 12))
    assert await world.upcoming(template) == [_tehran(1405, 3, d, 12) for d in (3, 4, 5)]  # none of 3 used up
    upcoming = await ListUpcomingRuns(world.uow)(ME, _tehran(1405, 3, 4, 0), _tehran(1405, 3, 5, 0))
    assert [(r.request_id, r.number, r.at, r.status) for r in upcoming] == [
        (template, 2, _tehran(1405, 3, 4, 12), "scheduled")
    ]


async def test_a_skipped_run_does_not_start_and_keeps_its_number() -> None:
    world = Runs()
    await world.fund(5_000_000)
    template = await world.repeating(200_000, every="daily", count=3)
    skip = SkipRun(world.uow, world.clock)
    with pytest.raises(ValidationFailed) as caught:
        await skip(template, ME, "1405/03/02 13:00")
    assert caught.value.fields == {"run_at": "not_a_run"}
    await skip(template, ME, "1405/03/02 12:00")
    view = await ListRuns(world.uow, world.clock)(template, ME)
    assert [(u.number, u.skipped) for u in view.upcoming] == [(1, False), (2, True), (3, False)]
    calendar = await ListUpcomingRuns(world.uow)(ME, _tehran(1405, 3, 1, 0), _tehran(1405, 3, 9, 0))
    assert [r.status for r in calendar] == ["scheduled", "skipped", "scheduled"]
    for _ in range(3):
        world.clock.advance(days=1)
        await world.start_due()()
    assert [r.run_number for r in world.uow.runs_of(template)] == [1, 3]
    view = await ListRuns(world.uow, world.clock)(template, ME)
    assert [(p.number, p.status) for p in view.past] == [(1, "confirmed"), (2, "skipped"), (3, "confirmed")]
    assert world.status(template) is RequestStatus.COMPLETED
    assert world.notifier.sent == []


async def test_an_unskipped_run_starts_after_all() -> None:
    world = Runs()
    await world.fund(5_000_000)
    template = await world.repeating(200_000, every="daily", count=2)
    await SkipRun(world.uow, world.clock)(template, ME, "2026-05-22T12:00:00+03:30")
    await SkipRun(world.uow, world.clock)(template, ME, "2026-05-22T12:00:00+03:30", undo=True)
    world.clock.advance(hours=2)
    assert await world.start_due()() == {"started": 1, "not_funded": 0}


async def test_changing_the_end_moves_the_last_run() -> None:
    world = Runs()
    await world.fund(5_000_000)
    template = await world.repeating(200_000, every="daily", count=3)
    end = ChangeRunsEnd(world.uow, world.clock)
    changed = await end(template, ME, "1405/03/02", None)
    assert changed.repeat is not None and (changed.repeat.until, changed.repeat.count) == (date(2026, 5, 23), None)
    assert await world.upcoming(template) == [_tehran(1405, 3, 1, 12), _tehran(1405, 3, 2, 12)]
    await end(template, ME, None, "۵")
    assert len(await world.upcoming(template)) == 5
    for until, count, fields in (
        (None, None, {"count": "repeat_end_required"}),
        ("1405/02/30", None, {"until": "not_future"}),
        (None, "0", {"count": "invalid"}),
        ("1405/13/01", None, {"until": "date_invalid"}),
    ):
        with pytest.raises(ValidationFailed) as caught:
            await end(template, ME, until, count)
        assert caught.value.fields == fields
    world.clock.set(_tehran(1405, 3, 1, 12).astimezone(UTC))
    await world.start_due()()
    with pytest.raises(ValidationFailed) as caught:
        await end(template, ME, None, 1)
    assert caught.value.fields == {"count": "below_runs_started"}
    with pytest.raises(ValidationFailed) as caught:
        await end(template, ME, "1405/03/01", None)  # the next run is on the 2nd
    assert caught.value.fields == {"until": "before_next_run"}


async def test_cancelling_future_runs_and_what_a_one_off_may_do() -> None:
    world = Runs()
    await world.fund(1_000_000)
    template = await world.repeating(200_000, every="daily", count=3)
    await PauseRuns(world.uow, world.clock)(template, ME)
    cancel = CancelFutureRuns(world.uow, world.poster, world.clock)
    assert await cancel(template, ME) is RequestStatus.CANCELLED
    assert await cancel(template, ME) is RequestStatus.CANCELLED  # again: the same
    with pytest.raises(RequestNotScheduled):
        await ResumeRuns(world.uow, world.clock)(template, ME)
    once = await world.request(300_000)
    await world.confirm()(once, ME, schedule_at="1405/03/02 08:00")
    assert world.uow.held(ME) == (700_000, 300_000)
    with pytest.raises(RequestNotRepeating):
        await PauseRuns(world.uow, world.clock)(once, ME)
    upcoming = await ListUpcomingRuns(world.uow)(ME, _tehran(1405, 3, 1, 0), _tehran(1405, 3, 30, 0))
    assert [(r.request_id, r.number, r.status) for r in upcoming] == [(once, None, "scheduled")]
    assert await cancel(once, ME) is RequestStatus.CANCELLED
    assert world.uow.held(ME) == (1_000_000, 0)  # a one-off's hold is released
    draft = await world.request(100_000)
    with pytest.raises(RequestNotScheduled):
        await cancel(draft, ME)


def test_the_reminder_time_is_read_and_checked_at_start(tmp_path: object) -> None:
    from kook.entrypoints.settings import SettingsError, load_settings

    base = {"KOOK_DATA_DIR": str(tmp_path)}
    assert load_settings(base).run.reminder_hours == 24
    assert load_settings(base | {"KOOK_RUN_REMINDER_HOURS": "6"}).run.reminder_hours == 6
    for bad in ("-1", "721", "soon"):
        with pytest.raises(SettingsError, match="KOOK_RUN_REMINDER_HOURS"):
            load_settings(base | {"KOOK_RUN_REMINDER_HOURS": bad})
