"""“👪 A relative gets copies”: both sides of a relative link (bot/services/relatives.py).

The citizen: `relatives` (who gets copies, and stopping it) → `rel_scope` (all hearings, or
one) → `rel_name:<all|id>` (the name the relative will see, or skip) → `rel_made:<link>` (the
invitation to forward: a Telegram link, a WhatsApp text, the code).
The relative: `/start rel-<code>` opens `rel:<code>`, which stands in for the consent notice
(a newcomer chooses a language first): what they will get, what is kept, that either side can
stop it. `copies` lists what they get. `rel_stop:<link>` asks either side before stopping.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from bot.services.clock import format_moment, to_local
from bot.services.conversation.context import CONSENT_VERSION, Context
from bot.services.conversation.engine import StaleChoice
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.flows.hearing_form import ensure_owner, owner_id
from bot.services.flows.hearing_text import short_label, tiny_label
from bot.services.flows.onboarding import NEXT_KEY
from bot.services.kazakh import forms
from bot.services.relatives import DEEP_LINK_PREFIX, Link, OwnLink, clean_name, normalise_code

INVITATION = "rel_invitation"  # in the citizen's data: the code just made, shown once
SHOWN_HEARINGS = 5


def _scope_argument(_services: object, argument: str) -> bool:
    return argument == "all" or argument.isdigit()


def _is_id(_services: object, argument: str) -> bool:
    return argument.isdigit()


def _is_code(_services: object, argument: str) -> bool:
    return normalise_code(argument) == argument


def register(registry: Registry) -> None:
    personal = Access.personal

    # --- the citizen --------------------------------------------------------------------------

    @registry.screen("relatives", access=personal)
    async def relatives(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        ctx.place.data.pop(INVITATION, None)  # an invitation is shown once
        owner = await owner_id(ctx)
        links = await ctx.services.relatives.given(owner) if owner else []
        text = _("👪 A son, a daughter or a neighbour can get copies of your reminders on "
                 "their own Telegram or WhatsApp: the date, the court and the case number, and "
                 "news if the date changes. Nothing else: not your answers, not your chats.")
        if links:
            text += "\n\n" + _("Who gets copies now:") + "\n" + "\n".join(
                _given_line(ctx, link) for link in links)
        else:
            text += "\n\n" + _("Nobody gets copies now.")
        return View(text=text, options=[
            Choice("go:rel_scope", _("➕ Invite a relative")),
            *(_stop_choice(ctx, link) for link in links)])

    @registry.screen("rel_scope", access=personal)
    async def scope(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        owner = await owner_id(ctx)
        upcoming = await ctx.services.hearings.upcoming(owner) if owner else []
        return View(text=_("👪 Copies of which hearings? “All” includes the ones you add "
                           "later."),
                    options=[Choice("go:rel_name:all", _("📅 All my hearings")),
                             *(Choice(f"go:rel_name:{h.id}", short_label(ctx, h), tiny_label(h))
                               for h in upcoming[:SHOWN_HEARINGS])])

    @registry.screen("rel_name", access=personal, accepts=_scope_argument)
    def ask_name(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("✍️ How does your relative call you? Type it, for example «мама» or "
                           "«Гульнар апа». They will see it on each copy, to know whose hearing "
                           "it is. Or press “Skip”."),
                    options=[Choice(f"relmake:{argument}", _("⏭ Skip"))])

    @registry.text_input("rel_name")
    async def typed_name(ctx: Context, text: str) -> bool:
        argument = ctx.place.screen.partition(":")[2]
        await _make(ctx, argument, clean_name(text))
        return True

    @registry.action("relmake")
    async def make(ctx: Context, argument: str) -> None:
        await _make(ctx, argument, None)

    @registry.screen("rel_made", access=personal, accepts=_is_id)
    def made(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        invitation = ctx.place.data.get(INVITATION) or {}
        if str(invitation.get("link")) != argument:
            return View(text=_("I show a link only once, when it is made. Make a new one if you "
                               "need it."),
                        options=[Choice("go:rel_scope", _("➕ Invite a relative"))])
        return View(text=_invitation_text(ctx, invitation),
                    options=[Choice("go:relatives", _("👪 Who gets copies"))])

    # --- the relative -------------------------------------------------------------------------

    @registry.screen("rel", access=Access.onboarding, accepts=_is_code)
    async def invited(ctx: Context, code: str) -> View:
        _ = ctx.gettext
        service = ctx.services.relatives
        link = await service.find(code) if service else None
        if link is None:
            return View(text=_("This link no longer works: it was already used, or it is more "
                               "than {hours} hours old. Ask your relative for a new one.").format(
                hours=_hours(ctx)), menu=True)
        if link.citizen_id == await owner_id(ctx):
            return View(text=_("This is your own link. Send it to your relative: they open it "
                               "on their phone."),
                        options=[Choice("go:relatives", _("👪 Who gets copies"))])
        lines = [_("👪 Your relative invites you to get copies of their court hearing "
                   "reminders: {scope}.").format(scope=_their_scope(ctx, link))]
        if link.name:
            lines.append(_("👤 Whose: «{name}»").format(name=link.name))
        lines.append(_(
            "You will get the date, the court and the case number, and news if the date "
            "changes. Nothing else about them. To send them I keep your language and your "
            "account on this messenger; I don't ask your name. The copies stop when you or "
            "your relative stop them, or when you delete your data in “My data”. If you use "
            "the bot yourself, I also keep your answers there."))
        return View(text="\n\n".join(lines),
                    options=[Choice(f"relok:{code}", _("✅ I agree")),
                             Choice("relno", _("❌ No, thank you"))],
                    menu=ctx.onboarded)

    @registry.action("relok")
    async def accept(ctx: Context, code: str) -> None:
        _ = ctx.gettext
        service = ctx.services.relatives
        if not _is_code(None, code) or service is None:
            raise StaleChoice(code)
        ctx.place.data.pop(NEXT_KEY, None)
        if await service.find(code) is None:
            ctx.go(f"rel:{code}")  # says it no longer works
            return
        if not ctx.consented:  # agreeing here is agreeing to be stored, for the copies
            profile = ctx.visit.profile
            profile.consent_version, profile.consent_at = CONSENT_VERSION, ctx.services.clock.now()
            profile.declined = False
        relative_id = await ensure_owner(ctx)
        try:
            link = await service.accept(code, relative_id) if relative_id else None
        except OwnLink:
            ctx.home()
            ctx.go(f"rel:{code}")
            return
        ctx.home()
        if link is None:
            ctx.go(f"rel:{code}")
            return
        ctx.notice(_("✅ Done: copies of the reminders will come here. You can stop them at any "
                     "time, under any copy or here."))
        ctx.go("copies")

    @registry.action("relno")
    async def decline(ctx: Context, _argument: str) -> None:
        _ = ctx.gettext
        ctx.place.data.pop(NEXT_KEY, None)
        if not ctx.onboarded:
            ctx.visit.profile.declined = True
            ctx.notice(_("Understood: no copies, and nothing about you is saved. Everything to "
                         "read is open to you."))
        else:
            ctx.notice(_("Understood: no copies will come."))
        ctx.home()

    @registry.screen("copies", access=personal)
    async def copies(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        me = await owner_id(ctx)
        links = await ctx.services.relatives.received(me) if me else []
        if not links:
            return View(text=_("👪 You get no copies of anyone's reminders. A relative can "
                               "invite you from “📅 My court hearings” in this bot."))
        lines = [_received_line(ctx, link) for link in links]
        return View(text=_("👪 Copies of reminders you get:") + "\n" + "\n".join(lines),
                    options=[_stop_choice(ctx, link, mine=False) for link in links])

    # --- either side --------------------------------------------------------------------------

    @registry.screen("rel_stop", access=personal, accepts=_is_id)
    async def confirm_stop(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        link = await _find(ctx, int(argument))
        if link is None:
            return View(text=_("This is already stopped."),
                        options=[Choice("go:relatives", _("👪 Who gets copies"))])
        me = await owner_id(ctx)
        if link.relative_id == me:
            text = _("Stop the copies of your relative's reminders? You will get nothing more "
                     "about their hearings. They can invite you again.")
        elif link.accepted:
            text = _("Stop the copies for this relative? They will get nothing more. You can "
                     "invite them again with a new link.")
        else:
            text = _("Cancel this link? Nobody will be able to use it.")
        return View(text=text, options=[Choice(f"relstop:{link.id}", _("🔕 Yes, stop")),
                                        Choice("back", _("No, keep it"))])

    @registry.action("relstop")
    async def stop(ctx: Context, argument: str) -> None:
        me = await owner_id(ctx)
        link = await ctx.services.relatives.stop(int(argument), me) \
            if me and argument.isdigit() else None
        ctx.home()
        if link is None:
            ctx.go("copies")
            return
        if link.relative_id and ctx.services.sms is not None:
            # A relative enrolled by SMS for these copies alone: their number is not kept.
            await ctx.services.sms.forget_if_unused(link.relative_id)
        ctx.notice(ctx.gettext("🔕 Stopped: no more copies."))
        ctx.go("copies" if link.relative_id == me else "relatives")


async def copy_button(ctx: Context, what: str, argument: str) -> None:
    """A button under a copy ("rem:copy…/<link id>"), answered below it."""
    if what == "copystop" and argument.isdigit():
        ctx.go(f"rel_stop:{argument}")
    elif what == "copyhelp":
        ctx.go("human")
    else:
        ctx.go("copies")


# --- inside ---------------------------------------------------------------------------------

async def _make(ctx: Context, argument: str, name: str | None) -> None:
    """A new invitation, shown once on `rel_made`."""
    owner = await owner_id(ctx)
    if owner is None:
        ctx.go("relatives")  # asks for consent first
        return
    hearing_id = int(argument) if argument.isdigit() else None
    invitation = await ctx.services.relatives.invite(owner, hearing_id, name) \
        if argument == "all" or hearing_id else None
    if invitation is None:
        raise StaleChoice(argument)
    hearing = await ctx.services.hearings.get(owner, hearing_id) if hearing_id else None
    ctx.place.data[INVITATION] = {
        "link": invitation.link_id, "code": invitation.code,
        "expires": invitation.expires_at.isoformat(),
        "hearing_at": hearing.starts_at.isoformat() if hearing else None}
    ctx.notice(ctx.gettext("✅ Ready. Forward this message to your relative, or copy the link "
                           "into a message to them."))
    ctx.go(f"rel_made:{invitation.link_id}")


def _invitation_text(ctx: Context, invitation: dict) -> str:
    _ = ctx.gettext
    settings = ctx.services.settings
    code = invitation["code"]
    hearing_at = invitation.get("hearing_at")
    scope = _("my hearing on {date}").format(date=_day(datetime.fromisoformat(hearing_at))) \
        if hearing_at else _("all my hearings")
    command = f"/start {DEEP_LINK_PREFIX}{code}"
    lines = [_("👪 Please get copies of my court hearing reminders ({scope}). Open the link "
               "and press “✅ I agree”:").format(scope=scope)]
    if settings.telegram_bot_username:
        lines.append(f"Telegram: https://t.me/{settings.telegram_bot_username}"
                     f"?start={DEEP_LINK_PREFIX}{code}")
    if settings.whatsapp_public_number:
        lines.append(f"WhatsApp: https://wa.me/{settings.whatsapp_public_number}"
                     f"?text={quote(command)}")
    lines.append(_("Or send the bot this message: {command}").format(command=command))
    if ctx.services.sms is not None:  # a relative without a messenger: SMS, by the call centre
        spoken = "-".join(code[i:i + 4] for i in range(0, len(code), 4))
        phone = settings.call_centre_phone
        lines.append(_("No Telegram or WhatsApp? Call the call centre at {phone} and read out "
                       "the code {code}: the copies will come by SMS.").format(
            phone=phone, code=spoken) if phone else _(
            "No Telegram or WhatsApp? Call the court's call centre and read out the code "
            "{code}: the copies will come by SMS.").format(code=spoken))
    lines.append(_("The link works once, until {date}.").format(**forms(
        "date", format_moment(datetime.fromisoformat(invitation["expires"]), ctx.language),
        ctx.language)))
    return "\n".join(lines)


async def _find(ctx: Context, link_id: int) -> Link | None:
    me = await owner_id(ctx)
    if me is None:
        return None
    mine = [*await ctx.services.relatives.given(me), *await ctx.services.relatives.received(me)]
    return next((link for link in mine if link.id == link_id), None)


def _hours(ctx: Context) -> str:
    hours = ctx.services.relatives.valid_hours if ctx.services.relatives else 72
    return f"{hours:g}"


def _channel_name(ctx: Context, channel: str | None) -> str:
    names = {"telegram": "Telegram", "whatsapp": "WhatsApp", "sms": "SMS"}
    return names.get(channel or "", ctx.gettext("this bot"))


def _day(moment: datetime | None) -> str:
    return f"{to_local(moment):%d.%m.%Y}" if moment else "—"


def _your_scope(ctx: Context, link: Link) -> str:
    _ = ctx.gettext
    if link.hearing_id is None:
        return _("all your hearings")
    return _("the hearing on {date}").format(date=_day(link.hearing_starts_at))


def _their_scope(ctx: Context, link: Link) -> str:
    _ = ctx.gettext
    if link.hearing_id is None:
        return _("all their hearings")
    return _("the hearing on {date}").format(date=_day(link.hearing_starts_at))


def _given_line(ctx: Context, link: Link) -> str:
    _ = ctx.gettext
    if not link.accepted:
        line = _("• a link not yet opened, {scope}, until {date}").format(
            scope=_your_scope(ctx, link),
            **forms("date", format_moment(link.expires_at, ctx.language), ctx.language))
    else:
        line = _("• on {channel}, {scope}, since {date}").format(
            channel=_channel_name(ctx, link.relative_channel), scope=_your_scope(ctx, link),
            **forms("date", _day(link.used_at), ctx.language))
    return line + (f" («{link.name}»)" if link.name else "")


def _received_line(ctx: Context, link: Link) -> str:
    _ = ctx.gettext
    whose = f"«{link.name}»" if link.name else ctx.gettext("a relative")
    return _("• {whose}: {scope}, since {date}").format(
        whose=whose, scope=_their_scope(ctx, link),
        **forms("date", _day(link.used_at), ctx.language))


def _stop_choice(ctx: Context, link: Link, mine: bool = True) -> Choice:
    _ = ctx.gettext
    if not mine:
        who = link.name or _("a relative")
        return Choice(f"go:rel_stop:{link.id}", "🔕 " + who, "🔕 " + who[:20])
    if not link.accepted:
        label = _("🗑 Link until {date}").format(
            **forms("date", f"{to_local(link.expires_at):%d.%m}", ctx.language))
        return Choice(f"go:rel_stop:{link.id}", label)
    label = f"🔕 {_channel_name(ctx, link.relative_channel)} · {_day(link.used_at)}"
    return Choice(f"go:rel_stop:{link.id}", label)
