"""Web sessions in Redis (production): shared by every web process, expiring by TTL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis

from kook.application.identity.ports import SessionStore, WebSession
from kook.application.identity.settings import SessionPolicy


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class RedisSessionStore(SessionStore):
    def __init__(self, redis: Redis, policy: SessionPolicy, prefix: str = "kook:") -> None:
        self._redis = redis
        self._policy = policy
        self._prefix = prefix

    def _key(self, id_hash: str) -> str:
        return f"{self._prefix}session:{id_hash}"

    def _index(self, kind: str, principal_id: str) -> str:
        return f"{self._prefix}sessions:{kind}:{principal_id}"

    def _ttl(self, session: WebSession, now: datetime) -> int:
        remaining = min(self._policy.idle, session.created_at + self._policy.absolute - now)
        return max(1, int(remaining / timedelta(seconds=1)))

    async def create(self, session: WebSession) -> None:
        id_hash = _hash(session.id)
        mapping: dict[
            bytes | bytearray | memoryview[int] | str | int | float,
            bytes | bytearray | memoryview[int] | str | int | float,
        ] = {
            "principal_kind": session.principal_kind,
            "principal_id": session.principal_id,
            "csrf_token": session.csrf_token,
            "created_at": session.created_at.isoformat(),
            "last_seen_at": session.last_seen_at.isoformat(),
            "otp_login": "1" if session.otp_login else "0",
        }
        ttl = self._ttl(session, session.last_seen_at)
        index = self._index(session.principal_kind, session.principal_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._key(id_hash), mapping=mapping)
            pipe.expire(self._key(id_hash), ttl)
            pipe.sadd(index, id_hash)
            pipe.expire(index, int(self._policy.absolute / timedelta(seconds=1)))
            await pipe.execute()

    async def get(self, session_id: str) -> WebSession | None:
        raw = await self._redis.hgetall(self._key(_hash(session_id)))
        if not raw:
            return None
        data = {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in raw.items()
        }
        return WebSession(
            id=session_id,
            principal_kind=data["principal_kind"],
            principal_id=data["principal_id"],
            csrf_token=data["csrf_token"],
            created_at=datetime.fromisoformat(data["created_at"]).astimezone(UTC),
            last_seen_at=datetime.fromisoformat(data["last_seen_at"]).astimezone(UTC),
            otp_login=data.get("otp_login") == "1",
        )

    async def touch(self, session: WebSession, now: datetime) -> None:
        session.last_seen_at = now
        key = self._key(_hash(session.id))
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, "last_seen_at", now.isoformat())
            pipe.expire(key, self._ttl(session, now))
            await pipe.execute()

    async def update(self, session: WebSession) -> None:
        key = self._key(_hash(session.id))
        if await self._redis.exists(key):
            await self._redis.hset(
                key,
                mapping={
                    "last_seen_at": session.last_seen_at.isoformat(),
                    "otp_login": "1" if session.otp_login else "0",
                },
            )

    async def delete(self, session_id: str) -> None:
        id_hash = _hash(session_id)
        raw = await self._redis.hmget(self._key(id_hash), ["principal_kind", "principal_id"])
        await self._redis.delete(self._key(id_hash))
        if raw[0] is not None and raw[1] is not None:
            kind = raw[0].decode() if isinstance(raw[0], bytes) else raw[0]
            pid = raw[1].decode() if isinstance(raw[1], bytes) else raw[1]
            await self._redis.srem(self._index(kind, pid), id_hash)

    async def delete_for_principal(self, principal_kind: str, principal_id: str, *, keep: str | None = None) -> int:
        index = self._index(principal_kind, principal_id)
        keep_hash = _hash(keep) if keep else None
        members = [m.decode() if isinstance(m, bytes) else m for m in await self._redis.smembers(index)]
        doomed = [m for m in members if m != keep_hash]
        if not doomed:
            return 0
        async with self._redis.pipeline(transaction=True) as pipe:
            for id_hash in doomed:
                pipe.delete(self._key(id_hash))
                pipe.srem(index, id_hash)
            results = await pipe.execute()
        return sum(int(r) for r in results[::2])

    async def purge(self, now: datetime) -> int:
        return 0  # Redis expires sessions by TTL
