"""The Telegram router: updates in, Events to the conversation, Screens back out.

It holds no legal logic: it only says what the person did (typed, pressed, sent a sticker…)
and hands the resulting Screens to the presenter that draws them.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Protocol

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message

from bot.services.conversation import Conversation, Event, EventKind, Screen
from bot.services.conversation.screens import ANSWER_BELOW

CHANNEL = "telegram"


class Presenter(Protocol):
    async def send(self, bot: Bot, chat_id: int, screens: list[Screen]) -> None: ...

    async def replace(self, bot: Bot, message: Message | None, chat_id: int,
                      screens: list[Screen]) -> None: ...


def build_router(conversation: Conversation, presenter: Presenter) -> Router:
    router = Router(name="citizen")
    router.message.filter(F.from_user)
    router.edited_message.filter(F.from_user)

    @router.message()
    async def on_message(message: Message, bot: Bot) -> None:
        screens = await conversation.handle(event_from_message(message))
        await presenter.send(bot, message.chat.id, screens)

    @router.edited_message()
    async def on_edited(message: Message, bot: Bot) -> None:
        screens = await conversation.handle(event_from_message(message, edited=True))
        await presenter.send(bot, message.chat.id, screens)

    @router.callback_query()
    async def on_button(query: CallbackQuery, bot: Bot) -> None:
        with suppress(TelegramAPIError):
            await query.answer()  # stop the spinner on the button at once
        screens = await conversation.handle(event_from_callback(query))
        message = query.message if isinstance(query.message, Message) else None
        chat_id = query.message.chat.id if query.message else query.from_user.id
        if (query.data or "").startswith(ANSWER_BELOW):
            await presenter.send(bot, chat_id, screens)  # the reminder stays as it was
        else:
            await presenter.replace(bot, message, chat_id, screens)

    return router


def event_from_message(message: Message, edited: bool = False) -> Event:
    user = message.from_user
    user_id = str(user.id if user else message.chat.id)
    hint = user.language_code if user else None
    if edited:
        return Event(CHANNEL, user_id, EventKind.edited, language_hint=hint, at=message.date)
    if message.text is not None:
        return Event.from_text(CHANNEL, user_id, message.text, language_hint=hint,
                               at=message.date)
    return Event(CHANNEL, user_id, EventKind.unsupported, media=message.content_type.value,
                 language_hint=hint, at=message.date)


def event_from_callback(query: CallbackQuery) -> Event:
    return Event(CHANNEL, str(query.from_user.id), EventKind.choice, choice=query.data or "",
                 language_hint=query.from_user.language_code)
