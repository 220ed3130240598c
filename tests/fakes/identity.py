"""In-memory stand-ins for the identity ports, and a world that wires the use cases to them.

``FakeIdentityUnitOfWork`` keeps real transaction semantics: ``async with uow:``
works on a deep copy of the committed state; ``commit()`` makes that copy the
committed state; leaving the block without a commit throws the changes away.
Objects a use case got inside a block are detached copies afterwards, as with
the real database.

Outside any ``async with`` the repositories read and write the committed state
directly: that is how tests arrange data and look at what was stored.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import hmac
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from kook.adapters.crypto.secrets import HmacSecretHasher
from kook.adapters.memory.rate_limiter import MemoryRateLimiter
from kook.application.identity.authenticate_api_key import AuthenticateApiKey
from kook.application.identity.change_password import ChangePassword
from kook.application.identity.code_sender import CodeSender
from kook.application.identity.create_api_key import CreateApiKey
from kook.application.identity.create_staff import CreateStaff
from kook.application.identity.end_session import EndSession
from kook.application.identity.get_staff import GetStaff
from kook.application.identity.get_user import GetUser
from kook.application.identity.list_api_keys import ListApiKeys
from kook.application.identity.log_in import LogIn
from kook.application.identity.password_login import PasswordLogin
from kook.application.identity.ports import (
    ApiKeyRepository,
    CodeGenerator,
    IdentityUnitOfWork,
    PasswordHasher,
    PrincipalKind,
    SessionStore,
    WebSession,
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
from kook.application.shared.ports import AuditLog, Clock, OneTimeCodeRepository, StaffRepository, UserRepository
from kook.domain.identity.api_key import ApiKey
from kook.domain.identity.one_time_code import CodePurpose, OneTimeCode
from kook.domain.identity.staff import StaffMember, StaffRole
from kook.domain.identity.user import User, UserStatus
from kook.domain.shared.errors import Conflict
from kook.domain.shared.ids import new_id
from tests.fakes.clock import FakeClock
from tests.fakes.sms import FakeSms

# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class AuditRecord:
    at: datetime | None
    actor: str
    action: str
    subject: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class IdentityState:
    """Everything the identity unit of work can see: one "database"."""

    users: dict[str, User] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    codes: list[OneTimeCode] = field(default_factory=list)  # in insertion order
    api_keys: dict[str, ApiKey] = field(default_factory=dict)
    audit: list[AuditRecord] = field(default_factory=list)


StateOf = Callable[[], IdentityState]


# --------------------------------------------------------------------------- repositories


class FakeUserRepository(UserRepository):
    def __init__(self, state: StateOf) -> None:
        self._state = state

    async def get(self, user_id: str) -> User | None:
        return self._state().users.get(user_id)

    async def by_mobile(self, mobile: str, *, for_update: bool = False) -> User | None:
        return next((u for u in self._state().users.values() if u.mobile == mobile), None)

    async def add(self, user: User) -> None:
        users = self._state().users
        if user.id in users or any(u.mobile == user.mobile for u in users.values()):
            raise Conflict(details={"mobile": user.mobile})  # the unique constraint
        users[user.id] = user

    def all(self) -> list[User]:
        return list(self._state().users.values())


class FakeStaffRepository(StaffRepository):
    def __init__(self, state: StateOf) -> None:
        self._state = state

    async def get(self, staff_id: str) -> StaffMember | None:
        return self._state().staff.get(staff_id)

    async def by_mobile(self, mobile: str, *, for_update: bool = False) -> StaffMember | None:
        return next((s for s in self._state().staff.values() if s.mobile == mobile), None)

    async def add(self, staff: StaffMember) -> None:
        members = self._state().staff
        if staff.id in members or any(s.mobile == staff.mobile for s in members.values()):
            raise Conflict(details={"mobile": staff.mobile})
        members[staff.id] = staff

    def all(self) -> list[StaffMember]:
        return list(self._state().staff.values())


class FakeOneTimeCodeRepository(OneTimeCodeRepository):
    def __init__(self, state: StateOf) -> None:
        self._state = state

    async def latest(self, mobile: str, purpose: CodePurpose, *, for_update: bool = False) -> OneTimeCode | None:
        newest: OneTimeCode | None = None
        for code in self._state().codes:  # ties on created_at: the later insert wins
            mine = code.mobile == mobile and code.purpose == purpose
            if mine and (newest is None or code.created_at >= newest.created_at):
                newest = code
        return newest

    async def add(self, code: OneTimeCode) -> None:
        self._state().codes.append(code)

    async def purge_older_than(self, moment: datetime) -> int:
        state = self._state()
        kept = [c for c in state.codes if c.created_at >= moment]
        removed = len(state.codes) - len(kept)
        state.codes = kept
        return removed

    def all(self, mobile: str | None = None) -> list[OneTimeCode]:
        return [c for c in self._state().codes if mobile is None or c.mobile == mobile]


class FakeApiKeyRepository(ApiKeyRepository):
    def __init__(self, state: StateOf) -> None:
        self._state = state

    async def get(self, key_id: str) -> ApiKey | None:
        return self._state().api_keys.get(key_id)

    async def for_user(self, user_id: str) -> list[ApiKey]:
        mine = [k for k in self._state().api_keys.values() if k.user_id == user_id]
        # newest first; dicts keep insertion order, so reverse before the stable sort
        return sorted(reversed(mine), key=lambda k: k.created_at, reverse=True)

    async def for_staff(self, staff_id: str) -> list[ApiKey]:
        mine = [k for k in self._state().api_keys.values() if k.staff_id == staff_id]
        return sorted(reversed(mine), key=lambda k: k.created_at, reverse=True)

    async def add(self, key: ApiKey) -> None:
        keys = self._state().api_keys
        if key.id in keys:
            raise Conflict(details={"id": key.id})
        keys[key.id] = key

    def all(self) -> list[ApiKey]:
        return list(self._state().api_keys.values())


class FakeAuditLog(AuditLog):
    """Written in the same transaction as the action it records."""

    def __init__(self, state: StateOf, clock: Clock | None = None) -> None:
        self._state = state
        self._clock = clock

    async def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        self._state().audit.append(
            AuditRecord(
                at=self._clock.now() if self._clock else None,
                actor=actor,
                action=action,
                subject=subject,
                before=copy.deepcopy(before),
                after=copy.deepcopy(after),
            )
        )

    @property
    def records(self) -> list[AuditRecord]:
        return list(self._state().audit)

    def actions(self) -> list[str]:
        return [r.action for r in self._state().audit]


# --------------------------------------------------------------------------- unit of work


class FakeIdentityUnitOfWork(IdentityUnitOfWork):
    users: FakeUserRepository
    staff: FakeStaffRepository
    codes: FakeOneTimeCodeRepository
    api_keys: FakeApiKeyRepository
    audit: FakeAuditLog

    def __init__(self, clock: Clock | None = None) -> None:
        self._committed_state = IdentityState()
        self._working: IdentityState | None = None
        self._committed_in_block = False
        self.committed = 0  # number of commit() calls
        self.rolled_back = 0  # blocks left without any commit
        self.opened = 0  # number of ``async with`` blocks
        self.users = FakeUserRepository(self._state)
        self.staff = FakeStaffRepository(self._state)
        self.codes = FakeOneTimeCodeRepository(self._state)
        self.api_keys = FakeApiKeyRepository(self._state)
        self.audit = FakeAuditLog(self._state, clock)

    def _state(self) -> IdentityState:
        return self._working if self._working is not None else self._committed_state

    @property
    def in_transaction(self) -> bool:
        return self._working is not None

    async def __aenter__(self) -> Self:
        if self._working is not None:
            raise RuntimeError("unit of work is not re-entrant")
        self._working = copy.deepcopy(self._committed_state)
        self._committed_in_block = False
        self.opened += 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._working is None:
            return
        self._working = None  # whatever was not committed goes with the transaction
        if not self._committed_in_block:
            self.rolled_back += 1

    async def commit(self) -> None:
        if self._working is None:
            raise RuntimeError("commit outside 'async with'")
        # A copy: later changes in the same block need another commit to count.
        self._committed_state = copy.deepcopy(self._working)
        self._committed_in_block = True
        self.committed += 1

    # -- look at the committed state --------------------------------------------
    def stored_user(self, mobile: str) -> User | None:
        return next((u for u in self._committed_state.users.values() if u.mobile == mobile), None)

    def stored_staff(self, mobile: str) -> StaffMember | None:
        return next((s for s in self._committed_state.staff.values() if s.mobile == mobile), None)

    def stored_codes(self, mobile: str | None = None) -> list[OneTimeCode]:
        return [c for c in self._committed_state.codes if mobile is None or c.mobile == mobile]


# --------------------------------------------------------------------------- crypto, generators


class FakePasswordHasher(PasswordHasher):
    """Fast and transparent: the hash is ``hashed:<password>``."""

    PREFIX = "hashed:"

    def __init__(self) -> None:
        self.hashed = 0
        self.verified = 0
        self.burned = 0

    @classmethod
    def hash_of(cls, password: str) -> str:
        return cls.PREFIX + password

    async def hash(self, password: str) -> str:
        self.hashed += 1
        return self.hash_of(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return hmac.compare_digest(password_hash.encode(), self.hash_of(password).encode())

    async def burn(self) -> None:
        self.burned += 1

    @property
    def slow_calls(self) -> int:
        """verify + burn: what a login costs in argon2 time."""
        return self.verified + self.burned


class FakeCodeGenerator(CodeGenerator):
    """Predictable codes and secrets.

    Codes come from ``next_codes`` while it has any, then ``100001``, ``100002``, …;
    secrets are distinct 64-hex-digit strings.
    """

    def __init__(self, codes: Iterable[str] = ()) -> None:
        self.next_codes: deque[str] = deque(codes)
        self.issued: list[str] = []
        self._counter = 100_000
        self._secrets = 0

    def queue(self, *codes: str) -> None:
        self.next_codes.extend(codes)

    def new_code(self) -> str:
        if self.next_codes:
            code = self.next_codes.popleft()
        else:
            self._counter += 1
            code = f"{self._counter % 1_000_000:06d}"
        self.issued.append(code)
        return code

    def new_secret(self) -> str:
        self._secrets += 1
        return hashlib.sha256(f"fake-secret-{self._secrets}".encode()).hexdigest()


# --------------------------------------------------------------------------- sessions


class FakeSessionStore(SessionStore):
    """Keeps copies, like a real store: changing a ``WebSession`` changes nothing until ``update``."""

    def __init__(self, policy: SessionPolicy | None = None) -> None:
        self._policy = policy or SessionPolicy()
        self._sessions: dict[str, WebSession] = {}

    async def create(self, session: WebSession) -> None:
        if session.id in self._sessions:
            raise Conflict(details={"session": "exists"})
        self._sessions[session.id] = dataclasses.replace(session)

    async def get(self, session_id: str) -> WebSession | None:
        stored = self._sessions.get(session_id)
        return dataclasses.replace(stored) if stored is not None else None

    async def touch(self, session: WebSession, now: datetime) -> None:
        session.last_seen_at = now
        stored = self._sessions.get(session.id)
        if stored is not None:
            stored.last_seen_at = now

    async def update(self, session: WebSession) -> None:
        stored = self._sessions.get(session.id)
        if stored is not None:
            stored.last_seen_at = session.last_seen_at
            stored.otp_login = session.otp_login

    async def delete(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    async def delete_for_principal(self, principal_kind: str, principal_id: str, *, keep: str | None = None) -> int:
        doomed = [
            sid
            for sid, s in self._sessions.items()
            if s.principal_kind == principal_kind and s.principal_id == principal_id and sid != keep
        ]
        for sid in doomed:
            del self._sessions[sid]
        return len(doomed)

    async def purge(self, now: datetime) -> int:
        doomed = [
            sid
            for sid, s in self._sessions.items()
            if s.last_seen_at < now - self._policy.idle or s.created_at < now - self._policy.absolute
        ]
        for sid in doomed:
            del self._sessions[sid]
        return len(doomed)

    # -- assert ----------------------------------------------------------------
    def __contains__(self, session_id: object) -> bool:
        return session_id in self._sessions

    def __len__(self) -> int:
        return len(self._sessions)

    def stored(self, session_id: str) -> WebSession | None:
        return self._sessions.get(session_id)

    def of(self, principal_kind: str, principal_id: str) -> list[WebSession]:
        return [
            s for s in self._sessions.values() if (s.principal_kind, s.principal_id) == (principal_kind, principal_id)
        ]


# --------------------------------------------------------------------------- the world


DEFAULT_PASSWORD = "kook-pass-1404"
TEST_SECRET_KEY = b"0" * 32


class IdentityWorld:
    """Every identity use case wired to the fakes above, sharing one clock, SMS box and "database"."""

    def __init__(
        self, policy: IdentityPolicy | None = None, *, clock: FakeClock | None = None, codes: Iterable[str] = ()
    ) -> None:
        self.policy = policy or IdentityPolicy()
        self.clock = clock or FakeClock()
        self.sms = FakeSms()
        self.uow = FakeIdentityUnitOfWork(self.clock)
        self.passwords = FakePasswordHasher()
        self.generator = FakeCodeGenerator(codes)
        self.hasher = HmacSecretHasher(TEST_SECRET_KEY)
        self.limiter = MemoryRateLimiter(self.clock)
        self.sessions = FakeSessionStore(self.policy.session)

        self.code_sender = CodeSender(self.limiter, self.generator, self.hasher, self.sms, self.clock, self.policy)
        self.password_login = PasswordLogin(self.uow, self.passwords, self.limiter, self.clock, self.policy)

        self.sign_up = SignUp(self.uow, self.passwords, self.code_sender, self.clock)
        self.verify_sign_up = VerifySignUp(self.uow, self.code_sender, self.clock)
        self.resend_sign_up_code = ResendSignUpCode(self.uow, self.code_sender)
        self.request_login_code = RequestLoginCode(self.uow, self.code_sender)
        self.verify_login_code = VerifyLoginCode(self.uow, self.code_sender)
        self.log_in = LogIn(self.password_login)
        self.staff_log_in = StaffLogIn(self.password_login)
        self.change_password = ChangePassword(
            self.uow, self.passwords, self.sessions, self.clock, self.limiter, self.policy
        )
        self.start_session = StartSession(self.sessions, self.generator, self.clock)
        self.resolve_session = ResolveSession(self.sessions, self.clock, self.policy)
        self.end_session = EndSession(self.sessions)
        self.create_api_key = CreateApiKey(self.uow, self.generator, self.hasher, self.clock)
        self.list_api_keys = ListApiKeys(self.uow)
        self.revoke_api_key = RevokeApiKey(self.uow, self.clock)
        self.authenticate_api_key = AuthenticateApiKey(self.uow, self.hasher, self.clock)
        self.create_staff = CreateStaff(self.uow, self.passwords, self.clock)
        self.get_user = GetUser(self.uow)
        self.get_staff = GetStaff(self.uow)
        self.purge_expired = PurgeExpiredIdentityData(self.uow, self.sessions, self.clock)

    # -- arrange (straight into the committed state, no SMS, no rate limits) -----
    async def given_user(
        self,
        mobile: str = "09121234567",
        password: str = DEFAULT_PASSWORD,
        *,
        status: UserStatus = UserStatus.ACTIVE,
        first_name: str = "سارا",
        last_name: str = "احمدی",
    ) -> User:
        now = self.clock.now()
        user = User(
            id=new_id(),
            mobile=mobile,
            first_name=first_name,
            last_name=last_name,
            password_hash=FakePasswordHasher.hash_of(password),
            status=status,
            created_at=now,
            activated_at=now if status == UserStatus.ACTIVE else None,
        )
        await self.uow.users.add(user)
        return user

    async def given_staff(
        self, mobile: str = "09351234567", password: str = DEFAULT_PASSWORD, *, role: StaffRole = StaffRole.ADMIN
    ) -> StaffMember:
        staff = StaffMember(
            id=new_id(),
            mobile=mobile,
            role=role,
            password_hash=FakePasswordHasher.hash_of(password),
            created_at=self.clock.now(),
        )
        await self.uow.staff.add(staff)
        return staff

    async def session_for(self, user: User, *, otp_login: bool = False) -> WebSession:
        return await self.start_session(PrincipalKind.USER, user.id, otp_login=otp_login)
