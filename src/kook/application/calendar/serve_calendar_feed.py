"""The secret of the user's feed (made on first ask, replaced on rotation) and the feed itself."""

from __future__ import annotations

import secrets
from datetime import timedelta

from kook.application.calendar.months import MONTH_EVENTS
from kook.application.calendar.ports import CalendarUnitOfWork, CustomerLookup, FeedItem, FeedWriter, UpcomingRuns
from kook.application.calendar.texts import FEED_NAME, RUN_TITLE
from kook.application.shared.ports import Clock
from kook.domain.shared.errors import NotFound

FEED_PAST = timedelta(days=31)


FEED_AHEAD = timedelta(days=366)


class ServeCalendarFeed:
    """The secret of the user's feed (made on first ask, replaced on rotation) and the feed itself."""

    def __init__(
        self,
        uow: CalendarUnitOfWork,
        runs: UpcomingRuns,
        customers: CustomerLookup,
        writer: FeedWriter,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._runs = runs
        self._customers = customers
        self._writer = writer
        self._clock = clock

    async def token(self, user_id: str) -> str:
        async with self._uow as uow:
            token = await uow.feeds.token_of(user_id)
            if token is None:
                token = secrets.token_urlsafe(32)
                await uow.feeds.set_token(user_id, token, self._clock.now())
                await uow.commit()
        return token

    async def rotate(self, user_id: str) -> str:
        """A new secret: the old address stops working at once."""
        token = secrets.token_urlsafe(32)
        async with self._uow as uow:
            await uow.feeds.set_token(user_id, token, self._clock.now())
            await uow.commit()
        return token

    async def render(self, token: str) -> bytes:
        now = self._clock.now()
        start, end = now - FEED_PAST, now + FEED_AHEAD
        async with self._uow as uow:
            user_id = await uow.feeds.user_of(token) if token else None
            if user_id is None:
                raise NotFound()
            events = await uow.events.between(user_id, start, end, limit=MONTH_EVENTS * 5)
        customer_id = await self._customers.customer_of(user_id)
        runs = await self._runs.between(customer_id, start, end) if customer_id else []
        items = [
            FeedItem(uid=f"event-{e.id}@kook", title=e.title, description=e.text, start=e.at, stamp=e.updated_at)
            for e in events
        ]
        items += [
            FeedItem(
                uid=f"run-{r.request_id}-{int(r.at.timestamp())}@kook",
                title=RUN_TITLE.format(name=r.name),
                description="",
                start=r.at,
                stamp=now,
            )
            for r in runs
        ]
        return self._writer.write(FEED_NAME, items)
