"""Sending an SMS that may fail without failing the caller (shared by the contexts that text customers)."""

from __future__ import annotations

import structlog

from kook.application.shared.ports import SmsDeliveryError, SmsSender

log = structlog.get_logger(__name__)


async def send_sms(sender: SmsSender, mobile: str, text: str) -> bool:
    """Texts after commit; a refusal is logged (the portal message is already there)."""
    try:
        await sender.send(mobile, text)
    except SmsDeliveryError as exc:
        log.warning("sms_not_sent", reason=exc.reason, retryable=exc.retryable)
        return False
    return True
