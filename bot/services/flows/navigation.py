"""Moving around: Back, Main menu, paging, any "go to this screen" button, and 🔊 Listen."""

from __future__ import annotations

from bot.services.conversation.context import Context
from bot.services.conversation.engine import StaleChoice
from bot.services.conversation.registry import Registry
from bot.services.conversation.screens import LISTEN


def register(registry: Registry) -> None:
    @registry.action("go")
    async def go(ctx: Context, ref: str) -> None:
        if not registry.knows(ref, ctx.services):
            raise StaleChoice(ref)
        ctx.go(ref)

    @registry.action("back")
    async def back(ctx: Context, _argument: str) -> None:
        ctx.back()

    @registry.action("menu")
    async def menu(ctx: Context, _argument: str) -> None:
        ctx.home()

    @registry.action(LISTEN)
    async def listen(ctx: Context, _argument: str) -> None:
        """The same screen again, read aloud (the engine adds the voice once it is drawn)."""
        ctx.listen = True

    @registry.action("page")
    async def page(ctx: Context, number: str) -> None:
        if not number.isdigit():
            raise StaleChoice(number)
        ctx.place.data["page"] = int(number)

    @registry.command("menu", "cancel")
    async def menu_command(ctx: Context, _argument: str) -> None:
        ctx.home()
