"""What happens when someone types instead of pressing a button, on a screen that does not
ask for text: a question about a word ("что такое госпошлина") gets its meaning; a problem in
their own words ("муж не платит алименты", or just "алименты") opens the right pathway, guide or
service when the classifier is sure; a lone court word the classifier cannot place gets its
meaning; otherwise the best three topics are offered as buttons. The bot never answers a
question it did not understand, never repeats the text back, and does not keep it.

Screen: `suggest:<id>+<id>+<id>`.
"""

from __future__ import annotations

import logging
import re

from bot.services.conversation.context import Context, Services
from bot.services.conversation.registry import Registry, View
from bot.services.enrolment import looks_like_code
from bot.services.flows.onboarding import NEXT_KEY
from bot.services.flows.topics import topic_choice, topic_ref
from bot.services.understanding.classifier import UNKNOWN, Classifier, Understanding

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 3
LANGUAGE_NOTED = "language_noted"  # in the person's data: told once how to switch language
_WORDS = re.compile(r"[^\W\d_]{2,}")  # words of two letters or more


def register(registry: Registry) -> None:
    @registry.text_input("*")
    async def typed(ctx: Context, text: str) -> bool:
        lexicon, classifier = ctx.services.lexicon, await ctx.services.ready_classifier()
        if code := looks_like_code(text):  # a call centre's one-time code, read out on the phone
            if ctx.onboarded:
                ctx.go(f"enrol:{code}")
            else:
                ctx.place.data[NEXT_KEY] = f"enrol:{code}"
            return True
        if not ctx.onboarded:
            _remember_for_after_onboarding(ctx, text, classifier)
            return True  # the language choice or the consent notice comes first
        term = lexicon.look_up(text) if lexicon else None
        if term is not None and (classifier is None or lexicon.asks_meaning(text)):
            ctx.go(f"term:{term.id}")
            return True
        if classifier is None:
            return False
        understood = classifier.understand(text)
        log.info("typed text understood as %s (%.2f)", understood.intent, understood.confidence)
        await ctx.services.stats.explorer(ctx.event.channel, ctx.language, understood.intent,
                                          "typed", _band(understood))
        _note_language(ctx, text, understood)
        topic = ctx.services.content.topic(understood.intent)
        if understood.intent != UNKNOWN and topic is not None:
            ctx.notice(ctx.gettext("I think this is about: {topic}.").format(
                topic=topic.title(ctx.language)))
            ctx.go(topic_ref(topic, ctx.services.content))
            return True
        if term is not None:  # one court word, and no topic stands out: say what it means
            ctx.go(f"term:{term.id}")
            return True
        suggestions = [topic_id for topic_id in understood.alternatives
                       if ctx.services.content.topic(topic_id)][:MAX_SUGGESTIONS]
        if not suggestions:
            return False  # not something we help with: "I didn't understand" and the screen
        ctx.go("suggest:" + "+".join(suggestions))
        return True

    @registry.screen("suggest", accepts=_accepts_suggestions)
    def suggest(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        options = [choice for topic_id in argument.split("+")
                   if (choice := topic_choice(ctx, topic_id)) is not None]
        return View(
            text=_("I'm not sure I understood. Is it one of these? If not, open the menu or "
                   "press “👤 Person”."),
            options=options,
        )


def _remember_for_after_onboarding(ctx: Context, text: str,
                                   classifier: Classifier | None) -> None:
    """Someone whose first message is their problem ("алименты") is asked their language and
    consent first, then taken to the topic, as a deep link would."""
    understood = classifier.understand(text) if classifier else None
    topic = ctx.services.content.topic(understood.intent) if understood else None
    if topic is not None:
        ctx.place.data[NEXT_KEY] = topic_ref(topic, ctx.services.content)


def _note_language(ctx: Context, text: str, understood: Understanding) -> None:
    """Answer in the language the person chose; the first time they write a sentence in the
    other one, tell them how to switch (many people mix both languages, so only once; a number,
    an emoji or a lone word says nothing about the language)."""
    if len(_WORDS.findall(text)) < 2:
        return
    if understood.language != ctx.language and not ctx.place.data.get(LANGUAGE_NOTED):
        ctx.place.data[LANGUAGE_NOTED] = True
        ctx.notice(ctx.gettext(
            "You wrote in another language. To switch, press the 🌐 button in the menu."))


def _band(understood: Understanding) -> str:
    """How sure the classifier was, in a few coarse bands: enough for the staff's statistics."""
    if understood.intent == UNKNOWN:
        return "unsure"
    return "sure" if understood.confidence >= 0.8 else "fairly_sure"


def _accepts_suggestions(services: Services, argument: str) -> bool:
    ids = argument.split("+") if argument else []
    return 0 < len(ids) <= MAX_SUGGESTIONS and all(services.content.topic(topic_id)
                                                    for topic_id in ids)
