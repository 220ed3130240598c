"""Who stands behind an API key (shared by the key use cases)."""

from __future__ import annotations

from dataclasses import dataclass

from kook.domain.identity.api_key import ApiKey


@dataclass(frozen=True)
class KeyOwner:
    """Whose keys: a customer's user, or a staff member."""

    user_id: str | None = None
    staff_id: str | None = None

    def owns(self, key: ApiKey) -> bool:
        if self.staff_id is not None:
            return key.staff_id == self.staff_id
        return self.user_id is not None and key.user_id == self.user_id and key.staff_id is None


def owner_of(owner: KeyOwner | str) -> KeyOwner:
    return KeyOwner(user_id=owner) if isinstance(owner, str) else owner
