"""dishka providers: what the application needs, chosen by the settings.

APP scope: settings, engine, hashers, adapters that hold connections.
REQUEST scope: the unit of work and every use case (one per HTTP request or
per background message).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import dramatiq
from dishka import Provider, Scope, from_context, provide
from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from kook.adapters.crypto.passwords import Argon2PasswordHasher
from kook.adapters.crypto.secrets import HmacSecretHasher, SecureCodeGenerator
from kook.adapters.memory.rate_limiter import MemoryRateLimiter
from kook.adapters.postgres.engine import ReadSessions, make_engine, make_read_sessions, make_session_factory
from kook.adapters.postgres.repositories.sessions import SqlSessionStore
from kook.adapters.postgres.unit_of_work.identity import SqlIdentityUnitOfWork
from kook.adapters.redis.rate_limiter import RedisRateLimiter
from kook.adapters.redis.session_store import RedisSessionStore
from kook.adapters.sms.kavenegar import KavenegarSettings, KavenegarSmsSender
from kook.adapters.system.clock import SystemClock
from kook.application.identity.authenticate_api_key import AuthenticateApiKey
from kook.application.identity.authenticate_key import AuthenticateKey
from kook.application.identity.change_password import ChangePassword
from kook.application.identity.code_sender import CodeSender
from kook.application.identity.create_api_key import CreateApiKey
from kook.application.identity.create_staff import CreateStaff
from kook.application.identity.end_all_sessions import EndAllSessions
from kook.application.identity.end_session import EndSession
from kook.application.identity.get_staff import GetStaff
from kook.application.identity.get_user import GetUser
from kook.application.identity.list_api_keys import ListApiKeys
from kook.application.identity.log_in import LogIn
from kook.application.identity.password_login import PasswordLogin
from kook.application.identity.ports import (
    CodeGenerator,
    IdentityUnitOfWork,
    PasswordHasher,
    RateLimiter,
    SecretHasher,
    SessionStore,
)
from kook.application.identity.purge_expired import PurgeExpiredIdentityData
from kook.application.identity.request_login_code import RequestLoginCode
from kook.application.identity.resend_sign_up_code import ResendSignUpCode
from kook.application.identity.resolve_session import ResolveSession
from kook.application.identity.revoke_api_key import RevokeApiKey
from kook.application.identity.settings import IdentityPolicy, SessionPolicy
from kook.application.identity.sign_up import SignUp
from kook.application.identity.staff_log_in import StaffLogIn
from kook.application.identity.start_session import StartSession
from kook.application.identity.verify_login_code import VerifyLoginCode
from kook.application.identity.verify_sign_up import VerifySignUp
from kook.application.shared.background import BackgroundWork
from kook.application.shared.ports import Clock, ShutdownSignal, SmsSender, Telemetry
from kook.domain.identity.one_time_code import OtpPolicy
from kook.domain.identity.user import LoginThrottlePolicy
from kook.entrypoints.ioc.providers_calendar import CalendarProvider
from kook.entrypoints.ioc.providers_caller import CallerFactsProvider
from kook.entrypoints.ioc.providers_catalog import CatalogProvider, catalog_use_cases
from kook.entrypoints.ioc.providers_customers import CustomersProvider
from kook.entrypoints.ioc.providers_documents import DocumentsProvider
from kook.entrypoints.ioc.providers_fulfilment import FulfilmentInfrastructure, FulfilmentUseCases
from kook.entrypoints.ioc.providers_reporting import ReportingProvider
from kook.entrypoints.ioc.providers_requests import RequestsInfrastructure, RequestsUseCases
from kook.entrypoints.ioc.providers_wallet import WalletInfrastructure, WalletUseCases
from kook.entrypoints.ioc.providers_webhooks import WebhooksInfrastructure, WebhooksUseCases
from kook.entrypoints.settings import Settings
from kook.entrypoints.worker.broker import build_broker
from kook.sandbox.sms_inbox import SandboxInbox, SandboxSmsSender


class InfrastructureProvider(Provider):
    """``web=True`` (the HTTP server's container): the engine does not ping a connection on every checkout
    (see ``make_engine``); workers keep the ping, a message's retry being dearer than a ping."""

    scope = Scope.APP
    settings = from_context(provides=Settings, scope=Scope.APP)
    shutdown_signal = from_context(provides=ShutdownSignal, scope=Scope.APP)

    def __init__(self, *, web: bool = False) -> None:
        super().__init__()
        self._web = web

    @provide
    def clock(self) -> Clock:
        return SystemClock()

    @provide
    def telemetry(self) -> Telemetry:
        from kook.adapters.metrics.prometheus import PrometheusTelemetry

        return PrometheusTelemetry()

    @provide
    async def engine(self, settings: Settings) -> AsyncIterator[AsyncEngine]:
        engine = make_engine(settings.database_url, pre_ping=not self._web)
        yield engine
        await engine.dispose()

    @provide
    def session_factory(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return make_session_factory(engine)

    @provide
    def read_sessions(self, engine: AsyncEngine, factory: async_sessionmaker[AsyncSession]) -> ReadSessions:
        return make_read_sessions(engine, factory)

    @provide
    async def redis(self, settings: Settings) -> AsyncIterator[Redis | None]:
        if not settings.redis_url:
            yield None
            return
        # Blocking pool: a worker runs hundreds of limiter calls at once (a chunk's sends are gathered); the
        # default pool raises MaxConnectionsError past 100 connections instead of waiting for a free one.
        client = Redis.from_pool(BlockingConnectionPool.from_url(settings.redis_url, max_connections=100, timeout=30))
        yield client
        await client.aclose()

    @provide
    def identity_policy(self, settings: Settings) -> IdentityPolicy:
        return IdentityPolicy(
            otp=OtpPolicy(
                ttl=timedelta(seconds=settings.otp.ttl_seconds),
                max_attempts=settings.otp.max_attempts,
                per_mobile_per_minute=settings.otp.per_mobile_per_minute,
                per_mobile_per_hour=settings.otp.per_mobile_per_hour,
                per_address_per_hour=settings.otp.per_address_per_hour,
                per_mobile_per_day=settings.otp.per_mobile_per_day,
                tries_per_mobile_per_day=settings.otp.tries_per_mobile_per_day,
                verify_per_address_per_hour=settings.otp.verify_per_address_per_hour,
                global_per_hour=settings.sms.global_per_hour,
            ),
            login=LoginThrottlePolicy(
                max_failures=settings.login.max_failures,
                window=timedelta(minutes=settings.login.window_minutes),
                lock_for=timedelta(minutes=settings.login.lock_minutes),
            ),
            session=SessionPolicy(
                idle=timedelta(minutes=settings.session.idle_minutes),
                absolute=timedelta(hours=settings.session.absolute_hours),
            ),
            login_per_address=settings.login.per_address,
            login_per_address_window_seconds=settings.login.per_address_window_seconds,
        )

    @provide
    def password_hasher(self, settings: Settings) -> PasswordHasher:
        return Argon2PasswordHasher(
            memory_kib=settings.argon2.memory_kib,
            time_cost=settings.argon2.time_cost,
            max_concurrent=settings.argon2.max_concurrent,
            max_queued=settings.argon2.max_queued,
        )

    @provide
    def secret_hasher(self, settings: Settings) -> SecretHasher:
        key = hashlib.sha256(b"kook-secret-hasher:" + settings.secret_key.encode()).digest()
        return HmacSecretHasher(key)

    @provide
    def code_generator(self) -> CodeGenerator:
        return SecureCodeGenerator()

    @provide
    def rate_limiter(self, redis: Redis | None, clock: Clock) -> RateLimiter:
        if redis is None:
            return MemoryRateLimiter(clock)
        return RedisRateLimiter(redis, clock)

    @provide
    def session_store(
        self, redis: Redis | None, factory: async_sessionmaker[AsyncSession], policy: IdentityPolicy
    ) -> SessionStore:
        if redis is None:
            return SqlSessionStore(factory, policy.session)
        return RedisSessionStore(redis, policy.session)

    @provide
    async def sms_sender(
        self, settings: Settings, factory: async_sessionmaker[AsyncSession], clock: Clock
    ) -> AsyncIterator[SmsSender]:
        if settings.sms_provider == "sandbox":
            yield SandboxSmsSender(factory, clock)
            return
        sender = KavenegarSmsSender(
            KavenegarSettings(
                api_key=settings.kavenegar.api_key,
                sender=settings.kavenegar.sender or None,
                base_url=settings.kavenegar.base_url,
                timeout_seconds=settings.kavenegar.timeout,
            )
        )
        yield sender
        await sender.aclose()

    @provide
    async def background_work(self) -> AsyncIterator[BackgroundWork]:
        work = BackgroundWork()
        yield work
        await work.drain()  # texts already promised are sent before the process stops

    @provide
    def sandbox_inbox(self, factory: async_sessionmaker[AsyncSession]) -> SandboxInbox:
        return SandboxInbox(factory)


class BrokerFromContext(Provider):
    """The broker the process's entrypoint built and handed in (a worker enqueues on the broker it consumes)."""

    broker = from_context(provides=dramatiq.Broker, scope=Scope.APP)


class OwnBroker(Provider):
    """A container given no broker (``kook web``, tests, benchmarks) opens one when something first dispatches and
    closes it with itself."""

    scope = Scope.APP

    @provide
    def broker(self, settings: Settings) -> Iterator[dramatiq.Broker]:
        broker = build_broker(settings)
        yield broker
        broker.close()


class IdentityProvider(Provider):
    scope = Scope.REQUEST

    @provide
    def unit_of_work(self, factory: async_sessionmaker[AsyncSession], clock: Clock) -> IdentityUnitOfWork:
        return SqlIdentityUnitOfWork(factory, clock)

    @provide
    def code_sender(
        self,
        limiter: RateLimiter,
        generator: CodeGenerator,
        hasher: SecretHasher,
        sms: SmsSender,
        clock: Clock,
        policy: IdentityPolicy,
        background: BackgroundWork,
    ) -> CodeSender:
        return CodeSender(limiter, generator, hasher, sms, clock, policy, background)

    password_login = provide(PasswordLogin)
    # asked on every request with a cookie, and holds nothing of one: made once (resolved per request it was about
    # 5% of GET /api/v1/wallet's time in a sampling profile)
    resolve_session = provide(ResolveSession, scope=Scope.APP)

    # read-only: in autocommit (see ReadSessions), asked on every authenticated request
    @provide
    def get_user(self, reads: ReadSessions, clock: Clock) -> GetUser:
        return GetUser(SqlIdentityUnitOfWork(reads.factory, clock))

    @provide
    def get_staff(self, reads: ReadSessions, clock: Clock) -> GetStaff:
        return GetStaff(SqlIdentityUnitOfWork(reads.factory, clock))


def _identity_use_cases() -> Provider:
    provider = Provider(scope=Scope.REQUEST)
    for use_case in (
        SignUp,
        ResendSignUpCode,
        VerifySignUp,
        LogIn,
        RequestLoginCode,
        VerifyLoginCode,
        StartSession,
        EndSession,
        EndAllSessions,
        ChangePassword,
        CreateApiKey,
        ListApiKeys,
        RevokeApiKey,
        AuthenticateApiKey,
        AuthenticateKey,
        CreateStaff,
        StaffLogIn,
        PurgeExpiredIdentityData,
    ):
        provider.provide(use_case)
    return provider


def all_providers(*, web: bool = False) -> list[Provider]:
    """Every context's provider; a new context adds its own here."""
    return [
        InfrastructureProvider(web=web),
        IdentityProvider(),
        _identity_use_cases(),
        WalletInfrastructure(),
        WalletUseCases(),
        CustomersProvider(),
        CatalogProvider(),
        catalog_use_cases(),
        RequestsInfrastructure(),
        RequestsUseCases(),
        FulfilmentInfrastructure(),
        FulfilmentUseCases(),
        ReportingProvider(),
        DocumentsProvider(),
        CalendarProvider(),
        WebhooksInfrastructure(),
        WebhooksUseCases(),
        CallerFactsProvider(),
    ]
