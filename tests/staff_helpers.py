"""Helpers for the console tests: accounts, signing in over HTTP, reading the database."""

from __future__ import annotations

import re

from aiohttp import ClientSession, CookieJar
from sqlalchemy import select

from bot.app import BotApp
from bot.storage.models import Handoff

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def add_staff(app: BotApp, username: str = "aigerim", role: str = "operator",
                    name: str = "Айгерим", language: str = "ru") -> int:
    return await app.console.accounts.add(username, PASSWORD, role, name, language)


def csrf_in(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


class StaffClient:
    """An operator's browser without the browser: cookies, forms, CSRF tokens."""

    def __init__(self, app: BotApp) -> None:
        self.app = app
        self.http = ClientSession(cookie_jar=CookieJar(unsafe=True))
        self.csrf = ""

    async def close(self) -> None:
        await self.http.close()

    async def sign_in(self, username: str = "aigerim", password: str = PASSWORD,
                      language: str = "ru") -> int:
        page = await self.http.get(self.url("/staff/login"))
        form = {"csrf": csrf_in(await page.text()), "username": username,
                "password": password, "lang": language}
        answer = await self.http.post(self.url("/staff/login"), data=form)
        if answer.status == 200:
            self.csrf = csrf_in(await answer.text())
        return answer.status

    async def get(self, path: str):
        return await self.http.get(self.url(path), allow_redirects=False)

    async def post(self, path: str, with_csrf: bool = True, **form: str):
        if with_csrf:
            form["csrf"] = self.csrf
        return await self.http.post(self.url(path), data=form, allow_redirects=False)

    def url(self, path: str) -> str:
        return self.app.http_url + path


async def handoffs(app: BotApp) -> list[Handoff]:
    async with app.core.sessions() as session:
        return list((await session.scalars(select(Handoff).order_by(Handoff.id))).all())
