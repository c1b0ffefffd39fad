"""A new version of the notice asks again, and never loses anything before the answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import BotApp
from bot.services.conversation import context, engine
from bot.services.conversation.context import CONSENT_VERSION as CURRENT
from bot.services.flows import onboarding
from bot.storage.models import User
from tests import screens as S
from tests.fakes.telegram import Citizen, FakeBotAPI
from tests.test_telegram_e2e import onboard


def new_notice_version(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (context, engine, onboarding):
        monkeypatch.setattr(module, "CONSENT_VERSION", CURRENT + 1)


async def stored(app: BotApp) -> list[int]:
    async with app.core.engine.connect() as connection:
        return list((await connection.execute(select(User.consent_version))).scalars())


async def test_agreeing_to_a_new_notice_keeps_the_data(
    bot_api: FakeBotAPI, telegram_bot: BotApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = Citizen(bot_api, 4001)
    await onboard(citizen)
    assert await stored(telegram_bot) == [CURRENT]

    new_notice_version(monkeypatch)
    shown = await citizen.press("🔒 Мои данные")
    assert shown.text.startswith(S.CONSENT_START["ru"])  # asked again first
    assert await stored(telegram_bot) == [CURRENT]  # and nothing was lost meanwhile
    shown = await citizen.press(S.AGREE["ru"])
    assert shown.text == f"{S.THANKS['ru']}\n\n{S.MENU['ru']}"
    assert await stored(telegram_bot) == [CURRENT + 1]


async def test_declining_a_new_notice_deletes_what_was_kept(
    bot_api: FakeBotAPI, telegram_bot: BotApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    citizen = Citizen(bot_api, 4002)
    await onboard(citizen)
    new_notice_version(monkeypatch)
    await citizen.press("🔒 Мои данные")
    shown = await citizen.press(S.DECLINE["ru"])
    assert shown.text.startswith("Понятно: о вас ничего не сохраняется.")
    async with telegram_bot.core.engine.connect() as connection:
        assert (await connection.execute(select(func.count()).select_from(User))).scalar() == 0
