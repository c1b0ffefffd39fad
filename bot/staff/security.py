"""The console's gate: no page or API answers without a signed-in session, every form carries the
session's CSRF token, admin pages need the admin role, and every answer carries headers that keep
it out of frames, caches and other sites' scripts."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.staff.accounts import Staff, StaffAccounts

PREFIX = "/staff"
SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"  # before a session exists: a double-submit token
OPEN_PATHS = (f"{PREFIX}/login", f"{PREFIX}/static/")
STAFF_KEY = web.AppKey("staff_accounts", StaffAccounts)
STAFF = web.RequestKey("staff", Staff)
LOOPBACK = frozenset({"127.0.0.1", "::1"})
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def current_staff(request: web.Request) -> Staff:
    return request[STAFF]


def same(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


@web.middleware
async def staff_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    path = request.path
    if not (path == PREFIX or path.startswith(PREFIX + "/")):
        return await handler(request)
    if not path.startswith(OPEN_PATHS):
        staff = await request.app[STAFF_KEY].by_token(request.cookies.get(SESSION_COOKIE, ""))
        if staff is None:
            if request.method == "GET" and "/api/" not in path and "/events" not in path:
                raise web.HTTPFound(f"{PREFIX}/login")
            raise web.HTTPUnauthorized(text="sign in first")
        request[STAFF] = staff
        if request.method not in ("GET", "HEAD") and not await _csrf_ok(request, staff):
            raise web.HTTPForbidden(text="the form is out of date or forged (CSRF)")
    response = await handler(request)
    response.headers.update(HEADERS)
    return response


async def _csrf_ok(request: web.Request, staff: Staff) -> bool:
    given = request.headers.get("X-CSRF-Token")
    if given is None and request.content_type in ("application/x-www-form-urlencoded",
                                                  "multipart/form-data"):
        given = (await request.post()).get("csrf")
    return same(given if isinstance(given, str) else None, staff.csrf_token)


def require_admin(request: web.Request) -> Staff:
    staff = current_staff(request)
    if not staff.is_admin:
        raise web.HTTPForbidden(text="administrators only")
    return staff


def login_csrf(request: web.Request) -> str:
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def set_cookie(response: web.StreamResponse, name: str, value: str, secure: bool,
               max_age: int | None = None) -> None:
    response.set_cookie(name, value, path=PREFIX, httponly=True, samesite="Strict",
                        secure=secure, max_age=max_age)


def client_address(request: web.Request, proxies: frozenset[str] = LOOPBACK) -> str:
    """The caller's address. The bot is reached through nginx, which sets X-Real-IP; the
    header is trusted only from nginx's own address (`TRUSTED_PROXIES`: loopback by default,
    nginx's address when it runs on another machine)."""
    peer = request.remote or "unknown"
    forwarded = request.headers.get("X-Real-IP")
    if forwarded and peer in proxies:
        return forwarded.strip()[:64]
    return peer
