"""“My data”: what is kept about the person, and deleting all of it after one confirmation."""

from __future__ import annotations

from bot.services.addresses import ALIAS_PREFIX
from bot.services.clock import format_moment
from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Attachment, Choice
from bot.services.flows.hearing_form import owner_id
from bot.services.flows.onboarding import LANGUAGE_NAMES
from bot.services.personal_data import FILENAME, as_file, export_person
from bot.services.sms.phones import mask


def register(registry: Registry) -> None:
    @registry.screen("mydata", personal=True)
    async def my_data(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        if not ctx.consented:
            return View(
                text=_(
                    "I keep nothing about you: you chose not to save data. I remember your "
                    "language only until the bot restarts."
                ),
                options=[Choice("consent:yes", _("✅ Allow saving"))],
            )
        profile = ctx.visit.profile
        owner = await owner_id(ctx)
        hearings = await ctx.services.hearings.count(owner) if owner else 0
        kept = _(
            "What I keep about you:\n• language: {language}\n• where you are in the bot "
            "and your answers\n• when you agreed: {agreed}"
        ).format(
            language=LANGUAGE_NAMES[ctx.language],
            agreed=format_moment(profile.consent_at, ctx.language) if profile.consent_at
            else "—",
        )
        if hearings:
            kept += "\n" + _("• your hearings ({count}): case numbers, courts, dates and "
                             "reminders").format(count=hearings)
        chats = await ctx.services.handoffs.count(owner) if owner and ctx.services.handoffs \
            else 0
        if chats:
            kept += "\n" + _("• your chats with call-centre operators ({count}) and what you "
                             "wrote in them").format(count=chats)
        sms_number = await ctx.services.sms.copy_number(owner) \
            if owner and ctx.services.sms else None
        if sms_number:
            kept += "\n" + _("• your number for SMS copies of reminders: {phone}").format(
                phone=mask(sms_number))
        given, received = await ctx.services.relatives.counts(owner) \
            if owner and ctx.services.relatives else (0, 0)
        if given:
            kept += "\n" + _("• relatives who get copies of your reminders ({count}): their "
                             "messenger and the name they see").format(count=given)
        if received:
            kept += "\n" + _("• copies of a relative's reminders that you get ({count})").format(
                count=received)
        # WhatsApp names a person by phone number when it sends no business-scoped id: then
        # the number is what is kept, and the screen must say so.
        by_phone = ctx.visit.user_id.startswith(ALIAS_PREFIX)
        promise = _("I keep your WhatsApp number: WhatsApp gives no other way to write to you. "
                    "I don't keep your name. The data is used only to answer you.") if by_phone \
            else _("I don't keep your name. Your phone number is kept only for the SMS copies. "
                   "The data is used only to answer you.") if sms_number \
            else _("I don't keep your name or phone number. The data is used only to answer "
                   "you.")
        return View(
            text=kept + "\n\n" + promise,
            options=[*([Choice("go:hearings", _("📅 My hearings"))] if hearings else []),
                     *([Choice("go:relatives", _("👪 Copies for a relative"))] if given else []),
                     *([Choice("go:copies", _("👪 Copies I get"))] if received else []),
                     _read_aloud_choice(ctx),
                     Choice("data:export", _("📄 Send me my data")),
                     Choice("go:mydata_delete", _("🗑 Delete all my data"))],
        )

    @registry.screen("mydata_delete", access=Access.personal)
    def confirm_delete(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_("Delete everything I keep about you? This cannot be undone."),
            options=[
                Choice("data:delete", _("🗑 Yes, delete")),
                Choice("back", _("No, keep it")),
            ],
        )

    @registry.action("data")
    async def my_data_action(ctx: Context, what: str) -> None:
        _ = ctx.gettext
        if what == "export" and ctx.consented:
            await _send_export(ctx)
            return
        if what in ("aloud_on", "aloud_off") and ctx.consented:
            ctx.visit.profile.read_aloud = what == "aloud_on"
            ctx.notice(_("Done: I will read every screen aloud.") if what == "aloud_on"
                       else _("Done: I will not read screens aloud. Press 🔊 when you want "
                              "to listen."))
            return
        if what != "delete" or not ctx.consented:
            ctx.home()
            return
        owner = await owner_id(ctx)
        if owner and ctx.services.sms is not None:
            await ctx.services.sms.forget_copies_of(owner)  # their SMS number goes too
        await ctx.forget_person()
        ctx.notice(_("Done: your settings, answers, hearings, reminders and chats with operators "
                     "are deleted. I keep nothing about you now."))
        ctx.home()


def _read_aloud_choice(ctx: Context) -> Choice:
    """The setting "read every screen aloud", kept with the profile (so only with consent)."""
    _ = ctx.gettext
    if ctx.visit.profile.read_aloud:
        return Choice("data:aloud_off", _("🔇 Stop reading screens aloud"),
                      short=_("🔇 Don't read aloud"))
    return Choice("data:aloud_on", _("🔊 Read every screen aloud"), short=_("🔊 Read aloud"))


async def _send_export(ctx: Context) -> None:
    _ = ctx.gettext
    services = ctx.services
    document = await export_person(services.store.sessions, ctx.event.channel,
                                   ctx.event.user_id, services.clock.now())
    if document is None:
        ctx.notice(_("I keep nothing about you yet."))
        return
    ctx.attachments.append(Attachment(FILENAME, as_file(document), "application/json",
                                      _("Everything I keep about you.")))
    ctx.notice(_("Here is everything I keep about you, as a file."))
