"""The private calendar feed as iCalendar (RFC 5545), written by the ``icalendar`` package."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from kook.application.calendar.ports import FeedItem, FeedWriter

EVENT_LENGTH = timedelta(minutes=30)


class IcalFeedWriter(FeedWriter):
    def write(self, name: str, items: list[FeedItem]) -> bytes:
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Kook//Kook calendar//FA")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Asia/Tehran")
        for item in items:
            event = icalendar.Event()
            event.add("uid", item.uid)
            event.add("summary", item.title)
            if item.description:
                event.add("description", item.description)
            event.add("dtstart", item.start)
            event.add("dtend", item.start + EVENT_LENGTH)
            event.add("dtstamp", item.stamp)
            calendar.add_component(event)
        document: bytes = calendar.to_ical()
        return document
