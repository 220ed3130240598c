"""dishka providers of the calendar context (events, the month view, the feed, reminders) and of the
messages issue 15 adds (mark all read, staff announcements, the low-balance alert)."""

from __future__ import annotations

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kook.adapters.calendar.ical_feed import IcalFeedWriter
from kook.adapters.calendar.iran_holidays import IranHolidays
from kook.adapters.html.sanitizer import Nh3Sanitizer
from kook.adapters.postgres.readers.upcoming_runs import SqlUpcomingRuns
from kook.adapters.postgres.repositories.calendar import SqlCustomerLookup
from kook.adapters.postgres.unit_of_work.calendar import SqlCalendarUnitOfWork
from kook.adapters.postgres.unit_of_work.messaging import SqlAlertsUnitOfWork
from kook.application.calendar.create_event import CreateEvent
from kook.application.calendar.delete_event import DeleteEvent
from kook.application.calendar.get_event import GetEvent
from kook.application.calendar.list_events import ListEvents
from kook.application.calendar.ports import (
    CalendarUnitOfWork,
    CustomerLookup,
    FeedWriter,
    HolidayCalendar,
    UpcomingRuns,
)
from kook.application.calendar.send_due_reminders import SendDueReminders
from kook.application.calendar.serve_calendar_feed import ServeCalendarFeed
from kook.application.calendar.show_month import ShowMonth
from kook.application.calendar.update_event import UpdateEvent
from kook.application.messaging.check_low_balances import CheckLowBalances
from kook.application.messaging.low_balance_threshold import LowBalanceThreshold
from kook.application.messaging.mark_all_messages_read import MarkAllMessagesRead
from kook.application.messaging.ports import AlertsUnitOfWork, HtmlSanitizer
from kook.application.messaging.send_announcement import SendAnnouncement
from kook.application.shared.ports import Clock


class CalendarProvider(Provider):
    scope = Scope.REQUEST

    @provide
    def calendar_uow(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> CalendarUnitOfWork:
        return SqlCalendarUnitOfWork(factory, clock)

    @provide
    def alerts_uow(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> AlertsUnitOfWork:
        return SqlAlertsUnitOfWork(factory, clock)

    @provide(scope=Scope.APP)
    def sanitizer(self) -> HtmlSanitizer:
        return Nh3Sanitizer()

    @provide(scope=Scope.APP)
    def upcoming_runs(self, factory: async_sessionmaker[AsyncSession]) -> UpcomingRuns:
        return SqlUpcomingRuns(factory)

    @provide(scope=Scope.APP)
    def customer_lookup(self, factory: async_sessionmaker[AsyncSession]) -> CustomerLookup:
        return SqlCustomerLookup(factory)

    @provide(scope=Scope.APP)
    def holidays(self) -> HolidayCalendar:
        return IranHolidays()

    @provide(scope=Scope.APP)
    def feed_writer(self) -> FeedWriter:
        return IcalFeedWriter()

    create_event = provide(CreateEvent)
    get_event = provide(GetEvent)
    update_event = provide(UpdateEvent)
    delete_event = provide(DeleteEvent)
    list_events = provide(ListEvents)
    send_due_reminders = provide(SendDueReminders)
    show_month = provide(ShowMonth)
    calendar_feed = provide(ServeCalendarFeed)
    mark_all_messages_read = provide(MarkAllMessagesRead)
    send_announcement = provide(SendAnnouncement)
    low_balance_threshold = provide(LowBalanceThreshold)
    check_low_balances = provide(CheckLowBalances)
