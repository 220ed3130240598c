"""Issues one-time codes and texts them, within the rate limits (SPEC §2)."""

from __future__ import annotations

import structlog

from kook.application.identity.ports import CodeGenerator, OneTimeCodeRepository, RateLimiter, SecretHasher
from kook.application.identity.settings import IdentityPolicy
from kook.application.identity.sms_texts import code_text
from kook.application.shared.ports import Clock, SmsDeliveryError, SmsSender
from kook.domain.identity.one_time_code import CodePurpose, OneTimeCode, VerifyOutcome, is_code_shaped
from kook.domain.shared.errors import RateLimited
from kook.domain.shared.ids import new_id
from kook.domain.shared.mobile import to_latin_digits

log = structlog.get_logger(__name__)


class CodeSender:
    def __init__(
        self,
        limiter: RateLimiter,
        generator: CodeGenerator,
        hasher: SecretHasher,
        sms: SmsSender,
        clock: Clock,
        policy: IdentityPolicy,
    ) -> None:
        self._limiter = limiter
        self._generator = generator
        self._hasher = hasher
        self._sms = sms
        self._clock = clock
        self._policy = policy

    async def check_limits(self, mobile: str, client_address: str) -> None:
        """Count one request for a code; raise ``RateLimited`` past a limit.

        Applied the same way whether the number is registered or not.
        """
        otp = self._policy.otp
        checks = (
            (f"otp:addr:{client_address}", otp.per_address_per_hour, 3600),
            (f"otp:min:{mobile}", otp.per_mobile_per_minute, 60),
            (f"otp:hour:{mobile}", otp.per_mobile_per_hour, 3600),
        )
        for key, limit, window in checks:
            retry_after = await self._limiter.hit(key, limit=limit, window_seconds=window)
            if retry_after is not None:
                raise RateLimited(retry_after)

    async def issue(self, codes: OneTimeCodeRepository, mobile: str, purpose: CodePurpose) -> str:
        """Withdraw the previous code, store a new one's hash; return the code to text after commit."""
        now = self._clock.now()
        previous = await codes.latest(mobile, purpose, for_update=True)
        if previous is not None:
            previous.withdraw(now)
        code = self._generator.new_code()
        await codes.add(
            OneTimeCode.issue(
                id=new_id(),
                mobile=mobile,
                purpose=purpose,
                code_hash=self._hasher.digest(f"{purpose}:{mobile}:{code}"),
                now=now,
                policy=self._policy.otp,
            )
        )
        return code

    async def attempt(
        self, codes: OneTimeCodeRepository, mobile: str, purpose: CodePurpose, presented: str
    ) -> VerifyOutcome:
        """Record one try at the newest code; the caller commits whatever the outcome."""
        presented = to_latin_digits(presented.strip())
        if not is_code_shaped(presented):
            return VerifyOutcome.WRONG
        code = await codes.latest(mobile, purpose, for_update=True)
        if code is None:
            return VerifyOutcome.WRONG
        matches = self._hasher.matches(code.code_hash, f"{purpose}:{mobile}:{presented}")
        return code.attempt(matches, self._clock.now(), self._policy.otp)

    async def send_code(self, mobile: str, code: str, purpose: CodePurpose) -> None:
        await self.send_text(mobile, code_text(code, purpose), code=code)

    async def send_text(self, mobile: str, text: str, *, code: str | None = None) -> None:
        try:
            await self._sms.send(mobile, text, code=code)
        except SmsDeliveryError as exc:
            # The person can ask again; the answer must not differ for unknown numbers.
            log.warning("sms_not_sent", reason=exc.reason, retryable=exc.retryable)
