"""An SMS sender that keeps what it sent, so tests can read the texts and codes."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.shared.ports import SmsDeliveryError, SmsSender
from kook.domain.shared.errors import DomainError
from kook.domain.shared.mobile import is_normalized_mobile, normalize_mobile


@dataclass(frozen=True)
class SentSms:
    mobile: str
    text: str
    code: str | None


class FakeSms(SmsSender):
    def __init__(self) -> None:
        self.sent: list[SentSms] = []
        self.refused: list[tuple[str, str]] = []  # (mobile, reason) of every send that raised
        self._failures: list[SmsDeliveryError] = []

    async def send(self, mobile: str, text: str, *, code: str | None = None) -> None:
        if not is_normalized_mobile(mobile):  # like the real providers: only 09XXXXXXXXX
            self.refused.append((mobile, "not_iranian_mobile"))
            raise SmsDeliveryError("not_iranian_mobile", retryable=False)
        if self._failures:
            error = self._failures.pop(0)
            self.refused.append((mobile, error.reason))
            raise error
        self.sent.append(SentSms(mobile=mobile, text=text, code=code))

    # -- arrange ---------------------------------------------------------------
    def fail_next(self, reason: str = "provider_down", *, retryable: bool = True) -> None:
        """The next send (after the mobile check) raises ``SmsDeliveryError``."""
        self._failures.append(SmsDeliveryError(reason, retryable=retryable))

    # -- assert ----------------------------------------------------------------
    def sent_to(self, mobile: str) -> list[SentSms]:
        """Texts sent to the number, oldest first; any accepted spelling of it works."""
        wanted = _canonical(mobile)
        return [sms for sms in self.sent if sms.mobile == wanted]

    def last_code(self, mobile: str) -> str | None:
        """The code carried by the newest text to the number that carried one."""
        for sms in reversed(self.sent_to(mobile)):
            if sms.code is not None:
                return sms.code
        return None

    def codes_sent_to(self, mobile: str) -> list[str]:
        return [sms.code for sms in self.sent_to(mobile) if sms.code is not None]

    def clear(self) -> None:
        self.sent.clear()
        self.refused.clear()


def _canonical(mobile: str) -> str:
    try:
        return normalize_mobile(mobile)
    except DomainError:
        return mobile
