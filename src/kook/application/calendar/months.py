"""The month a calendar page shows (shared by the month view and the feed)."""

from __future__ import annotations

MONTH_EVENTS = 1000
