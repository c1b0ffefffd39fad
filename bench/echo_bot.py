"""The framework's ceiling: a bare aiogram bot that answers each message with its text and each
button press by redrawing the message, as our bot does, and nothing else (no database, no
conversation). `bench/throughput.py` runs it against the same fake Bot API as the real bot.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE=http://127.0.0.1:PORT python -m bench.echo_bot
"""

from __future__ import annotations

import asyncio
import os

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

KEYBOARD = InlineKeyboardMarkup(inline_keyboard=[
    [InlineKeyboardButton(text=f"Option {n}", callback_data=f"echo:{n}")] for n in range(4)])


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_BASE"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?", reply_markup=KEYBOARD)

    @dispatcher.callback_query(F.data)
    async def redraw(query: CallbackQuery) -> None:
        await query.answer()
        await bot.edit_message_text(text=query.data, chat_id=query.message.chat.id,
                                    message_id=query.message.message_id, reply_markup=KEYBOARD)

    print("echo bot running", flush=True)
    await dispatcher.start_polling(bot, polling_timeout=30, handle_signals=True)


if __name__ == "__main__":
    asyncio.run(main())
