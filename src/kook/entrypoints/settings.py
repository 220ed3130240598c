"""Configuration: msgspec structs filled once from ``KOOK_*`` environment variables.

A nested struct's fields take its name as a prefix: ``Settings.sms.provider``
is ``KOOK_SMS_PROVIDER``. Every value is checked at start; a bad one stops the
process with a message naming the variable. Nothing reads the environment at
import time.

One file, over 400 lines on purpose: every ``KOOK_*`` variable, its default and its check are found in
one place (the structs first, then the loader and the cross-field checks) — the list an operator reads.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec


class SettingsError(Exception):
    pass


class HttpSettings(msgspec.Struct, frozen=True):
    max_body_bytes: int = 1_048_576  # JSON and forms; uploads get their own limit
    max_upload_bytes: int = 25 * 1_048_576
    trust_proxy_headers: bool = False  # read the client address from X-Forwarded-For
    secure_cookies: bool | None = None  # default: on outside dev


class SmsSettings(msgspec.Struct, frozen=True):
    provider: Literal["sandbox", "kavenegar"] | None = None  # default: sandbox in dev/test, kavenegar in prod
    global_per_hour: int = 2000  # code requests (texts) per hour for the whole portal, every process together


class KavenegarSettingsEnv(msgspec.Struct, frozen=True):
    api_key: str = ""
    sender: str = ""
    base_url: str = "https://api.kavenegar.com"
    timeout: float = 10.0


class OtpSettings(msgspec.Struct, frozen=True):
    ttl_seconds: int = 120
    max_attempts: int = 5
    per_mobile_per_minute: int = 1
    per_mobile_per_hour: int = 5
    per_address_per_hour: int = 20
    per_mobile_per_day: int = 10
    tries_per_mobile_per_day: int = 20
    verify_per_address_per_hour: int = 60


class LoginSettings(msgspec.Struct, frozen=True):
    max_failures: int = 5
    window_minutes: int = 15
    lock_minutes: int = 15
    per_address: int = 30
    per_address_window_seconds: int = 900


class SessionSettings(msgspec.Struct, frozen=True):
    idle_minutes: int = 30
    absolute_hours: int = 12


class OperatorGatewaySettings(msgspec.Struct, frozen=True):
    base_url: str = ""  # routes without their own base URL; default: {public_url}/sim (the simulator) in dev/test
    credentials: str = ""  # "route-credential-name=token,other=token": bearer tokens, never stored in the database
    max_connections: int = 100


class SimSettings(msgspec.Struct, frozen=True):
    latency_ms: int = 0
    fail_rate: float = 0.0
    unknown_rate: float = 0.0


class FulfilmentSettings(msgspec.Struct, frozen=True):
    chunk_size: int = 100
    window: int = 400
    record_every_seconds: float = 0.2
    run_seconds: float = 20.0
    parallel_runs: int = 4
    slot_wait_seconds: float = 10.0
    stale_after_seconds: float = 120.0
    idle_redispatch_seconds: float = 30.0
    max_attempts: int = 5
    first_check_seconds: float = 2.0
    max_check_seconds: float = 300.0
    inquiry_window_seconds: float = 1800.0
    sweep_every_seconds: int = 15
    check_every_seconds: int = 5


class MetricsSettings(msgspec.Struct, frozen=True):
    token: str = ""  # /metrics: a bearer token that must be presented; empty: answered to loopback callers only


class RunSettings(msgspec.Struct, frozen=True):
    reminder_hours: float = 24.0  # a short wallet is reminded this long before a run (0: never)


class WebhookSettings(msgspec.Struct, frozen=True):
    timeout_seconds: float = 5.0  # one delivery's whole HTTP call
    first_retry_seconds: int = 30  # then doubling, capped at max_retry_seconds, for a day
    max_retry_seconds: int = 3600
    send_every_seconds: int = 2  # how often the scheduler asks the workers to send what is due
    # dev/test only (refused in prod): let deliveries reach 127.0.0.0/8 and ::1, for a receiver on this machine
    allow_loopback: bool = False
    require_https: bool | None = None  # default: https required in prod, http allowed in dev/test


class Argon2Settings(msgspec.Struct, frozen=True):
    memory_kib: int = 19 * 1024
    time_cost: int = 2
    max_concurrent: int = 4
    max_queued: int = 32  # logins waiting for a hashing slot; past it they answer 429 with Retry-After


class WalletSettings(msgspec.Struct, frozen=True):
    payment_min: int = 10_000
    payment_max: int = 500_000_000
    payment_expire_minutes: int = 20
    gateway: Literal["sandbox", "zarinpal"] | None = None  # default: sandbox in dev/test, zarinpal in prod
    deposit_max: int = 100_000_000_000


class ZarinpalSettingsEnv(msgspec.Struct, frozen=True):
    merchant_id: str = ""
    base_url: str = "https://payment.zarinpal.com"
    start_base_url: str = "https://payment.zarinpal.com"
    timeout: float = 15.0


class SellerSettings(msgspec.Struct, frozen=True):
    """Kook's legal details printed as the seller on every invoice (dev defaults: a made-up company)."""

    name: str = "شرکت کوک (سهامی خاص)"
    national_id: str = "10101000001"  # شناسه ملی
    economic_code: str = "411111111111"  # کد اقتصادی
    registration_number: str = "123456"  # شماره ثبت
    address: str = "تهران، خیابان ولیعصر، پلاک ۱"
    postal_code: str = "1415713111"
    phone: str = "02191000000"


