from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from kook.adapters.postgres.repositories.base import flush_or_conflict
from kook.adapters.postgres.tables import identity as tables_identity
from kook.application.identity.ports import ApiKeyRepository
from kook.application.shared.ports import OneTimeCodeRepository, StaffRepository, UserRepository
from kook.domain.identity.api_key import ApiKey
from kook.domain.identity.one_time_code import CodePurpose, OneTimeCode
from kook.domain.identity.staff import StaffMember
from kook.domain.identity.user import User


class SqlUserRepository(UserRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, user_id: str) -> User | None:
        return await self._session.get(User, user_id)

    async def by_mobile(self, mobile: str, *, for_update: bool = False) -> User | None:
        query = sa.select(User).where(tables_identity.users.c.mobile == mobile)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, user: User) -> None:
        self._session.add(user)
        await flush_or_conflict(self._session)


class SqlStaffRepository(StaffRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, staff_id: str) -> StaffMember | None:
        return await self._session.get(StaffMember, staff_id)

    async def by_mobile(self, mobile: str, *, for_update: bool = False) -> StaffMember | None:
        query = sa.select(StaffMember).where(tables_identity.staff.c.mobile == mobile)
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, staff: StaffMember) -> None:
        self._session.add(staff)
        await flush_or_conflict(self._session)


class SqlOneTimeCodeRepository(OneTimeCodeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def latest(self, mobile: str, purpose: CodePurpose, *, for_update: bool = False) -> OneTimeCode | None:
        c = tables_identity.one_time_codes.c
        query = (
            sa.select(OneTimeCode)
            .where(c.mobile == mobile, c.purpose == purpose)
            .order_by(c.consumed_at.is_(None).desc(), c.created_at.desc(), c.id.desc())
            .limit(1)
        )
        if for_update:
            query = query.with_for_update()
        return (await self._session.execute(query)).scalar_one_or_none()

    async def add(self, code: OneTimeCode) -> None:
        self._session.add(code)
        await flush_or_conflict(self._session)

    async def purge_older_than(self, moment: datetime) -> int:
        result = await self._session.execute(
            sa.delete(tables_identity.one_time_codes).where(tables_identity.one_time_codes.c.created_at < moment)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class SqlApiKeyRepository(ApiKeyRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key_id: str) -> ApiKey | None:
        return await self._session.get(ApiKey, key_id)

    async def for_user(self, user_id: str) -> list[ApiKey]:
        c = tables_identity.api_keys.c
        query = sa.select(ApiKey).where(c.user_id == user_id).order_by(c.created_at.desc())
        return list((await self._session.execute(query)).scalars())

    async def for_staff(self, staff_id: str) -> list[ApiKey]:
        c = tables_identity.api_keys.c
        query = sa.select(ApiKey).where(c.staff_id == staff_id).order_by(c.created_at.desc())
        return list((await self._session.execute(query)).scalars())

    async def add(self, key: ApiKey) -> None:
        self._session.add(key)
        await flush_or_conflict(self._session)
