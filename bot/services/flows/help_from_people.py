"""The way to a person, on every screen: who can help, by phone or in person, with sources."""

from __future__ import annotations

from bot.services.clock import format_day
from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View


def register(registry: Registry) -> None:
    @registry.screen("human", access=Access.onboarding)
    def human(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        settings = ctx.services.settings
        parts = [_(
            "A chat with a court operator right here is coming soon. People who can help now:"
        )]
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
        return View(text="\n\n".join(parts), human=False)
