"""Property-based fuzzing (Hypothesis) of the whole Telegram path: thousands of random updates of
every kind — texts of strange and huge Unicode, commands with odd arguments, stickers, voice,
photos, locations, contacts, polls, edited messages, button presses with forged, stale or
current data, and fields Telegram may add one day — fed to aiogram's dispatcher, which answers
over HTTP through the fake Bot API.

For every update: no exception escapes, the person gets an answer, and the answer is no dead
end (it has buttons). The bot stays up across examples, so people accumulate state."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.app import BotApp
from tests.fakes.telegram import BOT_USER, FakeBotAPI

PEOPLE = list(range(7001, 7009))
UPDATE_IDS = itertools.count(1)
MESSAGE_IDS = itertools.count(1)
MEDIA = {
    "sticker": {"file_id": "s", "file_unique_id": "u", "type": "regular", "width": 1,
                "height": 1, "is_animated": False, "is_video": False},
    "voice": {"file_id": "v", "file_unique_id": "u", "duration": 3},
    "photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}],
    "document": {"file_id": "d", "file_unique_id": "u", "file_name": "иск.pdf"},
    "location": {"latitude": 51.13, "longitude": 71.43},
    "contact": {"phone_number": "+77010000000", "first_name": "Ә"},
    "poll": {"id": "1", "question": "?", "options": [], "total_voter_count": 0,
             "is_closed": False, "is_anonymous": True, "type": "regular",
             "allows_multiple_answers": False, "allows_revoting": False,
             "members_only": False},
    "dice": {"emoji": "🎲", "value": 3},
}
VERBS = ["go", "lang", "consent", "hand", "enrolok", "rem", "hics", "hcourt", "ans", "start",
         "page", "data", "back", "menu", "resume", "term", "guide", "hbell", "hdel", "x"]

strange_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=400),
    st.sampled_from(["/start", "/start enrol-AAAABBBB", "/start family-divorce", "/menu",
                     "/start ../../etc", "/", "стоп", "тоқта", "алименты", "K7QP-3MZD",
                     "\u202e\u200b\u0000", "🙂" * 500, "а" * 5000, "2-1234/2026",
                     "<b>x</b>", "'; DROP TABLE users; --", "%s %d {0}"]),
)
callback_data = st.one_of(
    st.text(alphabet=st.characters(codec="ascii"), max_size=64),
    st.builds(lambda verb, arg: f"{verb}:{arg}"[:64], st.sampled_from(VERBS),
              st.text(alphabet=st.characters(codec="ascii"), max_size=30)),
)
# Fields Telegram may add one day (names no version of the Bot API uses).
extra_fields = st.dictionaries(st.sampled_from(["x_future_field", "new_thing_2030"]),
                               st.one_of(st.integers(), st.text(max_size=5)), max_size=1)
action = st.one_of(
    st.tuples(st.just("text"), strange_text),
    st.tuples(st.just("media"), st.sampled_from(sorted(MEDIA))),
    st.tuples(st.just("edited"), strange_text),
    st.tuples(st.just("forged"), callback_data),
    st.tuples(st.just("press"), st.integers(min_value=0, max_value=40)),  # a shown button
    st.tuples(st.just("old"), st.integers(min_value=0, max_value=400)),  # an older message's
)


@pytest.fixture
async def fuzzed_bot(bot_api: FakeBotAPI, make_settings) -> AsyncIterator[BotApp]:
    app = BotApp(make_settings(telegram_bot_token=bot_api.token,
                               telegram_api_base=bot_api.base_url, reminders_enabled=False,
                               telegram_mode="webhook",
                               telegram_webhook_url="https://bot.example.kz/telegram/webhook",
                               telegram_webhook_secret="fuzz"))
    await app.start()
    yield app
    await app.stop()


def _message(user: int, **content: Any) -> dict[str, Any]:
    return {"message_id": next(MESSAGE_IDS), "date": int(time.time()),
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": "Ф"}, **content}


def _update(api: FakeBotAPI, user: int, kind: str, value: Any, extra: dict) -> dict[str, Any]:
    if kind == "text":
        body: dict[str, Any] = {"message": _message(user, text=value, **extra)}
    elif kind == "media":
        body = {"message": _message(user, **{value: MEDIA[value]}, **extra)}
    elif kind == "edited":
        body = {"edited_message": {**_message(user, text=value or "."),
                                   "edit_date": int(time.time())}}
    else:
        shown = api.messages(user)
        message_id = shown[-1].message_id if shown else 1
        if kind == "forged":
            data = value
        elif kind == "press" and shown and shown[-1].buttons:
            buttons = [b for row in shown[-1].buttons for b in row]
            data = buttons[value % len(buttons)]["callback_data"]
        elif kind == "old" and shown:
            old = shown[value % len(shown)]
            buttons = [b for row in old.buttons for b in row] or [{"callback_data": "menu"}]
            data, message_id = buttons[value % len(buttons)]["callback_data"], old.message_id
        else:
            data = "menu"
        body = {"callback_query": {
            "id": str(next(UPDATE_IDS)), "from": {"id": user, "is_bot": False,
                                                  "first_name": "Ф"},
            "chat_instance": "ci", "data": data,
            "message": {"message_id": message_id, "date": int(time.time()),
                        "chat": {"id": user, "type": "private"}, "from": BOT_USER,
                        "text": "…"}}}
    return {"update_id": next(UPDATE_IDS), **body}


@settings(max_examples=150, deadline=None, derandomize=True,
          phases=[Phase.explicit, Phase.generate],  # a failure prints its example; no shrinking
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(PEOPLE), action, extra_fields),
                      min_size=10, max_size=40))
async def test_random_updates_always_get_an_answer_with_a_way_on(
    fuzzed_bot: BotApp, bot_api: FakeBotAPI, steps: list
) -> None:
    telegram = fuzzed_bot.telegram
    for user, (kind, value), extra in steps:
        before = bot_api.outputs(user)
        update = _update(bot_api, user, kind, value, extra)
        await telegram.dispatcher.feed_raw_update(telegram.bot, update)
        assert bot_api.outputs(user) > before, (kind, value)
        answer = bot_api.latest(user)
        if answer.voice is not None:  # 🔊 pressed: its voice comes below the screen it reads
            answer = [m for m in bot_api.messages(user) if m.voice is None][-1]
        assert answer.text.strip(), (kind, value)
        assert answer.buttons or answer.document, (kind, value, answer.text)
