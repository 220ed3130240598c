from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from kook.application.customers.ports import CustomersUnitOfWork
from kook.application.shared.ports import Clock
from kook.domain.customers.customer import Action, Customer, validate_details
from kook.domain.shared.ids import new_id
from kook.domain.shared.jalali import tehran_today


@dataclass(frozen=True)
class SaveCustomerDraftCommand:
    user_id: str
    values: Mapping[str, object] = field(default_factory=dict)
    submit: bool = False  # the form's «تأیید و ارسال»: save and send for review at once


class SaveCustomerDraft:
    """Creates or replaces the user's customer details (SPEC §3).

    Every field is checked; a bad one fails the whole save (nothing is
    written) with each bad field named. An approved profile is locked; a
    rejected one that is edited is corrected and becomes a draft again.
    """

    def __init__(self, uow: CustomersUnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def __call__(self, command: SaveCustomerDraftCommand) -> Customer:
        now = self._clock.now()
        async with self._uow as uow:
            customer = await uow.customers.of_owner(command.user_id, for_update=True)
            if customer is not None:
                customer.ensure_can(Action.EDIT)
            details = validate_details(command.values, tehran_today(now))
            if customer is None:
                customer = Customer.start(id=new_id(), owner_user_id=command.user_id, details=details, now=now)
                await uow.customers.add(customer)
            else:
                customer.edit(details, now)
            if command.submit:
                customer.submit(now)
            await uow.commit()
        return customer
