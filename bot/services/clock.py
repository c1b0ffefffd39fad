"""Time: stored in UTC, shown in Kazakhstan's time, written the Kazakh or Russian way.

Kazakhstan has had one national time zone, UTC+5, since 1 March 2024, with no daylight saving
(see shared legal-facts). A fixed offset is used instead of the host's tz database on purpose:
a machine with tzdata older than 2024a would still show Almaty at UTC+6.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_decimal

KAZAKHSTAN_TIME = timezone(timedelta(hours=5), "UTC+5")
BABEL_LOCALES = {"kk": "kk_KZ", "ru": "ru_RU"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A moment in UTC; a naive value is taken to be UTC already (as SQLite returns it)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(KAZAKHSTAN_TIME)


def format_day(day: date | datetime, language: str) -> str:
    """"22 марта 2026 г." / "2026 ж. 22 наурыз" (Babel's long date for the language)."""
    if isinstance(day, datetime):
        day = to_local(day).date()
    return format_date(day, "long", locale=BABEL_LOCALES[language])


def format_moment(moment: datetime, language: str) -> str:
    """A date and time in Kazakhstan's time: "22 марта 2026 г., 09:30"."""
    local = to_local(moment)
    time_text = format_time(local, "HH:mm", locale=BABEL_LOCALES[language])
    return f"{format_day(local.date(), language)}, {time_text}"


def format_tenge(amount: Decimal | int | float, language: str) -> str:
    """Money in tenge with the language's digit grouping: "500 000 ₸"."""
    return f"{format_decimal(amount, locale=BABEL_LOCALES[language])} ₸"


class Clock:
    """The time now, as one object the reminder code asks; tests hand in a `ManualClock`."""

    def now(self) -> datetime:
        return utc_now()


class ManualClock(Clock):
    """A clock that stands still until it is moved: for tests and benchmarks of reminders."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = as_utc(moment)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
