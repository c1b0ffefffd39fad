"""The main menu: the six things a person can do."""

from __future__ import annotations

from bot.services.conversation.context import Context
from bot.services.conversation.registry import Registry, View
from bot.services.conversation.screens import Choice


def register(registry: Registry) -> None:
    @registry.screen("menu")
    def menu(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_("Main menu. What would you like to do? Press a button."),
            options=[
                Choice("go:explorer", _("⚖️ Solve a legal problem")),
                Choice("go:hearings", _("📅 My court hearings")),
                Choice("go:guides", _("💻 Courts online: how to")),
                Choice("go:human", _("👤 Talk to a person")),
                Choice("go:language", "🌐 Тіл / Язык"),
                Choice("go:mydata", _("🔒 My data")),
            ],
            back=False,
            menu=False,
            human=False,
        )
