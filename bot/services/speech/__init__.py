"""Screens read aloud: "🔊 Listen" on every screen, and "read every screen aloud" for people who
chose it (README "Listening to screens").

`Speech.voiced(screen)` gives the screen back with its voice (OGG/Opus) attached, or, when
listening is not possible, with a kind notice instead; nothing else ever breaks because of it.
What is read is the screen's spoken form (`spoken.py`): its notice, its text, then each
button by number, as the channels number them.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.conversation.screens import LISTEN, Attachment, Screen
from bot.services.i18n import N_, gettext_for
from bot.services.speech.cache import VoiceCache
from bot.services.speech.spoken import spoken
from bot.services.speech.synth import SpeechFailed, Synthesiser, Tools

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

VOICE_FILENAME = "voice.ogg"
VOICE_TYPE = "audio/ogg"
UNAVAILABLE = N_(
    "Sorry, listening is not available right now. The text is below; a person can also "
    "read it to you: press 👤."
)
FAILED = N_("Sorry, I could not read this screen aloud just now. Please try again later.")
BUTTONS = N_("Buttons.")
BUTTON = N_("Button {number}: {label}.")


class Speech:
    def __init__(self, synthesiser: Synthesiser, cache: VoiceCache | None = None,
                 enabled: bool = True) -> None:
        self.synthesiser = synthesiser
        self.cache = cache
        self.enabled = enabled

    @classmethod
    def from_settings(cls, settings: Settings, tools: Tools | None = None) -> Speech:
        tools = tools or Tools.find()
        speech = cls(Synthesiser(tools, settings.speech_words_per_minute),
                     VoiceCache(Path(settings.speech_cache_dir),
                                int(settings.speech_cache_mb * 1024 * 1024)),
                     settings.speech_enabled)
        if not settings.speech_enabled:
            log.info("speech: off (SPEECH_ENABLED=false); 🔊 Listen says it is not available")
        elif tools.missing:
            log.warning("speech: %s not installed; 🔊 Listen says listening is not available "
                        "(README 'Listening to screens')", " and ".join(tools.missing))
        return speech

    @classmethod
    def off(cls) -> Speech:
        """No speech at all (tools, the content check): the button answers kindly."""
        return cls(Synthesiser(Tools(None, None, None)), enabled=False)

    @property
    def available(self) -> bool:
        return self.enabled and self.synthesiser.available

    def script(self, screen: Screen) -> str:
        """Everything the voice says for this screen, in spoken form."""
        _ = gettext_for(screen.language)
        parts = [screen.notice, screen.text]
        options = [choice for choice in screen.numbered() if choice.id != LISTEN]
        if options:
            parts.append(_(BUTTONS))
            parts += [_(BUTTON).format(number=number, label=choice.label)
                      for number, choice in enumerate(options, 1)]
        return spoken("\n".join(part for part in parts if part), screen.language)

    async def voice(self, screen: Screen) -> bytes:
        """The screen's voice; made once per distinct text when nothing in it is personal."""
        text = self.script(screen)
        if screen.personal or self.cache is None:
            return await self.synthesiser.ogg_opus(text, screen.language)
        return await self.cache.get_or_make(
            screen.language, text, lambda: self.synthesiser.ogg_opus(text, screen.language))

    async def voiced(self, screen: Screen, asked: bool = True) -> Screen:
        """The screen with its voice; a person who pressed 🔊 (`asked`) is told kindly when
        there is none. Someone who reads every screen aloud just gets the text then."""
        _ = gettext_for(screen.language)
        if not self.available:
            return _with_notice(screen, _(UNAVAILABLE)) if asked else screen
        try:
            voice = await self.voice(screen)
        except (SpeechFailed, OSError) as error:
            log.warning("speech failed: %s", error)
            return _with_notice(screen, _(FAILED)) if asked else screen
        return dataclasses.replace(screen, voice=Attachment(VOICE_FILENAME, voice, VOICE_TYPE))


def _with_notice(screen: Screen, notice: str) -> Screen:
    return dataclasses.replace(
        screen, notice=f"{screen.notice}\n{notice}" if screen.notice else notice)
