"""The way to a person, on every screen: a chat with a call-centre operator right here, or who
can help by phone or in person, with sources.

Screens: `human` (the choices), `human_chat` (the queue, or the chat with an operator: what the
person types here goes to the operator), `human_done:<id>` (the operator closed it: was it
helpful?). The console (bot/staff/) moves a person with `hand:show/<id>` and `hand:closed/<id>`
through `Conversation.push`; a forged press of either only shows what is true.
"""

from __future__ import annotations

from bot.services.clock import format_day
from bot.services.conversation.context import Context
from bot.services.conversation.engine import StaleChoice
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.i18n import N_
from bot.storage.models import Handoff

NOT_FROM = ("human", "human_chat", "consent_needed")  # not "where they were in the bot"
SEEN_BY_OPERATOR = N_(
    "The operator will see what you write, your language, your answers in the bot and your "
    "hearings. The chat is kept until you delete your data in “My data”."
)


def register(registry: Registry) -> None:
    @registry.screen("human", access=Access.onboarding)
    def human(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        settings = ctx.services.settings
        options = []
        parts = []
        if ctx.services.handoffs is not None:
            parts.append(_("You can write to an operator of the court call centre right here, "
                           "on working days, {hours} (Astana time). Or ask for help:").format(
                hours=ctx.services.handoffs.hours.describe()))
            options.append(Choice("go:human_chat", _("💬 Write to an operator"),
                                  _("💬 Operator")))
        else:
            parts.append(_("People who can help:"))
        if settings.call_centre_phone:
            line = _("📞 Court call centre: {phone}").format(phone=settings.call_centre_phone)
            if settings.call_centre_hours:
                line += f" ({settings.call_centre_hours})"
            if settings.call_centre_checked:
                line += " " + _("as of {date}").format(date=settings.call_centre_checked)
            parts.append(line)
        for contact in ctx.services.content.contacts:
            parts.append(
                "• " + contact.text(ctx.language) + "\n   "
                + _("Source: {source}. Checked: {date}.").format(
                    source=contact.source(ctx.language),
                    date=format_day(contact.checked, ctx.language),
                )
            )
        parts.append(_("Your court's phone number is on the courts' website sud.gov.kz."))
        return View(text="\n\n".join(parts), options=options, human=False)

    @registry.screen("human_chat", access=Access.personal)
    async def human_chat(ctx: Context, _argument: str) -> View:
        handoff = await _active(ctx)
        if handoff is None:
            return _before_asking(ctx)
        return await _in_queue_or_chat(ctx, handoff)

    @registry.screen("human_done", access=Access.personal, accepts=lambda _s, a: a.isdigit())
    def human_done(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_("The operator has ended the chat. You are back with the bot.\n\n"
                   "Did the operator help you?"),
            options=[Choice(f"hand:rate/{argument}/up", _("👍 Yes, it helped")),
                     Choice(f"hand:rate/{argument}/down", _("👎 No"))],
            back=False,
        )

    @registry.text_input("human_chat")
    async def write_to_operator(ctx: Context, text: str) -> bool:
        desk = ctx.services.handoffs
        if desk is None or not text.strip():
            return False
        handoff = await _active(ctx) or await _ask(ctx)
        if handoff is None:
            return False
        await desk.citizen_says(handoff.id, text.strip())
        ctx.notice(ctx.gettext("✓ Sent to the operator. The answer will come here."))
        return True

    @registry.action("hand")
    async def handoff_action(ctx: Context, argument: str) -> None:
        verb, _, rest = argument.partition("/")
        desk = ctx.services.handoffs
        if desk is None:
            raise StaleChoice(argument)
        if verb == "ask":
            await _ask(ctx)
            ctx.go("human_chat")
        elif verb == "show":
            ctx.go("human_chat")
        elif verb == "closed" and rest.isdigit():
            ctx.go(f"human_done:{rest}")
        elif verb == "leave" and rest.isdigit():
            user_id = await _user_id(ctx)
            if user_id is not None and await desk.leave(user_id, int(rest)):
                ctx.notice(ctx.gettext("You have left the queue. You can write to us again "
                                       "at any time."))
            ctx.home()
        elif verb == "rate":
            await _rate(ctx, rest)
        else:
            raise StaleChoice(argument)


def _before_asking(ctx: Context) -> View:
    _ = ctx.gettext
    desk = ctx.services.handoffs
    if desk is None:
        return View(text=_("A chat with an operator is not available now."), back=True)
    now = ctx.services.clock.now()
    if desk.hours.is_open(now):
        return View(
            text=_("An operator will answer you here, in this chat. Press the button to join "
                   "the queue, or just write your question.") + "\n\n" + _(SEEN_BY_OPERATOR),
            options=[Choice("hand:ask", _("✅ Join the queue"))], human=False)
    return View(
        text=_("The call centre is closed now. It opens on {day} at {time}. You can leave a "
               "message now: an operator will answer here after opening.").format(
            **_next_opening(ctx)) + "\n\n" + _(SEEN_BY_OPERATOR),
        options=[Choice("hand:ask", _("✉️ Leave a message"))], human=False)


async def _in_queue_or_chat(ctx: Context, handoff: Handoff) -> View:
    _ = ctx.gettext
    desk = ctx.services.handoffs
    if handoff.status == "open":
        name = await desk.operator_name(handoff) or _("Operator")
        lines = [_("{name} from the call centre is talking to you. Write your message here.")
                 .format(name=name)]
        for message in await desk.last_messages(handoff.id):
            who = f"👤 {name}" if message.author == "staff" else _("🙂 You")
            lines.append(f"{who}: {message.text}")
        return View(text="\n\n".join(lines),
                    options=[Choice(f"hand:leave/{handoff.id}", _("❌ End the chat"))],
                    human=False)
    if handoff.status == "callback":
        text = _("Your request is saved. The call centre opens on {day} at {time}, and an "
                 "operator will answer here. Write your question now, and your phone number "
                 "if you would like a call back.").format(**_next_opening(ctx))
    else:
        text = _("You are number {place} in the queue. An operator will write to you here. "
                 "While you wait, write your question in one message.").format(
            place=await desk.position(handoff))
    return View(text=text,
                options=[Choice(f"hand:leave/{handoff.id}", _("❌ Leave the queue"))],
                human=False)


def _next_opening(ctx: Context) -> dict[str, str]:
    """When the call centre opens next, for the "closed" screens: {day} and {time}."""
    hours = ctx.services.handoffs.hours
    return {"day": format_day(hours.next_opening(ctx.services.clock.now()), ctx.language),
            "time": hours.opening()}


async def _user_id(ctx: Context) -> int | None:
    if not ctx.visit.stored or ctx.services.hearings is None:
        return None
    return await ctx.services.hearings.user_id(ctx.event.channel, ctx.event.user_id)


async def _active(ctx: Context) -> Handoff | None:
    user_id = await _user_id(ctx)
    if user_id is None or ctx.services.handoffs is None:
        return None
    return await ctx.services.handoffs.active(user_id)


async def _ask(ctx: Context) -> Handoff | None:
    user_id = await _user_id(ctx)
    if user_id is None or ctx.services.handoffs is None:
        return None
    came_from = next((ref for ref in [ctx.place.screen, *reversed(ctx.place.stack)]
                      if ref.split(":")[0] not in NOT_FROM), "menu")
    return await ctx.services.handoffs.request(user_id, came_from)


async def _rate(ctx: Context, argument: str) -> None:
    handoff_id, _, rating = argument.partition("/")
    if not handoff_id.isdigit() or rating not in ("up", "down"):
        raise StaleChoice(argument)
    user_id = await _user_id(ctx)
    if user_id is not None:
        await ctx.services.handoffs.rate(user_id, int(handoff_id), rating)
    ctx.notice(ctx.gettext("Thank you for your answer."))
    ctx.home()
