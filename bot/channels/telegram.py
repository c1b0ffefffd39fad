"""Telegram: drawing Screens as messages with inline keyboards, and running the bot.

The bot talks to whatever Bot API server TELEGRAM_API_BASE names (Telegram's own, a local
Bot API server, or the fake one the tests start), by long polling or by webhook.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageText,
    GetUpdates,
    SendDocument,
    SendMessage,
    SetWebhook,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.channels.seen import SeenMessages
from bot.config import Settings, TelegramMode
from bot.handlers.telegram import build_router
from bot.services.conversation import Conversation, Screen
from bot.services.i18n import LANGUAGES, N_, gettext_for
from bot.services.reminders.delivery import Refused, RetryLater, Unavailable, Unreachable

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
MESSAGE_LIMIT = 4096
BUTTON_LABEL_LIMIT = 32  # longer labels are cut off on small phones: use the short one
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
REPLY_TRIES = 4  # an answer to a person: tries when Telegram is briefly away
REPLY_BACKOFF = 0.5  # seconds before the second try; doubles
COMMANDS = (
    ("start", N_("Start again")),
    ("menu", N_("Main menu")),
    ("language", N_("Change language")),
    ("help", N_("Talk to a person")),
)

# aiogram reads each answer with the pydantic model Response[<what the method returns>], made
# on first use and kept by pydantic only weakly: in a busy bot the garbage collector drops them
# and each is built again (milliseconds each, found by profiling the throughput benchmark).
# Holding them here keeps them built.
_RESPONSE_MODELS = tuple(Response[method.__returning__] for method in (
    SendMessage, EditMessageText, AnswerCallbackQuery, SendDocument, GetUpdates, SetWebhook))


class TelegramPresenter:
    """Draws a Screen: text, one option per row, then Back / Menu / Person on one row."""

    @staticmethod
    def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
        buttons = [InlineKeyboardButton(text=_button_label(choice.label, choice.short),
                                        callback_data=choice.id)
                   for choice in screen.choices]
        width = max(1, min(screen.columns, 8))  # Telegram draws at most 8 in a row
        rows = [buttons[start:start + width] for start in range(0, len(buttons), width)]
        if screen.nav:
            rows.append([InlineKeyboardButton(text=choice.label, callback_data=choice.id)
                         for choice in screen.nav])
        return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None

    async def send(self, bot: Bot, chat_id: int, screens: list[Screen]) -> None:
        for screen in screens:
            await _patiently(lambda screen=screen: bot.send_message(
                chat_id, _fit(screen.full_text()), reply_markup=self.keyboard(screen)))
            await self._send_attachments(bot, chat_id, screen)

    async def replace(self, bot: Bot, message: Message | None, chat_id: int,
                      screens: list[Screen]) -> None:
        """After a button press, redraw the pressed message in place; send anew if it can't be
        edited (too old, deleted, unchanged) or when the screen carries a file."""
        if not screens:
            return  # nothing to say (a flood being held back)
        first, rest = screens[0], screens[1:]
        edited = False
        if message is not None and not first.attachments:
            try:
                await _patiently(lambda: bot.edit_message_text(
                    text=_fit(first.full_text()), chat_id=chat_id,
                    message_id=message.message_id, reply_markup=self.keyboard(first),
                ))
                edited = True
            except TelegramBadRequest as error:
                edited = "not modified" in str(error).lower()
        if not edited:
            await self.send(bot, chat_id, [first])
        await self.send(bot, chat_id, rest)

    @staticmethod
    async def _send_attachments(bot: Bot, chat_id: int, screen: Screen) -> None:
        for attachment in screen.attachments:
            file = BufferedInputFile(attachment.content, filename=attachment.filename)
            await _patiently(lambda file=file, attachment=attachment: bot.send_document(
                chat_id, file, caption=attachment.caption or None))


async def _patiently(call: Callable[[], Awaitable[Any]]) -> Any:
    """An answer to a person, tried again when Telegram is briefly away (5xx, a timeout, a
    429 with its wait): losing the answer is worse than, rarely, sending it twice."""
    for attempt in range(REPLY_TRIES):
        try:
            return await call()
        except TelegramRetryAfter as error:
            if attempt == REPLY_TRIES - 1:
                raise
            await asyncio.sleep(min(error.retry_after, 30))
        except (TelegramServerError, TelegramNetworkError):
            if attempt == REPLY_TRIES - 1:
                raise
            log.warning("Telegram did not take an answer; trying again")
            await asyncio.sleep(REPLY_BACKOFF * 2 ** attempt)
    return None


def _button_label(label: str, short: str | None) -> str:
    return short if short and len(label) > BUTTON_LABEL_LIMIT else label


def _fit(text: str) -> str:
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"


class TelegramDelivery:
    """Reminders and other messages nobody asked for, with Telegram's errors told apart: 429
    (wait), 5xx and network trouble (try again), 403 (the person blocked the bot)."""

    def __init__(self, bot: Bot, timeout: float = 20) -> None:
        self.bot = bot
        self.timeout = timeout

    async def deliver(self, chat_id: str, screen: Screen) -> None:
        try:
            await self.bot.send_message(int(chat_id), _fit(screen.full_text()),
                                        reply_markup=TelegramPresenter.keyboard(screen),
                                        request_timeout=int(self.timeout))
        except TelegramRetryAfter as error:
            raise RetryLater(error.retry_after) from None
        except (TelegramServerError, TelegramNetworkError) as error:
            raise Unavailable(type(error).__name__) from None
        except TelegramForbiddenError:
            raise Unreachable("blocked") from None
        except (TelegramBadRequest, TelegramNotFound) as error:
            if "chat not found" in str(error).lower():
                raise Unreachable("chat not found") from None
            raise Refused(type(error).__name__) from None
        except TelegramAPIError as error:
            raise Refused(type(error).__name__) from None


def _once(seen: SeenMessages):
    async def middleware(handler, update: Update, data: dict[str, Any]) -> Any:
        if not await seen.first_time(f"tg:{update.update_id}"):
            log.info("a redelivered update was skipped")
            return None
        return await handler(update, data)

    return middleware


class TelegramChannel:
    """One bot, one dispatcher; long polling as a background task, or a webhook route."""

    def __init__(self, settings: Settings, conversation: Conversation,
                 seen: SeenMessages | None = None) -> None:
        self.settings = settings
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        self.bot = Bot(settings.telegram_bot_token, session=session)
        self.dispatcher = Dispatcher()
        self.dispatcher.include_router(build_router(conversation, TelegramPresenter()))
        if seen is not None and settings.telegram_mode is TelegramMode.webhook:
            # Telegram resends an update whose webhook it thinks failed, perhaps to another
            # instance: each update_id is handled once. (Long polling confirms by offset.)
            self.dispatcher.update.outer_middleware(_once(seen))
        self.delivery = TelegramDelivery(self.bot)
        self.username: str | None = None  # the bot's @username, from getMe at start
        self._polling: asyncio.Task[None] | None = None

    def add_routes(self, app: web.Application) -> None:
        if self.settings.telegram_mode is TelegramMode.webhook:
            SimpleRequestHandler(
                self.dispatcher, self.bot, secret_token=self.settings.telegram_webhook_secret,
                handle_in_background=True,
            ).register(app, path=WEBHOOK_PATH)

    async def start(self, polling_timeout: int = 30) -> None:
        me = await self.bot.get_me()
        self.username = me.username
        log.info("telegram bot @%s ready (%s)", me.username, self.settings.telegram_mode.value)
        await self._set_commands()
        if self.settings.telegram_mode is TelegramMode.webhook:
            await self.bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            return
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._polling = asyncio.create_task(self.dispatcher.start_polling(
            self.bot, handle_signals=False, close_bot_session=False,
            polling_timeout=polling_timeout, allowed_updates=ALLOWED_UPDATES,
        ))

    async def stop(self) -> None:
        if self._polling is not None:
            with suppress(RuntimeError):
                await self.dispatcher.stop_polling()
            with suppress(asyncio.CancelledError):
                await self._polling
        await self.bot.session.close()

    async def _set_commands(self) -> None:
        """The "/" menu in the person's Telegram language (kk, ru; Russian for everyone else)."""
        for language in (None, *LANGUAGES):
            _ = gettext_for(language or "ru")
            commands = [BotCommand(command=name, description=_(text)) for name, text in COMMANDS]
            try:
                await self.bot.set_my_commands(commands, language_code=language)
            except TelegramAPIError as error:
                log.warning("could not set the command menu: %s", error)
