"""“📱 SMS copies”: a citizen in the chat asks for their reminders by SMS too (for the day the
phone's internet is off), types their number, and can stop it here or by replying STOP.

What is kept is said before the number is asked for; the person's consent to the chat's notice
covers it, and "My data" shows, exports and deletes it. A typed number may be a stranger's (a
slip of a finger): no reminder goes there until the code SMS'd to it is typed back."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.flows.hearing_form import ensure_owner, owner_id
from bot.services.sms.phones import mask, normalise_phone

CHECK = "sms_check"  # in the conversation's (sealed) data while the code is awaited
CODE_VALID = timedelta(minutes=15)
MOST_TRIES = 5


def _hash(code: str, number: str) -> str:
    return hashlib.sha256(f"{number}:{code}".encode()).hexdigest()


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
        code = await people.send_check_code(number, ctx.language)
        if code is None:
            ctx.notice(_("I could not send an SMS just now. Please try again in a few minutes."))
            return True
        ctx.place.data[CHECK] = {"number": number, "hash": _hash(code, number), "tries": 0,
                                 "until": (ctx.services.clock.now() + CODE_VALID).isoformat()}
        ctx.go("h_sms_code")
        return True

    @registry.screen("h_sms_code", access=personal)
    def ask_code(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        check = ctx.place.data.get(CHECK)
        if not check:
            return View(text=_("That code is no longer valid. Type the number again to get a "
                               "new one."), options=[Choice("go:h_sms_number",
                                                            _("✏️ Another number"))])
        return View(text=_("📨 I sent a 4-digit code by SMS to {phone}. Type it here, so I know "
                           "the phone is yours.").format(phone=mask(check["number"])),
                    options=[Choice("go:h_sms_number", _("✏️ Another number"))])

    @registry.text_input("h_sms_code")
    async def typed_code(ctx: Context, text: str) -> bool:
        _ = ctx.gettext
        check = ctx.place.data.get(CHECK)
        people = ctx.services.sms
        if not check or people is None:
            ctx.go("h_sms")
            return True
        expired = datetime.fromisoformat(check["until"]) < ctx.services.clock.now()
        typed = "".join(ch for ch in text if ch.isdigit())
        if expired or check["tries"] >= MOST_TRIES:
            ctx.place.data.pop(CHECK, None)
            ctx.notice(_("That code is no longer valid. Type the number again to get a new "
                         "one."))
            ctx.go("h_sms_number")
            return True
        if not hmac.compare_digest(_hash(typed, check["number"]), check["hash"]):
            check["tries"] += 1
            ctx.notice(_("That is not the code I sent. Please look at the SMS and type its 4 "
                         "digits."))
            return True
        owner = await ensure_owner(ctx)
        number = check["number"]
        ctx.place.data.pop(CHECK, None)  # the number is not kept in the conversation
        if owner is None:
            ctx.go("hearings")
            return True
        await people.add_copies(owner, number, ctx.language)
        ctx.notice(_("✅ Done: SMS copies will go to {phone}.").format(phone=mask(number)))
        ctx.go("h_sms")
        return True

    @registry.action("hsms")
    async def stop_copies(ctx: Context, what: str) -> None:
        owner = await owner_id(ctx)
        people = ctx.services.sms
        if what == "stop" and owner and people is not None:
            await people.stop_copies(owner)
            ctx.notice(ctx.gettext("🔕 SMS copies are off. Reminders still come here."))
        ctx.go("h_sms")
