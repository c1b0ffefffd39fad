"""What a screen or an action sees while one event is handled."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.services.clock import Clock
from bot.services.conversation.events import Event
from bot.services.conversation.screens import Attachment
from bot.services.conversation.store import Visit
from bot.services.coordination import Coordination
from bot.services.i18n import Gettext, gettext_for

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.metrics import Metrics
    from bot.services.content import Content
    from bot.services.conversation.store import ConversationStore
    from bot.services.enrolment import Enrolments
    from bot.services.glossary.lexicon import Lexicon
    from bot.services.handoffs import HandoffDesk
    from bot.services.hearings.book import HearingBook
    from bot.services.relatives import RelativeLinks
    from bot.services.sms.people import SmsPeople
    from bot.services.speech import Speech
    from bot.services.stats import Stats
    from bot.services.understanding.classifier import Classifier

# Raise it when the notice's meaning changes: everyone is asked again. 2: chats with the call
# centre, who sees them, and how long data are kept (2026-11-23).
CONSENT_VERSION = 2


@dataclass
class Services:
    """The shared parts a feature may use; handed to every context."""

    settings: Settings
    store: ConversationStore
    content: Content
    stats: Stats
    classifier: Classifier | None = None  # None when no examples are bundled
    lexicon: Lexicon | None = None  # None when there is no glossary
    hearings: HearingBook | None = None
    clock: Clock = field(default_factory=Clock)
    handoffs: HandoffDesk | None = None  # None: no operators answer in the chat
    enrolments: Enrolments | None = None
    relatives: RelativeLinks | None = None  # copies of reminders for a relative
    metrics: Metrics | None = None  # None: nothing is counted (the content check, tools)
    coordination: Coordination = field(default_factory=Coordination)  # locks, flood, pace
    sms: SmsPeople | None = None  # None: no SMS provider is configured
    speech: Speech | None = None  # None: 🔊 Listen says listening is not available
    # The classifier still being trained (or read from disk) after the bot started answering.
    classifier_coming: asyncio.Future[Classifier | None] | None = None

    async def ready_classifier(self) -> Classifier | None:
        """The classifier, waiting for it if the bot has only just started."""
        if self.classifier is None and self.classifier_coming is not None:
            self.classifier = await asyncio.shield(self.classifier_coming)
            self.classifier_coming = None
        return self.classifier


@dataclass
class Context:
    event: Event
    visit: Visit
    services: Services
    notices: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)  # files made by this event
    listen: bool = False  # 🔊 pressed: the screen goes out as voice too

    @property
    def language(self) -> str:
        return self.visit.profile.language or self.services.settings.default_language

    @property
    def gettext(self) -> Gettext:
        return gettext_for(self.language)

    @property
    def place(self):
        return self.visit.place

    @property
    def consented(self) -> bool:
        return self.visit.consented(CONSENT_VERSION)

    @property
    def onboarded(self) -> bool:
        """The person chose a language and answered the consent notice (either way)."""
        profile = self.visit.profile
        return profile.language is not None and (self.consented or profile.declined)

    @property
    def reads_aloud(self) -> bool:
        """The person chose "read every screen aloud" (kept only with their consent)."""
        return self.consented and self.visit.profile.read_aloud

    def go(self, ref: str) -> None:
        self.visit.place.go(ref)

    def back(self) -> None:
        self.visit.place.back()

    def home(self) -> None:
        self.visit.place.home()

    def notice(self, text: str) -> None:
        self.notices.append(text)

    async def forget_person(self) -> None:
        """Delete all that is stored about this person (answers included) and withdraw their
        consent: from now on they are remembered in memory only, as someone who declined."""
        visit = self.visit
        if visit.stored:
            await self.services.store.forget(visit.channel, visit.user_id)
            visit.place.data.clear()
            visit.stored = False
        profile = visit.profile
        profile.consent_version = profile.consent_at = profile.created_at = None
        profile.declined = True
