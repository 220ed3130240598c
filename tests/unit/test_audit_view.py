"""The audit log as staff read it: every recorded action has a Persian name, and a
state reads as «label: value» with Jalali times, rials and short Latin ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from kook.application.shared.ports import AuditEntry
from kook.entrypoints.http.messages import AUDIT_ACTIONS
from kook.entrypoints.http.web.audit_view import audit_rows, field_value

SRC = Path(__file__).resolve().parents[2] / "src" / "kook"
ID = "ac92e01f5b7c4d3e9f0a1b2c3d4e5f60"


def recorded_actions() -> set[str]:
    """Every action code written to the audit log in the source (``action="x.y"``, ``action = "x.y"``)."""
    found: set[str] = set()
    for path in (SRC / "application").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "action" in line:
                found.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    return found


def test_every_recorded_action_has_a_persian_name() -> None:
    recorded = recorded_actions()
    assert {"customer.approve", "deposit.approve", "route.update", "package.deactivate"} <= recorded
    assert recorded - set(AUDIT_ACTIONS) == set()


def test_a_state_reads_as_persian_labels_and_values() -> None:
    entry = AuditEntry(
        id=1,
        at=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        actor=ID,
        action="request.scheduled",
        subject=ID,
        after={
            "total": 1_500_000,
            "next_run_at": "2026-12-02T10:30:00+03:30",
            "repeat": '{"every": "weekly", "time": "10:30", "weekdays": [0, 2], "until": null, "count": 4}',
        },
    )
    (row,) = audit_rows([entry])
    assert row.action_label == "زمان‌بندی درخواست"
    after = {label: str(value) for label, value in row.after}
    assert after["مبلغ کل"] == "۱٬۵۰۰٬۰۰۰ ریال"
    assert after["زمان اجرا"] == "۱۴۰۵/۰۹/۱۱ ۱۰:۳۰"
    assert after["تکرار"].startswith("دوره: هفتگی، ساعت: ۱۰:۳۰")
    assert "{" not in after["تکرار"] and "null" not in after["تکرار"]
    assert row.subject_label == "درخواست" and f'title="{ID}"' in row.subject and "ac92e01f…" in row.subject
    assert "مشتری" in row.actor and "ac92e01f…" in row.actor


def test_values_of_routes_and_booleans() -> None:
    assert str(field_value("operator_codes", {"1": "MCI", "2": "MTN"})).startswith('همراه اول: <bdi dir="ltr"')
    assert str(field_value("active", True)) == "بله"
    assert str(field_value("operator", 2)) == "ایرانسل"
    assert str(field_value("base_url", "<x>")) == '<bdi dir="ltr" class="kook-ltr-value">&lt;x&gt;</bdi>'
    assert str(field_value("sim_type", "prepaid")) == "اعتباری"
    assert str(field_value("note", None)) == "—"
    assert str(field_value("unknown_action", "customer.reject")) == "customer.reject"  # plain text kept, escaped


def test_an_unknown_action_is_not_shown_as_its_code() -> None:
    entry = AuditEntry(id=2, at=datetime(2026, 12, 1, tzinfo=UTC), actor="system", action="thing.new", subject="x:1")
    (row,) = audit_rows([entry])
    assert row.action_label == "عملیات دیگر" and str(row.actor) == "سامانه"
