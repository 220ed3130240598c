"""The audit log as staff read it: Persian action names and field labels, Jalali
times, amounts in rials, technical ids short, left to right and in Latin digits
(the whole id in the title), and before / after states as short «label: value»
lists instead of raw dicts."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from kook.application.shared.ports import AuditEntry
from kook.domain.routing.operator import Operator
from kook.entrypoints.http.messages import (
    AUDIT_ACTION_OTHER,
    AUDIT_ACTIONS,
    AUDIT_ACTORS,
    AUDIT_FIELDS,
    AUDIT_SUBJECTS,
    AUDIT_VALUES,
)
from kook.entrypoints.http.web.filters import (
    EMPTY,
    fa_digits,
    fa_number,
    jalali_date,
    jalali_datetime,
    rials,
    short_id,
    status_label,
)

_MONEY = frozenset({"amount", "price", "total", "available", "airtime_min", "airtime_max"})
_IDS = frozenset({"id", "request"})
_LATIN = frozenset({"base_url", "credential_name", "name", "code", "adapter"})  # technical text, left to right
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_STAFF_LABEL = re.compile(r"(\d{6,15}) \((.+)\)")


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    action: str  # the stable code (a filter link, a title)
    action_label: str
    actor: Markup
    subject_label: str
    subject: Markup
    subject_href: str | None
    before: list[tuple[str, Markup]]
    after: list[tuple[str, Markup]]
    address: str | None = None  # where the action came from (the request's client address)


def action_label(code: str) -> str:
    return AUDIT_ACTIONS.get(code, AUDIT_ACTION_OTHER)


def _ltr(text: str) -> Markup:
    return Markup('<bdi dir="ltr" class="kook-ltr-value">{}</bdi>').format(text)


def _operator(value: Any) -> str:
    try:
        return Operator(int(value)).name_fa
    except (TypeError, ValueError):
        return str(value)


def field_value(key: str, value: Any) -> Markup:
    """One value of a before / after state, as a person reads it."""
    if value is None or value == "":
        return escape(EMPTY)
    if isinstance(value, bool):
        return escape(AUDIT_VALUES["true" if value else "false"])
    if key == "status":
        return escape(status_label(value))
    if key == "operator":
        return escape(_operator(value))
    if key in _MONEY and isinstance(value, int):
        return escape(rials(value))
    if key in _IDS:
        return short_id(value)
    if key == "operator_codes" and isinstance(value, dict):
        return Markup("، ").join(Markup("{}: {}").format(_operator(k), _ltr(str(v))) for k, v in sorted(value.items()))
    if key == "repeat" and isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, dict):
        parts = [(k, v) for k, v in value.items() if v not in (None, "", [])]
        return Markup("، ").join(Markup("{}: {}").format(field_label(k), field_value(k, v)) for k, v in parts)
    if isinstance(value, list):
        return Markup("، ").join(field_value(key, v) for v in value)
    if isinstance(value, int):
        return escape(fa_number(value))
    text = str(value)
    if _ISO_MOMENT.match(text):
        try:
            return escape(jalali_datetime(datetime.fromisoformat(text)))
        except ValueError:
            pass
    if _ISO_DATE.fullmatch(text):
        try:
            return escape(jalali_date(datetime.fromisoformat(text)))
        except ValueError:
            pass
    if text in AUDIT_VALUES:
        return escape(AUDIT_VALUES[text])
    if key in _LATIN:
        return _ltr(text)
    return escape(fa_digits(text) if key in ("mobile", "prefix", "time") else text)


def field_label(key: str) -> str:
    return AUDIT_FIELDS.get(key, key.replace("_", " "))


def state(data: dict[str, Any] | None) -> list[tuple[str, Markup]]:
    if not data:
        return []
    return [(field_label(key), field_value(key, value)) for key, value in data.items()]


def actor(entry: AuditEntry) -> Markup:
    who = entry.actor
    if who == "system":
        return escape(AUDIT_ACTORS["system"])
    label = _STAFF_LABEL.fullmatch(entry.actor_label or "")
    if who.startswith("staff:") and label is not None:  # the staff member's mobile and role
        return Markup('<span class="kook-num">{}</span> ({})').format(fa_digits(label.group(1)), label.group(2))
    if who.startswith("staff:"):
        return Markup("{} {}").format(AUDIT_ACTORS["staff"], short_id(who.removeprefix("staff:")))
    if re.fullmatch(r"[0-9a-f]{32}", who):  # a customer acting for themself
        return Markup("{} {}").format(AUDIT_ACTORS["customer"], short_id(who))
    return Markup("{} {}").format(AUDIT_ACTORS["other"], short_id(who))


def subject(entry: AuditEntry) -> tuple[str, Markup, str | None]:
    kind, sep, ident = entry.subject.partition(":")
    if not sep:
        kind, ident = "request", entry.subject
    label = AUDIT_SUBJECTS.get(kind, AUDIT_SUBJECTS["request"] if not sep else kind)
    href = {"customer": "/admin/customers/", "deposit": "/admin/deposits/"}.get(kind)
    if kind in ("route", "operator"):
        return label, escape(_operator(ident)), None
    return label, short_id(ident), (href + ident) if href else None


def audit_rows(entries: Iterable[AuditEntry]) -> list[AuditRow]:
    rows = []
    for entry in entries:
        subject_label, subject_id, href = subject(entry)
        rows.append(
            AuditRow(
                id=entry.id,
                at=entry.at,
                action=entry.action,
                action_label=action_label(entry.action),
                actor=actor(entry),
                subject_label=subject_label,
                subject=subject_id,
                subject_href=href,
                before=state(entry.before),
                after=state(entry.after),
                address=entry.address,
            )
        )
    return rows
