"""Anonymous counts for the staff: which pathways people start and finish, where they stop,
whether the plans were clear. Nothing here identifies a person, and a failure to record is
never the citizen's problem: it is logged and the conversation goes on."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError

from bot.services.clock import utc_now
from bot.storage.db import SessionFactory
from bot.storage.models import ExplorerEvent

log = logging.getLogger(__name__)


class Stats:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def explorer(self, channel: str, language: str, pathway: str, kind: str,
                       detail: str | None = None) -> None:
        try:
            async with self._sessions() as session, session.begin():
                session.add(ExplorerEvent(at=utc_now(), channel=channel, language=language,
                                          pathway=pathway, kind=kind, detail=detail))
        except SQLAlchemyError as error:
            log.warning("could not record an explorer event: %s", type(error).__name__)
