"""``calendar.remind`` (every 30 s): each due reminder is claimed by one scheduler and sent once."""

from __future__ import annotations

from kook.application.calendar.ports import CalendarUnitOfWork
from kook.application.calendar.texts import event_reminder
from kook.application.shared.ports import Clock, SmsSender
from kook.application.shared.sms import send_sms
from kook.domain.messaging.message import Message, MessageKind
from kook.domain.shared.ids import new_id

REMINDER_BATCH = 200


class SendDueReminders:
    """``calendar.remind`` (every 30 s): each due reminder is claimed by one scheduler and sent once.

    The claim and the portal message commit together, so a message is never lost
    nor doubled; the SMS goes after the commit (a crash between the two loses
    that one text rather than sending it twice)."""

    def __init__(self, uow: CalendarUnitOfWork, sms: SmsSender, clock: Clock) -> None:
        self._uow = uow
        self._sms = sms
        self._clock = clock

    async def __call__(self) -> int:
        sent = 0
        while True:
            now = self._clock.now()
            async with self._uow as uow:
                due = await uow.events.claim_due_reminders(now, REMINDER_BATCH)
                texts = {}
                for reminder in due:
                    title, body, sms = event_reminder(reminder.title, reminder.at)
                    texts[reminder.event_id] = sms
                    if reminder.remind_message:
                        await uow.messages.add(
                            Message(
                                id=new_id(),
                                user_id=reminder.user_id,
                                kind=MessageKind.EVENT_REMINDER,
                                title=title[:200],
                                body=body,
                                created_at=now,
                            )
                        )
                await uow.commit()
            for reminder in due:
                if reminder.remind_sms:
                    await send_sms(self._sms, reminder.mobile, texts[reminder.event_id])
            sent += len(due)
            if len(due) < REMINDER_BATCH:
                return sent
