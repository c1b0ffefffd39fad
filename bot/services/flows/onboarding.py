"""First contact: choose a language, then answer the consent notice; deep links wait for both."""

from __future__ import annotations

from bot.services import relatives
from bot.services.clock import utc_now
from bot.services.conversation.context import CONSENT_VERSION, Context
from bot.services.conversation.engine import StaleChoice
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.enrolment import DEEP_LINK_PREFIX, normalise_code
from bot.services.i18n import LANGUAGES, N_, gettext_for, normalize_language

LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}
LANGUAGE_PROMPT = N_("Please choose your language.")
HELP_WORD = N_("Help")
NEXT_KEY = "next"  # where to go once onboarding is done (a deep link's screen)


def _help_in_both(order: list[str]) -> Choice:
    """Before a language is chosen, help is offered in both («👤 Көмек / Помощь»)."""
    return Choice("go:human", "👤 " + " / ".join(gettext_for(code)(HELP_WORD) for code in order))


def register(registry: Registry) -> None:
    @registry.screen("language", access=Access.onboarding)
    def language(ctx: Context, _argument: str) -> View:
        guess = normalize_language(ctx.event.language_hint) or ctx.language
        order = sorted(LANGUAGES, key=lambda code: code != guess)
        return View(
            # Both languages at once: the person may not read the one we guessed.
            text="\n".join(gettext_for(code)(LANGUAGE_PROMPT) for code in order),
            options=[*(Choice(f"lang:{code}", LANGUAGE_NAMES[code]) for code in order),
                     *([] if ctx.onboarded else [_help_in_both(order)])],
            back=ctx.onboarded,
            menu=ctx.onboarded,
            human=ctx.onboarded,
        )

    @registry.screen("consent", access=Access.onboarding)
    def consent(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_(
                "Before we start. I need to save your language, your answers, the hearings you "
                "add and your chats with the call centre. Why: to answer you and remind you of "
                "hearings. Who sees it: only this service, and call-centre operators when you "
                "write to them. How long: until you delete it in “My data”; if you stop "
                "writing, {days} days after your last message, once your hearings have passed. "
                "I don't ask for your name.\n\nIf you say no, you can still read all the "
                "information, and nothing about you is saved."
            ).format(days=ctx.services.settings.inactive_user_days),
            options=[
                Choice("consent:yes", _("✅ I agree")),
                Choice("consent:no", _("❌ No, save nothing")),
            ],
            menu=ctx.onboarded,
        )

    @registry.screen("consent_needed", accepts=lambda services, target: bool(target))
    def consent_needed(ctx: Context, _target: str) -> View:
        _ = ctx.gettext
        return View(
            text=_(
                "This part needs to save your answers. You chose not to save anything. "
                "Do you agree to save them now? You can delete them later in “My data”."
            ),
            options=[Choice("consent:yes", _("✅ I agree"))],
        )

    @registry.action("lang")
    async def choose_language(ctx: Context, code: str) -> None:
        if code not in LANGUAGES:
            raise StaleChoice(code)
        was_new = ctx.visit.profile.language is None
        ctx.visit.profile.language = code
        if ctx.onboarded:
            if ctx.place.screen == "language":
                ctx.back()  # switching language keeps the person where they were
        elif was_new or ctx.place.screen == "language":
            ctx.go(_notice_screen(registry, ctx))  # Back from it returns to the language choice

    @registry.action("consent")
    async def answer_consent(ctx: Context, answer: str) -> None:
        profile = ctx.visit.profile
        if answer == "yes":
            profile.consent_version, profile.consent_at = CONSENT_VERSION, utc_now()
            profile.declined = False
            ctx.notice(ctx.gettext("Thank you. You can delete your data at any time."))
        elif answer == "no":
            await ctx.forget_person()  # e.g. no to a newer notice: what was kept goes now
            ctx.notice(ctx.gettext(
                "Understood: nothing about you is saved. Everything to read is open to you."
            ))
        else:
            raise StaleChoice(answer)
        _continue_after_consent(ctx)

    @registry.command("start")
    async def start(ctx: Context, argument: str) -> None:
        target = _deep_link_target(registry, argument)
        if ctx.onboarded:
            ctx.home()
            if target:
                ctx.go(target)
            return
        if target:
            ctx.place.data[NEXT_KEY] = target
        ctx.place.screen = "language" if ctx.visit.profile.language is None \
            else _notice_screen(registry, ctx)

    @registry.command("language", "lang", "til", "yazyk")
    async def language_command(ctx: Context, _argument: str) -> None:
        ctx.go("language")


def _continue_after_consent(ctx: Context) -> None:
    screen, _, target = ctx.place.screen.partition(":")
    if screen == "consent_needed" and target:
        ctx.place.screen = target  # back to what the person was opening
        return
    next_screen = ctx.place.data.pop(NEXT_KEY, None)
    ctx.home()
    if next_screen:
        ctx.go(next_screen)


def _notice_screen(registry: Registry, ctx: Context) -> str:
    """The consent notice, or the deep link's own screen when it asks for consent itself (a
    relative's invitation says what a relative agrees to)."""
    target = ctx.place.data.get(NEXT_KEY)
    definition = registry.find_screen(target) if target else None
    return target if definition and definition.access == Access.onboarding else "consent"


def _deep_link_target(registry: Registry, argument: str) -> str | None:
    """`/start family-alimony` -> the screen that topic opens, if there is one;
    `/start enrol-K7QP3MZD` (a call centre's one-time code) -> that enrolment."""
    if not argument:
        return None
    argument = argument.strip()
    if argument.lower().startswith(DEEP_LINK_PREFIX):
        code = normalise_code(argument[len(DEEP_LINK_PREFIX):])
        return f"enrol:{code}" if code else None
    if argument.lower().startswith(relatives.DEEP_LINK_PREFIX):  # a relative's invitation
        code = relatives.normalise_code(argument[len(relatives.DEEP_LINK_PREFIX):])
        return f"rel:{code}" if code else None
    return registry.deep_links.get(argument.lower())
