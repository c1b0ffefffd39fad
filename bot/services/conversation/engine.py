"""The conversation engine: one Event in, the Screens to show out.

It loads where the person is, lets the registered feature handle the event, renders the screen
they end up on (paging long lists, adding Back / Main menu / Talk to a person) and saves.
Whatever goes wrong — a stale or forged button, a sticker, a database that is locked too long, a
bug in a feature — the person gets a kind answer and a way on, never silence.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from bot.services.conversation.context import CONSENT_VERSION, Context, Services
from bot.services.conversation.events import Event, EventKind
from bot.services.conversation.registry import Access, Registry, View, split_ref
from bot.services.conversation.screens import LISTEN, Choice, Screen
from bot.services.conversation.store import Profile, Visit
from bot.services.i18n import N_, gettext_for, normalize_language

log = logging.getLogger(__name__)

PAGE_SIZE = 6
MEDIA_NOTICE = N_(
    "I can't read stickers, voice messages, photos or files yet. Please use the buttons below."
)
# Every screen has a way to a person (the content check holds it), so the notices need not
# name a button that some screens call differently ("🙋 I'm stuck").
VOICE_NOTICE = N_(
    "I can't listen to voice messages yet. Please press a button below or type a few words."
)
FILE_NOTICE = N_(
    "I can't look at photos or files yet, so please don't send me your documents. Press a "
    "button below or type a few words."
)
MEDIA_NOTICES = {"voice": VOICE_NOTICE, "audio": VOICE_NOTICE, "video_note": VOICE_NOTICE,
                 "photo": FILE_NOTICE, "document": FILE_NOTICE, "video": FILE_NOTICE}
TEXT_NOTICE = N_("I didn't understand that. Please use the buttons below.")
EDITED_NOTICE = N_("I saw you edited a message. I answer only new messages; here is where we are.")
STALE_NOTICE = N_("That button is out of date. Here is the main menu.")
FAULT_NOTICE = N_("Sorry, something went wrong on our side. Please try again in a minute.")
SLOW_NOTICE = N_(
    "You are sending messages very fast, so I will pause for a minute. Then press a button "
    "or write again."
)
BUSY_NOTICE = N_(
    "Sorry, I can't save your answer right now. Please try again in a minute; your earlier "
    "answers are safe."
)


class StaleChoice(Exception):
    """A button whose id no feature understands (old, or forged)."""


class Conversation:
    def __init__(self, registry: Registry, services: Services) -> None:
        self.registry = registry
        self.services = services
        self._page_sizes: dict[str, int] = {}
        self._row_limits: dict[str, int] = {}

    def set_page_size(self, channel: str, size: int, rows: int | None = None) -> None:
        """Long lists are shown `size` options at a time on this channel (WhatsApp's lists hold
        10 rows, Back / Menu / Person / Listen and the two page turns included). With `rows`,
        a screen whose options and navigation fit in that many rows is not paged at all."""
        self._page_sizes[channel] = max(1, size)
        if rows is not None:
            self._row_limits[channel] = rows

    def _lock(self, channel: str, user_id: str):
        """One person's events one at a time, whichever instance they reach."""
        return self.services.coordination.locks.hold(f"{channel}:{user_id}")

    async def handle(self, event: Event) -> list[Screen]:
        """Answer one event. One person's events are handled one at a time, in order. Someone
        flooding the bot gets one "slow down" and then no answer for a while (an empty list)."""
        metrics = self.services.metrics
        flood = self.services.coordination.flood
        verdict = await flood.verdict(f"{event.channel}:{event.user_id}") if flood else "pass"
        if verdict != "pass":
            if metrics:
                metrics.flood.inc()
            return [self._fallback_screen(event, SLOW_NOTICE)] if verdict == "warn" else []
        if metrics:
            metrics.events.labels(event.channel, event.kind.value).inc()
        started = time.perf_counter()
        async with self._lock(event.channel, event.user_id):
            screens = await self._handle(event)
        if metrics:
            metrics.answer_seconds.labels(event.channel).observe(time.perf_counter() - started)
        return screens

    async def redraw(self, channel: str, user_id: str) -> Screen:
        """The screen the person is on, drawn again without changing anything: a channel that
        shows long lists a page at a time, or numbers the options, looks up what was meant."""
        async with self._lock(channel, user_id):
            event = Event(channel, user_id, EventKind.command, command="redraw")
            try:
                visit = await self.services.store.load(channel, user_id)
            except SQLAlchemyError:
                return self._fallback_screen(event, BUSY_NOTICE)
            ctx = Context(event, visit, self.services)
            self._guard_onboarding(ctx)
            try:
                return await self.render(ctx)
            except Exception:
                log.exception("redrawing a screen failed")
                return self._fallback_screen(event, FAULT_NOTICE, ctx.visit.profile.language)

    async def push(self, channel: str, user_id: str, choice: str) -> Screen:
        """Move a person as if they had pressed `choice`, for news that reaches them from
        outside (an operator's reply, a chat closed): the screen to send them. It does not count
        as the person writing (WhatsApp's 24-hour window stays as it was)."""
        event = Event(channel, user_id, EventKind.choice, choice=choice)
        async with self._lock(channel, user_id):
            return (await self._handle(event, touch=False))[-1]

    async def _handle(self, event: Event, touch: bool = True) -> list[Screen]:
        try:
            visit = await self.services.store.load(event.channel, event.user_id)
        except SQLAlchemyError as error:
            log.warning("could not load a conversation: %s", type(error).__name__)
            return [self._fallback_screen(event, BUSY_NOTICE)]

        ctx = Context(event, visit, self.services)
        try:
            await self._dispatch(ctx)
            screen = await self.render(ctx)
        except Exception:
            log.exception("a feature failed on a %s event", event.kind.value)
            return [self._fallback_screen(event, FAULT_NOTICE, ctx.visit.profile.language)]

        try:
            await self.services.store.save(ctx.visit, CONSENT_VERSION, seen_at=event.at,
                                           touch=touch)
        except SQLAlchemyError as error:
            log.warning("could not save a conversation: %s", type(error).__name__)
            return [self._fallback_screen(event, BUSY_NOTICE, ctx.language)]
        return [await self._read_aloud(ctx, screen)]

    async def _read_aloud(self, ctx: Context, screen: Screen) -> Screen:
        """The screen with its voice, for someone who pressed 🔊 Listen or reads every screen
        aloud (bot/services/speech/)."""
        if not (ctx.listen or ctx.reads_aloud):
            return screen
        speech = self.services.speech
        if speech is None:
            from bot.services.speech import Speech  # here: speech draws on screens.py

            speech = self.services.speech = Speech.off()
        return await speech.voiced(screen, asked=ctx.listen)

    async def _dispatch(self, ctx: Context) -> None:
        event = ctx.event
        if event.kind is EventKind.choice:
            await self._on_choice(ctx, event.choice)
        elif event.kind is EventKind.command:
            await self._on_command(ctx, event.command, event.argument)
        elif event.kind is EventKind.text and (keyword := self._keyword(event.text)):
            await keyword(ctx, event.text)
        elif event.kind is EventKind.text:
            handler = self.registry.text_inputs.get(split_ref(ctx.place.screen)[0])
            if handler is None or not await handler(ctx, event.text):
                await self._on_text_fallback(ctx, event.text)
        elif event.kind is EventKind.unsupported:
            ctx.notice(ctx.gettext(MEDIA_NOTICES.get(event.media, MEDIA_NOTICE)))
        elif event.kind is EventKind.edited:
            ctx.notice(ctx.gettext(EDITED_NOTICE))
        self._guard_onboarding(ctx)
        for hook in self.registry.after_event:
            hook(ctx)

    def _keyword(self, text: str):
        word = text.strip().strip(".!").casefold()
        return self.registry.keywords.get(word) if len(word) < 20 else None

    async def _on_choice(self, ctx: Context, choice: str) -> None:
        verb, argument = split_ref(choice)
        handler = self.registry.actions.get(verb)
        try:
            if handler is None:
                raise StaleChoice(choice)
            await handler(ctx, argument)
        except StaleChoice:
            log.info("stale or unknown button pressed")
            ctx.notice(ctx.gettext(STALE_NOTICE))
            ctx.home()

    async def _on_command(self, ctx: Context, command: str, argument: str) -> None:
        handler = self.registry.commands.get(command) or self.registry.commands.get("menu")
        if handler is not None:
            await handler(ctx, argument)

    async def _on_text_fallback(self, ctx: Context, text: str) -> None:
        fallback = self.registry.text_inputs.get("*")
        if fallback is None or not await fallback(ctx, text):
            ctx.notice(ctx.gettext(TEXT_NOTICE))

    def _guard_onboarding(self, ctx: Context) -> None:
        """Newcomers choose a language, then answer the consent notice, before anything else;
        screens that keep personal data ask for consent when it was declined."""
        profile = ctx.visit.profile
        if not self.registry.knows(ctx.place.screen, self.services):
            ctx.home()  # a screen that no longer exists, or a reference that never did
        definition = self.registry.find_screen(ctx.place.screen)
        if profile.language is None:
            # A newcomer's first message, whatever it was, opens the language choice; a notice
            # in a language they have not chosen would only confuse.
            ctx.notices.clear()
            ctx.place.screen = "language"
        elif not ctx.onboarded and definition and definition.access != Access.onboarding:
            ctx.place.screen = "consent"
        elif definition and definition.access == Access.personal and not ctx.consented:
            # Replace rather than push, so Back leads away instead of into this screen again.
            ctx.place.screen = f"consent_needed:{ctx.place.screen}"

    async def render(self, ctx: Context) -> Screen:
        if not self.registry.knows(ctx.place.screen, self.services):
            ctx.home()  # e.g. saved before an update removed that screen
        ref = ctx.place.screen
        view = self.registry.screens[split_ref(ref)[0]].render(ctx, split_ref(ref)[1])
        if inspect.isawaitable(view):  # screens that read the database (my hearings)
            view = await view
        return self._to_screen(ctx, ref, view)

    def compose(self, channel: str, user_id: str, language: str,
                write: Callable[[Context], View], name: str = "push") -> Screen:
        """A message the bot sends on its own (a reminder), drawn like any screen but without
        touching where the person is in the conversation."""
        visit = Visit(channel, user_id, Profile(language=language))
        ctx = Context(Event(channel, user_id, EventKind.command, command=name), visit,
                      self.services)
        # 🔊 would read the screen the person is on, not this message; those who read every
        # screen aloud get this one as voice from the dispatcher. It names their case: personal.
        return self._to_screen(ctx, name, write(ctx), listen=False, personal=True)

    def _to_screen(self, ctx: Context, ref: str, view: View, listen: bool = True,
                   personal: bool = False) -> Screen:
        nav = self._nav(ctx, view, listen, before_language=ref == "language" and not ctx.onboarded)
        options = list(view.options)
        channel = ctx.event.channel
        page_size = self._page_sizes.get(channel, PAGE_SIZE)
        fits = len(options) + len(nav) <= self._row_limits[channel] \
            if channel in self._row_limits else len(options) <= page_size + 1
        if not fits and view.columns == 1:
            options = self._page(ctx, options, page_size)
        return Screen(
            name=ref,
            language=ctx.language,
            text=view.text,
            choices=tuple(options),
            nav=tuple(nav),
            notice="\n".join(ctx.notices),
            attachments=tuple(ctx.attachments),
            columns=view.columns,
            template=view.template,
            personal=personal or self.registry.shows_personal(ctx, ref, view),
        )

    @staticmethod
    def _nav(ctx: Context, view: View, listen: bool, before_language: bool = False
             ) -> list[Choice]:
        _ = ctx.gettext
        nav: list[Choice] = []
        if view.back:
            nav.append(Choice("back", _("◀ Back")))
        if view.menu:
            nav.append(Choice("menu", _("🏠 Menu")))
        if view.human:
            nav.append(Choice("go:human", _("👤 Person")))
        if listen:
            nav.append(Choice(LISTEN, _listen_label(ctx) if before_language else _("🔊 Listen")))
        return nav

    def _page(self, ctx: Context, options: list[Choice], size: int) -> list[Choice]:
        _ = ctx.gettext
        pages = (len(options) + size - 1) // size
        page = min(max(int(ctx.place.data.get("page", 0)), 0), pages - 1)
        shown = options[page * size : (page + 1) * size]
        if page > 0:
            shown.append(Choice(f"page:{page - 1}", _("⬅ Previous")))
        if page < pages - 1:
            shown.append(Choice(f"page:{page + 1}", _("More ➡")))
        return shown

    def _fallback_screen(self, event: Event, notice: str, language: str | None = None) -> Screen:
        """A screen that needs no stored state, for when the database cannot be reached."""
        if self.services.metrics and notice in (BUSY_NOTICE, FAULT_NOTICE):
            self.services.metrics.faults.labels(
                "busy" if notice == BUSY_NOTICE else "bug").inc()
        language = language or normalize_language(event.language_hint) or (
            self.services.settings.default_language
        )
        ctx = Context(event, Visit(event.channel, event.user_id), self.services)
        ctx.visit.profile.language = language
        ctx.notice(gettext_for(language)(notice))
        view = self.registry.screens["menu"].render(ctx, "")
        return self._to_screen(ctx, "menu", view)


def _listen_label(ctx: Context) -> str:
    """Before a language is chosen, 🔊 is named in both («🔊 Слушать / Тыңдау»), the guessed
    language first, as the language screen itself is; the voice reads it in the guessed one."""
    guess = normalize_language(ctx.event.language_hint) or ctx.language
    order = sorted(("kk", "ru"), key=lambda code: code != guess)
    return "🔊 " + " / ".join(gettext_for(code)("🔊 Listen").removeprefix("🔊 ") for code in order)
