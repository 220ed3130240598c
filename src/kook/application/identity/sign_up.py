from __future__ import annotations

from dataclasses import dataclass

from kook.application.identity.code_sender import CodeSender
from kook.application.identity.ports import IdentityUnitOfWork, PasswordHasher
from kook.application.identity.sms_texts import already_registered_text
from kook.application.shared.ports import Clock
from kook.domain.identity.one_time_code import CodePurpose
from kook.domain.identity.password_policy import PasswordTooWeak, check_password
from kook.domain.identity.user import User, UserStatus, clean_name
from kook.domain.shared.errors import DomainError, ValidationFailed
from kook.domain.shared.ids import new_id
from kook.domain.shared.mobile import normalize_mobile


@dataclass(frozen=True)
class SignUpCommand:
    mobile: str
    first_name: str
    last_name: str
    password: str
    client_address: str


class SignUp:
    """Sign-up: keeps a pending account and texts a code (SPEC §2).

    The answer is the same for a registered number: that number gets a text
    saying so instead of a code, and nothing about the account changes.

    Signing a pending number up again with another password contests the
    sign-up (``User.refresh_pending``): the answer does not change, but the
    code then activates the account with no usable password.
    """

    def __init__(self, uow: IdentityUnitOfWork, passwords: PasswordHasher, codes: CodeSender, clock: Clock) -> None:
        self._uow = uow
        self._passwords = passwords
        self._codes = codes
        self._clock = clock

    async def __call__(self, command: SignUpCommand) -> str:
        mobile, first_name, last_name = _validate(command)
        await self._codes.check_limits(mobile, command.client_address)
        password_hash = await self._passwords.hash(command.password)
        seen_hash, same_password = await self._compare_with_pending(mobile, command.password)
        code: str | None = None
        async with self._uow as uow:
            user = await uow.users.by_mobile(mobile, for_update=True)
            if user is None:
                await uow.users.add(
                    User(
                        id=new_id(),
                        mobile=mobile,
                        first_name=first_name,
                        last_name=last_name,
                        password_hash=password_hash,
                        status=UserStatus.PENDING,
                        created_at=self._clock.now(),
                    )
                )
                code = await self._codes.issue(uow.codes, mobile, CodePurpose.SIGNUP)
            elif user.status == UserStatus.PENDING:
                user.refresh_pending(
                    first_name,
                    last_name,
                    password_hash,
                    # a sign-up in between changed the hash compared: count it as another password
                    same_password=same_password and user.password_hash == seen_hash,
                )
                code = await self._codes.issue(uow.codes, mobile, CodePurpose.SIGNUP)
            else:
                # A code is kept (never sent) so that wrong tries at it answer
                # exactly as they would for a new number.
                await self._codes.issue(uow.codes, mobile, CodePurpose.SIGNUP)
            await uow.commit()
        if code is not None:
            await self._codes.send_code(mobile, code, CodePurpose.SIGNUP)
        else:
            await self._codes.send_text(mobile, already_registered_text())
        return mobile

    async def _compare_with_pending(self, mobile: str, password: str) -> tuple[str | None, bool]:
        """Whether ``password`` is the pending sign-up's (for a pending number);
        checked outside any transaction, argon2 being slow on purpose. Every
        number spends the time of one check, so the answer's timing tells
        nothing about the number."""
        async with self._uow as uow:
            user = await uow.users.by_mobile(mobile)
        if user is None or user.status != UserStatus.PENDING:
            await self._passwords.burn()
            return None, False
        return user.password_hash, await self._passwords.verify(user.password_hash, password)


def _name(value: str, field: str, fields: dict[str, str]) -> str | None:
    try:
        cleaned = clean_name(value, field)
    except ValidationFailed as exc:
        fields.update(exc.fields)
        return None
    if cleaned is None:
        fields[field] = "invalid"
    return cleaned


def _validate(command: SignUpCommand) -> tuple[str, str, str]:
    fields: dict[str, str] = {}
    mobile = ""
    try:
        mobile = normalize_mobile(command.mobile)
    except DomainError as exc:
        fields["mobile"] = exc.code
    first_name = _name(command.first_name, "first_name", fields)
    last_name = _name(command.last_name, "last_name", fields)
    try:
        check_password(command.password)
    except PasswordTooWeak as exc:
        fields["password"] = exc.code
    if fields:
        raise ValidationFailed(fields)
    assert first_name is not None and last_name is not None
    return mobile, first_name, last_name
