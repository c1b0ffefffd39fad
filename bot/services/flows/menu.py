"""The main menu: the six things a person can do."""

from __future__ import annotations

from bot.services.conversation.context import Context
from bot.services.conversation.registry import Registry, View
from bot.services.conversation.screens import Choice
from bot.services.explorer.progress import current_pathway


def register(registry: Registry) -> None:
    @registry.screen("menu")
    def menu(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_("Main menu. What would you like to do? Press a button."),
            options=[
                *_continue(ctx),
                Choice("go:explorer", _("⚖️ Solve a legal problem")),
                Choice("go:hearings", _("📅 My court hearings")),
                Choice("go:guides", _("💻 Courts online: how to")),
                Choice("go:human", _("👤 Person")),
                Choice("go:language", "🌐 Тіл / Язык"),
                Choice("go:mydata", _("🔒 My data")),
            ],
            back=False,
            menu=False,
            human=False,
        )


def _continue(ctx: Context) -> list[Choice]:
    """"Continue where you left off" when a pathway was left unfinished."""
    pathway_id = current_pathway(ctx.place.data)
    topic = ctx.services.content.topic(pathway_id) if pathway_id else None
    if topic is None or pathway_id not in ctx.services.content.pathways:
        return []
    _ = ctx.gettext
    return [Choice(f"resume:{pathway_id}",
                   _("▶ Continue: {topic}").format(topic=topic.label(ctx.language)),
                   _("▶ Continue"))]
