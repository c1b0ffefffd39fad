"""Times are stored in UTC and shown in Kazakhstan's time (UTC+5), the kk or ru way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.services.clock import format_day, format_moment, format_tenge, to_local


def test_utc_is_shown_five_hours_later_across_midnight() -> None:
    moment = datetime(2026, 3, 21, 20, 30, tzinfo=UTC)  # 01:30 on 22 March in Kazakhstan
    assert to_local(moment).isoformat() == "2026-03-22T01:30:00+05:00"
    assert format_moment(moment, "ru") == "22 марта 2026\u202fг., 01:30"
    assert format_moment(moment, "kk") == "2026\u202fж. 22 наурыз, 01:30"


def test_a_naive_moment_from_sqlite_is_taken_as_utc() -> None:
    assert format_moment(datetime(2026, 1, 1, 0, 0), "ru") == "1 января 2026\u202fг., 05:00"


def test_days_and_money() -> None:
    assert format_day(datetime(2026, 12, 16, 12, tzinfo=UTC), "kk") == "2026\u202fж. 16 желтоқсан"
    assert format_tenge(500000, "ru") == "500\u00a0000 ₸"
    assert format_tenge(Decimal("1297.5"), "kk") == "1\u00a0297,5 ₸"
