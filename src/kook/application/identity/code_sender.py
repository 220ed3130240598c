"""Issues one-time codes and texts them, within the rate limits (SPEC §2)."""

from __future__ import annotations

import structlog

from kook.application.identity.ports import CodeGenerator, RateLimiter, SecretHasher
from kook.application.identity.settings import IdentityPolicy
from kook.application.identity.sms_texts import code_text
from kook.application.shared.background import BackgroundWork
from kook.application.shared.ports import Clock, OneTimeCodeRepository, SmsDeliveryError, SmsSender
from kook.domain.identity.one_time_code import CodePurpose, OneTimeCode, VerifyOutcome, is_code_shaped
from kook.domain.shared.errors import RateLimited
from kook.domain.shared.ids import new_id
from kook.domain.shared.mobile import to_latin_digits

log = structlog.get_logger(__name__)

GLOBAL_KEY = "otp:global"  # every code request of the portal, shared by every process
GLOBAL_ALERT_KEY = "otp:global:alerted"


class CodeSender:
    def __init__(
        self,
        limiter: RateLimiter,
        generator: CodeGenerator,
        hasher: SecretHasher,
        sms: SmsSender,
        clock: Clock,
        policy: IdentityPolicy,
        background: BackgroundWork | None = None,
    ) -> None:
        """``background``: texts are sent after the answer (production); without it, before (tests)."""
        self._background = background
        self._limiter = limiter
        self._generator = generator
        self._hasher = hasher
        self._sms = sms
        self._clock = clock
        self._policy = policy

    async def check_limits(self, mobile: str, client_address: str, *, scope: str = "") -> None:
        """Count one request for a code; raise ``RateLimited`` past a limit.

        Applied the same way whether the number is registered or not: the global
        cap counts every request that passed the others (a text may follow each),
        so that neither its count nor its 429 tells a registered number from another.
        ``scope``: per-number counters of their own (approval codes count apart from login codes).
        """
        otp = self._policy.otp
        checks = (
            (f"otp:addr:{client_address}", otp.per_address_per_hour, 3600),
            (f"otp:{scope}min:{mobile}", otp.per_mobile_per_minute, 60),
            (f"otp:{scope}hour:{mobile}", otp.per_mobile_per_hour, 3600),
            (f"otp:{scope}day:{mobile}", otp.per_mobile_per_day, 86400),
        )
        for key, limit, window in checks:
            retry_after = await self._limiter.hit(key, limit=limit, window_seconds=window)
            if retry_after is not None:
                raise RateLimited(retry_after)
        retry_after = await self._limiter.hit(GLOBAL_KEY, limit=otp.global_per_hour, window_seconds=3600)
        if retry_after is not None:
            await self._alert_global_cap(otp.global_per_hour, retry_after)
            raise RateLimited(retry_after)

    async def _alert_global_cap(self, limit: int, retry_after: int) -> None:
        """An error-level log once per window (across processes: the limiter itself keeps the 'once')."""
        first = await self._limiter.hit(GLOBAL_ALERT_KEY, limit=1, window_seconds=3600) is None
        if first:
            log.error("sms_global_cap_reached", limit_per_hour=limit, retry_after=retry_after)

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
        self,
        codes: OneTimeCodeRepository,
        mobile: str,
        purpose: CodePurpose,
        presented: str,
        client_address: str | None = None,
    ) -> VerifyOutcome:
        """Record one try at the newest code; the caller commits whatever the outcome.

        Beyond the code's own cap on wrong tries (a new code does not reset these): tries from one client
        address are capped per hour (429 ``rate_limited``), and tries at one number's codes per day, from any
        address (then the number is locked, ``otp_locked``). Both count every number alike, registered or not.
        """
        otp = self._policy.otp
        if client_address is not None:
            retry_after = await self._limiter.hit(
                f"otp:verify:addr:{client_address}", limit=otp.verify_per_address_per_hour, window_seconds=3600
            )
            if retry_after is not None:
                raise RateLimited(retry_after)
        if await self._limiter.hit(f"otp:tries:{mobile}", limit=otp.tries_per_mobile_per_day, window_seconds=86400):
            return VerifyOutcome.LOCKED
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
        """Text ``mobile``. With background work the provider is called after the answer, so
        the answer takes as long whether a text goes (a registered number) or not."""
        if self._background is not None:
            self._background.start(self._deliver(mobile, text, code))
        else:
            await self._deliver(mobile, text, code)

    async def _deliver(self, mobile: str, text: str, code: str | None) -> None:
        try:
            await self._sms.send(mobile, text, code=code)
        except SmsDeliveryError as exc:
            # The person can ask again; the answer must not differ for unknown numbers.
            log.warning("sms_not_sent", reason=exc.reason, retryable=exc.retryable)
