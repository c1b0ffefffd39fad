"""When reminders are due: the defaults, nights, hearings too soon for some reminders."""

from __future__ import annotations

from datetime import time

import pytest

from bot.services.hearings.book import normalise_case_number
from bot.services.hearings.timing import QuietHours, reminder_times
from tests.hearing_helpers import START, local

NIGHT = QuietHours()


def as_local(times):
    return {kind: due.astimezone(local(2026, 1, 1, 0).tzinfo) for kind, due in times}


def test_defaults_are_7_days_1_day_and_2_hours_before() -> None:
    times = as_local(reminder_times(local(2026, 12, 10, 10), ["7d", "1d", "2h"], NIGHT, START))
    assert times == {"7d": local(2026, 12, 3, 10), "1d": local(2026, 12, 9, 10),
                     "2h": local(2026, 12, 10, 8)}


def test_no_reminder_at_night_except_the_last_one() -> None:
    # A 07:30 hearing: 1 day before is 07:30, inside the night, so it comes the evening before
    # at 21:00; the 2-hour one (05:30) still comes, because it is the one that matters most.
    times = as_local(reminder_times(local(2026, 12, 10, 7, 30), ["7d", "1d", "2h"], NIGHT,
                                    START))
    assert times["7d"] == local(2026, 12, 2, 21)
    assert times["1d"] == local(2026, 12, 8, 21)
    assert times["2h"] == local(2026, 12, 10, 5, 30)


def test_a_late_evening_due_time_moves_earlier_the_same_evening() -> None:
    times = as_local(reminder_times(local(2026, 12, 10, 23), ["1d"], NIGHT, START))
    assert times["1d"] == local(2026, 12, 9, 21)


def test_reminders_already_past_are_left_out() -> None:
    # Added on Monday 11:00 for Thursday: no 7-day reminder; the rest as usual.
    times = reminder_times(local(2026, 11, 26, 10), ["7d", "1d", "2h"], NIGHT, START)
    assert [kind for kind, _due in times] == ["1d", "2h"]


def test_only_the_reminders_the_person_wants() -> None:
    times = reminder_times(local(2026, 12, 10, 10), ["2h"], NIGHT, START)
    assert [kind for kind, _due in times] == ["2h"]


def test_quiet_hours_are_configurable_and_can_be_off() -> None:
    assert QuietHours.parse("23:00-06:30") == QuietHours(time(23), time(6, 30))
    off = QuietHours.parse("off")
    assert not off.contains(local(2026, 12, 10, 3))
    times = as_local(reminder_times(local(2026, 12, 10, 7, 30), ["1d"], off, START))
    assert times["1d"] == local(2026, 12, 9, 7, 30)
    with pytest.raises(ValueError):
        QuietHours.parse("late")


@pytest.mark.parametrize(("typed", "number"), [
    ("2-1234/2026", "2-1234/2026"),
    ("№ 7527-26-00-2/1234", "7527-26-00-2/1234"),
    (" 7527 - 26 - 00 - 2 / 1234 ", "7527-26-00-2/1234"),
    ("7527–26–00–2/1234", "7527-26-00-2/1234"),  # the dash a phone puts in
    ("2а-55/2026", "2А-55/2026"),
])
def test_case_numbers_are_written_one_way(typed: str, number: str) -> None:
    assert normalise_case_number(typed) == number


@pytest.mark.parametrize("typed", ["", "привет", "да", "12", "x" * 60, "<script>"])
def test_what_is_not_a_case_number(typed: str) -> None:
    assert normalise_case_number(typed) is None