class Settings(msgspec.Struct, frozen=True):
    env: Literal["dev", "test", "prod"] = "dev"
    data_dir: str = ".kook"
    database_url: str = ""  # default: SQLite file under data_dir
    redis_url: str = ""  # empty: in-process queue, sessions in the database, limits in memory
    secret_key: str = ""  # required in prod; generated and kept under data_dir otherwise
    public_url: str = "http://127.0.0.1:8000"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["console", "json"] | None = None  # default: console in dev, json otherwise
    demo_data: bool = True
    http: HttpSettings = HttpSettings()
    sms: SmsSettings = SmsSettings()
    kavenegar: KavenegarSettingsEnv = KavenegarSettingsEnv()
    otp: OtpSettings = OtpSettings()
    login: LoginSettings = LoginSettings()
    session: SessionSettings = SessionSettings()
    wallet: WalletSettings = WalletSettings()
    zarinpal: ZarinpalSettingsEnv = ZarinpalSettingsEnv()
    argon2: Argon2Settings = Argon2Settings()
    operator: OperatorGatewaySettings = OperatorGatewaySettings()
    sim: SimSettings = SimSettings()
    fulfilment: FulfilmentSettings = FulfilmentSettings()
    seller: SellerSettings = SellerSettings()
    vat_percent: int = 10  # VAT included in the prices; an invoice splits its total at this rate
    run: RunSettings = RunSettings()
    webhook: WebhookSettings = WebhookSettings()
    metrics: MetricsSettings = MetricsSettings()

    @property
    def is_sandbox_env(self) -> bool:
        return self.env in ("dev", "test")

    @property
    def sms_provider(self) -> str:
        return self.sms.provider or ("kavenegar" if self.env == "prod" else "sandbox")

    @property
    def payment_gateway(self) -> str:
        return self.wallet.gateway or ("zarinpal" if self.env == "prod" else "sandbox")

    @property
    def secure_cookies(self) -> bool:
        if self.http.secure_cookies is not None:
            return self.http.secure_cookies
        return self.env != "dev"

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("console" if self.env == "dev" else "json")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def operator_base_url(self) -> str:
        """Where routes without a base URL of their own send top-ups: the simulator in dev/test."""
        if self.operator.base_url:
            return self.operator.base_url.rstrip("/")
        return f"{self.public_url.rstrip('/')}/sim" if self.is_sandbox_env else ""

    @property
    def operator_credentials(self) -> dict[str, str]:
        pairs = (item.partition("=") for item in self.operator.credentials.split(",") if item.strip())
        return {name.strip(): token.strip() for name, _, token in pairs}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Read ``KOOK_*`` variables (and keyword overrides, e.g. from CLI flags)."""
    env = os.environ if environ is None else environ
    values = _read(Settings, env, "KOOK_")
    values.update(overrides)
    try:
        settings = msgspec.convert(values, Settings, strict=False)
    except msgspec.ValidationError as exc:  # pragma: no cover - _read checks field by field
        raise SettingsError(str(exc)) from None
    return _complete(settings)


def _read(struct: type[msgspec.Struct], env: Mapping[str, str], prefix: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in msgspec.structs.fields(struct):
        name = prefix + field.name.upper()
        if isinstance(field.type, type) and issubclass(field.type, msgspec.Struct):
            nested = _read(field.type, env, name + "_")
            if nested:
                values[field.name] = nested
            continue
        if name not in env:
            continue
        raw = env[name].strip()
        try:
            values[field.name] = msgspec.convert(_scalar(raw), field.type, strict=False)
        except msgspec.ValidationError as exc:
            raise SettingsError(f"{name}={raw!r} is not valid: {_describe(exc)}") from None
    return values


def _scalar(raw: str) -> Any:
    lowered = raw.lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    return raw


def _describe(exc: msgspec.ValidationError) -> str:
    text = str(exc)
    return text.split(" - at ")[0]


def _complete(settings: Settings) -> Settings:
    """Fill derived defaults and check what only makes sense together."""
    data_dir = Path(settings.data_dir).expanduser().resolve()
    changes: dict[str, Any] = {"data_dir": str(data_dir)}
    if not settings.database_url:
        changes["database_url"] = f"sqlite+aiosqlite:///{data_dir / 'kook.db'}"
    elif not settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError("KOOK_DATABASE_URL must start with postgresql+asyncpg:// or sqlite+aiosqlite://")
    if settings.env == "prod":
        if len(settings.secret_key) < 32:
            raise SettingsError("KOOK_SECRET_KEY must be set to at least 32 random characters when KOOK_ENV=prod")
        if not settings.redis_url:
            raise SettingsError("KOOK_REDIS_URL must be set when KOOK_ENV=prod")
        if settings.sms_provider == "sandbox":
            raise SettingsError("KOOK_SMS_PROVIDER=sandbox is only allowed when KOOK_ENV is dev or test")
        url = changes.get("database_url", settings.database_url)
        if url.startswith("sqlite"):
            raise SettingsError("KOOK_DATABASE_URL must point to PostgreSQL when KOOK_ENV=prod")
    if settings.env == "prod" and settings.payment_gateway == "sandbox":
        raise SettingsError("KOOK_WALLET_GATEWAY=sandbox is only allowed when KOOK_ENV is dev or test")
    if settings.payment_gateway == "zarinpal" and not settings.zarinpal.merchant_id:
        raise SettingsError("KOOK_ZARINPAL_MERCHANT_ID must be set when KOOK_WALLET_GATEWAY=zarinpal")
    if not 0 < settings.wallet.payment_min <= settings.wallet.payment_max:
        raise SettingsError("KOOK_WALLET_PAYMENT_MIN and KOOK_WALLET_PAYMENT_MAX must satisfy 0 < min <= max")
    if settings.sms_provider == "kavenegar" and not settings.kavenegar.api_key:
        raise SettingsError("KOOK_KAVENEGAR_API_KEY must be set when KOOK_SMS_PROVIDER=kavenegar")
    if settings.redis_url and not settings.redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError("KOOK_REDIS_URL must start with redis://, rediss:// or unix://")
    for name, value in (
        ("KOOK_OTP_TTL_SECONDS", settings.otp.ttl_seconds),
        ("KOOK_OTP_MAX_ATTEMPTS", settings.otp.max_attempts),
        ("KOOK_OTP_PER_MOBILE_PER_MINUTE", settings.otp.per_mobile_per_minute),
        ("KOOK_OTP_PER_MOBILE_PER_HOUR", settings.otp.per_mobile_per_hour),
        ("KOOK_OTP_PER_ADDRESS_PER_HOUR", settings.otp.per_address_per_hour),
        ("KOOK_OTP_PER_MOBILE_PER_DAY", settings.otp.per_mobile_per_day),
        ("KOOK_OTP_TRIES_PER_MOBILE_PER_DAY", settings.otp.tries_per_mobile_per_day),
        ("KOOK_OTP_VERIFY_PER_ADDRESS_PER_HOUR", settings.otp.verify_per_address_per_hour),
        ("KOOK_SMS_GLOBAL_PER_HOUR", settings.sms.global_per_hour),
        ("KOOK_SESSION_IDLE_MINUTES", settings.session.idle_minutes),
        ("KOOK_ARGON2_MAX_CONCURRENT", settings.argon2.max_concurrent),
        ("KOOK_ARGON2_MAX_QUEUED", settings.argon2.max_queued),
        ("KOOK_HTTP_MAX_BODY_BYTES", settings.http.max_body_bytes),
    ):
        if value < 1:
            raise SettingsError(f"{name} must be a positive number")
    if settings.argon2.memory_kib < 8:
        raise SettingsError("KOOK_ARGON2_MEMORY_KIB must be at least 8")
    _check_operator_settings(settings)
    _check_fulfilment_settings(settings.fulfilment)
    _check_invoice_settings(settings)
    _check_webhook_settings(settings)
    if not 0 <= settings.run.reminder_hours <= 720:
        raise SettingsError("KOOK_RUN_REMINDER_HOURS must be between 0 (no reminders) and 720")
    if not settings.secret_key:
        changes["secret_key"] = _local_secret(data_dir)
    return msgspec.structs.replace(settings, **changes)


def _check_webhook_settings(settings: Settings) -> None:
    w = settings.webhook
    if w.allow_loopback and settings.env == "prod":
        raise SettingsError("KOOK_WEBHOOK_ALLOW_LOOPBACK is only allowed when KOOK_ENV is dev or test")
    if w.require_https is False and settings.env == "prod":
        raise SettingsError("KOOK_WEBHOOK_REQUIRE_HTTPS cannot be turned off when KOOK_ENV=prod")
    if not 0 < w.timeout_seconds <= 30:
        raise SettingsError("KOOK_WEBHOOK_TIMEOUT_SECONDS must be more than 0 and at most 30")
    for name, value in (
        ("KOOK_WEBHOOK_FIRST_RETRY_SECONDS", w.first_retry_seconds),
        ("KOOK_WEBHOOK_MAX_RETRY_SECONDS", w.max_retry_seconds),
        ("KOOK_WEBHOOK_SEND_EVERY_SECONDS", w.send_every_seconds),
    ):
        if value < 1:
            raise SettingsError(f"{name} must be a positive number")
    if w.first_retry_seconds > w.max_retry_seconds:
        raise SettingsError("KOOK_WEBHOOK_FIRST_RETRY_SECONDS must not be more than KOOK_WEBHOOK_MAX_RETRY_SECONDS")


def _check_invoice_settings(settings: Settings) -> None:
    from kook.domain.customers.identifiers import (
        check_economic_code,
        check_landline,
        check_legal_id,
        check_postal_code,
        check_registration_number,
    )
    from kook.domain.shared.errors import DomainError

    if not 0 <= settings.vat_percent <= 100:
        raise SettingsError("KOOK_VAT_PERCENT must be a whole number from 0 to 100")
    seller = settings.seller
    if not seller.name.strip() or len(seller.name) > 150:
        raise SettingsError("KOOK_SELLER_NAME must be set (at most 150 characters)")
    if len(seller.address.strip()) < 10 or len(seller.address) > 300:
        raise SettingsError("KOOK_SELLER_ADDRESS must be 10 to 300 characters")
    for name, value, check in (
        ("KOOK_SELLER_NATIONAL_ID", seller.national_id, check_legal_id),
        ("KOOK_SELLER_ECONOMIC_CODE", seller.economic_code, check_economic_code),
        ("KOOK_SELLER_REGISTRATION_NUMBER", seller.registration_number, check_registration_number),
        ("KOOK_SELLER_POSTAL_CODE", seller.postal_code, check_postal_code),
        ("KOOK_SELLER_PHONE", seller.phone, check_landline),
    ):
        try:
            check(value)
        except DomainError as exc:
            raise SettingsError(f"{name}={value!r} is not valid ({exc.code})") from None


def _check_fulfilment_settings(f: FulfilmentSettings) -> None:
    for name, number in (
        ("CHUNK_SIZE", f.chunk_size),
        ("WINDOW", f.window),
        ("PARALLEL_RUNS", f.parallel_runs),
        ("MAX_ATTEMPTS", f.max_attempts),
        ("SWEEP_EVERY_SECONDS", f.sweep_every_seconds),
        ("CHECK_EVERY_SECONDS", f.check_every_seconds),
        ("RECORD_EVERY_SECONDS", f.record_every_seconds),
        ("RUN_SECONDS", f.run_seconds),
        ("STALE_AFTER_SECONDS", f.stale_after_seconds),
    ):
        if number <= 0:
            raise SettingsError(f"KOOK_FULFILMENT_{name} must be a positive number")
    if f.window < f.chunk_size:
        raise SettingsError("KOOK_FULFILMENT_WINDOW must be at least KOOK_FULFILMENT_CHUNK_SIZE")


def _check_operator_settings(settings: Settings) -> None:
    if settings.operator.base_url and not settings.operator.base_url.startswith(("http://", "https://")):
        raise SettingsError("KOOK_OPERATOR_BASE_URL must start with http:// or https://")
    for item in settings.operator.credentials.split(","):
        name, sep, token = item.partition("=")
        if item.strip() and (not sep or not name.strip() or not token.strip()):
            raise SettingsError("KOOK_OPERATOR_CREDENTIALS must look like name=token,other=token")
    if settings.operator.max_connections < 1:
        raise SettingsError("KOOK_OPERATOR_MAX_CONNECTIONS must be a positive number")
    if settings.sim.latency_ms < 0:
        raise SettingsError("KOOK_SIM_LATENCY_MS must not be negative")
    rates = (("KOOK_SIM_FAIL_RATE", settings.sim.fail_rate), ("KOOK_SIM_UNKNOWN_RATE", settings.sim.unknown_rate))
    for name, rate in rates:
        if not 0.0 <= rate <= 1.0:
            raise SettingsError(f"{name} must be between 0 and 1")
    if settings.sim.fail_rate + settings.sim.unknown_rate > 1.0:
        raise SettingsError("KOOK_SIM_FAIL_RATE + KOOK_SIM_UNKNOWN_RATE must not exceed 1")


def _local_secret(data_dir: Path) -> str:
    """Outside prod: a random key kept beside the embedded database."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
