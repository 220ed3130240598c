"""Staff announcements (SPEC §10 "Messages"): a Persian rich-text message to one customer or to all."""

from __future__ import annotations

from dataclasses import dataclass

from kook.application.messaging.ports import HtmlSanitizer, MessagingUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.messaging.message import TITLE_MAX_LENGTH, Message, MessageKind
from kook.domain.shared.errors import NotFound, ValidationFailed
from kook.domain.shared.ids import new_id

BODY_MAX = 20_000


@dataclass(frozen=True, slots=True)
class Announcement:
    title: str
    body: str  # HTML as typed; sanitised before it is stored
    customer_id: str | None = None  # None: every customer


class SendAnnouncement:
    def __init__(self, uow: MessagingUnitOfWork, sanitizer: HtmlSanitizer, clock: Clock) -> None:
        self._uow = uow
        self._sanitizer = sanitizer
        self._clock = clock

    async def __call__(self, staff_id: str, announcement: Announcement) -> int:
        title = " ".join(announcement.title.split())
        body = self._sanitizer.clean(announcement.body or "").strip()
        errors: dict[str, str] = {}
        if not title:
            errors["title"] = "required"
        elif len(title) > TITLE_MAX_LENGTH:
            errors["title"] = "too_long"
        if len(announcement.body or "") > BODY_MAX:
            errors["body"] = "too_long"
        elif not body:
            errors["body"] = "required"
        if errors:
            raise ValidationFailed(errors)
        now = self._clock.now()
        async with self._uow as uow:
            if announcement.customer_id is None:
                sent = await uow.messages.announce_to_all(title, body, now, new_id)
            else:
                recipient = await uow.recipients.of_customer(announcement.customer_id)
                if recipient is None:
                    raise NotFound()
                await uow.messages.add(
                    Message(
                        id=new_id(),
                        user_id=recipient[0],
                        customer_id=announcement.customer_id,
                        kind=MessageKind.ANNOUNCEMENT,
                        title=title,
                        body=body,
                        created_at=now,
                    )
                )
                sent = 1
            await uow.audit.record(
                actor=f"staff:{staff_id}",
                action="message.announced",
                subject=announcement.customer_id or "all",
                after={"title": title, "recipients": sent},
            )
            await uow.commit()
        return sent
