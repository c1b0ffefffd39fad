"""“📱 SMS copies”: a citizen in the chat asks for their reminders by SMS too (for the day the
phone's internet is off), types their number, and can stop it here or by replying STOP.

What is kept is said before the number is asked for; the person's consent to the chat's notice
covers it, and "My data" shows, exports and deletes it."""

from __future__ import annotations

from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.flows.hearing_form import ensure_owner, owner_id
from bot.services.sms.phones import mask, normalise_phone


def register(registry: Registry) -> None:
    personal = Access.personal

    @registry.screen("h_sms", access=personal)
    async def sms_copies(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        back = Choice("go:hearings", _("📅 My hearings"))
        people = ctx.services.sms
        if people is None:
            return View(text=_("SMS copies are not available in this bot yet."), options=[back])
        owner = await owner_id(ctx)
        number = await people.copy_number(owner) if owner else None
        if number:
            return View(text=_(
                "📱 Copies of your reminders also go by SMS to {phone}. To stop them, press the "
                "button or reply STOP to any SMS.").format(phone=mask(number)),
                options=[Choice("hsms:stop", _("🔕 Stop SMS copies")),
                         Choice("go:h_sms_number", _("✏️ Another number")), back])
        return View(text=_(
            "📱 I can also send your reminders by SMS: 7 days, 1 day and 2 hours before, and "
            "if the date changes. For this I keep your phone number, encrypted, and use it for "
            "nothing else. You can stop at any time. Send SMS copies?"),
            options=[Choice("go:h_sms_number", _("📱 Yes, send SMS copies")), back])

    @registry.screen("h_sms_number", access=personal)
    def ask_number(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("✍️ Type your mobile number, for example +7 701 123 45 67."))

    @registry.text_input("h_sms_number")
    async def typed_number(ctx: Context, text: str) -> bool:
        _ = ctx.gettext
        people = ctx.services.sms
        number = normalise_phone(text)
        if people is None:
            ctx.go("h_sms")
            return True
        if number is None:
            ctx.notice(_("That is not a Kazakhstan mobile number. It has 11 digits and starts "
                         "with +7 7 or 8 7, like +7 701 123 45 67. Please type it again."))
            return True
        owner = await ensure_owner(ctx)
        if owner is None:
            ctx.go("hearings")
            return True
        await people.add_copies(owner, number, ctx.language)
        ctx.notice(_("✅ Done: SMS copies will go to {phone}.").format(phone=mask(number)))
        ctx.back()
        return True

    @registry.action("hsms")
    async def stop_copies(ctx: Context, what: str) -> None:
        owner = await owner_id(ctx)
        people = ctx.services.sms
        if what == "stop" and owner and people is not None:
            await people.stop_copies(owner)
            ctx.notice(ctx.gettext("🔕 SMS copies are off. Reminders still come here."))
        ctx.go("h_sms")
