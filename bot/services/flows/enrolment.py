"""A caller enrolled by the call centre opens their one-time code here: `/start enrol-K7QP3MZD`
from the link, or the code typed ("K7QP-3MZD"). The language choice and the consent notice come
first, as for any deep link; then the person sees the hearing and agrees to the reminders.
Nothing is stored or sent before they press "yes".

Screen: `enrol:<code>`. Action: `enrolok:<code>`.
"""

from __future__ import annotations

from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.enrolment import draft_of, normalise_code, shown
from bot.services.flows.hearing_text import describe


def register(registry: Registry) -> None:
    @registry.screen("enrol", access=Access.personal,
                     accepts=lambda _s, code: normalise_code(code) == code)
    async def enrol(ctx: Context, code: str) -> View:
        _ = ctx.gettext
        enrolments = ctx.services.enrolments
        enrolment = await enrolments.find(code) if enrolments else None
        if enrolment is None:
            return View(text=_(
                "The code {code} is not valid: it was already used, or it has expired. Please "
                "ask the court call centre for a new one.").format(code=shown(code)))
        return View(
            text=_("The court call centre has registered your hearing:") + "\n\n"
            + describe(ctx, draft_of(enrolment.hearing)) + "\n\n"
            + _("Shall I remind you 7 days, 1 day and 2 hours before? If the court's schedule "
                "changes, I will tell you."),
            options=[Choice(f"enrolok:{code}", _("✅ Yes, remind me")),
                     Choice("menu", _("❌ No, thank you"))],
        )

    @registry.action("enrolok")
    async def accept(ctx: Context, code: str) -> None:
        _ = ctx.gettext
        enrolments, book = ctx.services.enrolments, ctx.services.hearings
        user_id = await book.user_id(ctx.event.channel, ctx.event.user_id) \
            if enrolments and book and ctx.visit.stored else None
        hearing_id = await enrolments.redeem(code, user_id, book) if user_id else None
        if hearing_id is None:
            ctx.notice(_("This code can no longer be used. Please ask the call centre for a "
                         "new one."))
            ctx.home()
            return
        ctx.notice(_("Done: the reminders are on. You can change them here at any time."))
        ctx.home()
        ctx.go(f"hearing:{hearing_id}")
