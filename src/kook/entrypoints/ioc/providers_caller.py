"""dishka providers of a read request's caller facts (kook.application.shared.caller_facts)."""

from __future__ import annotations

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine

from kook.adapters.postgres.readers.caller import SqlUserContextReader
from kook.application.identity.get_user_for_read import GetUserForRead
from kook.application.shared.caller_facts import CallerFacts
from kook.application.shared.ports import UserContextReader


class CallerFactsProvider(Provider):
    scope = Scope.REQUEST

    @provide
    def facts(self) -> CallerFacts:
        return CallerFacts()

    get_user_for_read = provide(GetUserForRead)

    @provide(scope=Scope.APP)
    def user_context_reader(self, engine: AsyncEngine) -> UserContextReader:
        return SqlUserContextReader(engine)
