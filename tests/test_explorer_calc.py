"""State duty and deadlines against tables worked out by hand, and reading typed sums and dates.

Working-day cases are counted by hand on the 2026 calendar (Law 267-II on holidays: Nauryz
21–23 March, falling partly on a weekend, moves to 24–25 March; 16 December is Independence
Day) and on egov.kz's own example for the 7-day term of the КоАП's 50 % fine (notice on Monday
1 August 2022 → last day Wednesday 10 August).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.services.content import load_content
from bot.services.explorer.calc import (
    WorkCalendar,
    add_months,
    compute_duty,
    mrp_for,
    parse_amount,
    parse_date,
    term_end,
)
from bot.services.explorer.model import Duty, Rates, Term

RATES = Rates(mrp={2025: 3932, 2026: 4325}, mrp_source="mrp_2026")
MRP_2026 = mrp_for(2026, RATES)
TEXT = {"kk": "баж", "ru": "пошлина"}
PROPERTY = Duty(kind="percent", percent=1, cap_mrp=10000, text=TEXT, source="duty_property")


@pytest.mark.parametrize(("claim", "duty", "capped"), [
    ("500000", "5000.00", False),  # 1 % of 500,000 ₸
    ("123456.78", "1234.57", False),  # rounded to the tiyn, half up
    ("1000000000", "10000000.00", False),  # 1 bn: 10 m, under the cap
    ("5000000000", "43250000.00", True),  # 5 bn: 50 m is over 10,000 МРП = 43,250,000 ₸
])
def test_property_claim_duty_is_one_percent_capped_at_ten_thousand_mrp(
        claim: str, duty: str, capped: bool) -> None:
    result = compute_duty(PROPERTY, Decimal(claim), MRP_2026)
    assert (result.amount, result.capped) == (Decimal(duty), capped)


@pytest.mark.parametrize(("rate", "year", "expected"), [
    (0.3, 2026, "1297.50"),  # 0.3 МРП in 2026
    (2, 2026, "8650.00"),  # 2 МРП in 2026 (divorce at the registry office)
    (0.3, 2025, "1179.60"),  # 0.3 × 3,932
])
def test_fixed_duty_in_mrp(rate: float, year: int, expected: str) -> None:
    duty = Duty(kind="mrp", mrp=rate, text=TEXT, source="duty_divorce_registry")
    assert compute_duty(duty, None, mrp_for(year, RATES)).amount == Decimal(expected)


def test_a_percent_duty_without_a_claim_amount_is_not_guessed() -> None:
    assert compute_duty(PROPERTY, None, MRP_2026).amount is None


def test_a_year_missing_from_the_table_uses_the_latest_and_says_so() -> None:
    mrp = mrp_for(2027, RATES)
    assert (mrp.value, mrp.year, mrp.exact) == (Decimal(4325), 2026, False)
    assert mrp_for(2026, RATES).exact


def test_the_shipped_rates_hold_2026() -> None:
    rates = load_content().rates
    assert rates is not None and mrp_for(2026, rates).value == Decimal(4325)


WORK = WorkCalendar()


@pytest.mark.parametrize(("start", "count", "expected"), [
    # 10 working days over Nauryz: 17–20 Mar (4), 23–25 Mar are holidays, 26, 27, 30, 31 Mar,
    # 1, 2 Apr (6 more)
    (date(2026, 3, 16), 10, date(2026, 4, 2)),
    # 7 working days over Independence Day (Wed 16 Dec)
    (date(2026, 12, 14), 7, date(2026, 12, 24)),
    # egov.kz's example for the 50 % fine: notice Mon 1 Aug 2022 → Wed 10 Aug
    (date(2022, 8, 1), 7, date(2022, 8, 10)),
    # over the New Year: 1–2 Jan and Orthodox Christmas (7 Jan) are days off
    (date(2025, 12, 30), 5, date(2026, 1, 9)),
])
def test_working_days_skip_weekends_and_public_holidays(start, count, expected) -> None:
    assert term_end(start, Term(count=count, unit="working_days"), WORK).last_day == expected


def test_moved_days_from_the_rates_file_are_respected() -> None:
    saturday_at_work = Rates(mrp={2026: 4325}, mrp_source="m", working_days=(date(2026, 3, 28),),
                             days_off=(date(2026, 3, 27),))
    work = WorkCalendar(saturday_at_work)
    assert not work.is_working_day(date(2026, 3, 27))
    assert work.is_working_day(date(2026, 3, 28))


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 10, 30), 1, date(2026, 11, 30)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: the month's last day
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),
    (date(2026, 5, 6), 12, date(2027, 5, 6)),
])
def test_month_terms(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_a_calendar_term_ending_on_a_day_off_names_the_last_safe_working_day() -> None:
    # one month from 25 Sep 2026 ends on Sunday 25 Oct, Republic Day: file by Friday 23 Oct
    end = term_end(date(2026, 9, 25), Term(count=1, unit="months"), WORK)
    assert (end.last_day, end.day_off, end.safe_day) == (
        date(2026, 10, 25), True, date(2026, 10, 23))
    plain = term_end(date(2026, 10, 30), Term(count=1, unit="months"), WORK)
    assert (plain.day_off, plain.safe_day) == (False, date(2026, 11, 30))


def test_years_and_days() -> None:
    assert term_end(date(2026, 3, 5), Term(count=3, unit="years"), WORK).last_day == date(
        2029, 3, 5)
    assert term_end(date(2026, 3, 5), Term(count=10, unit="days"), WORK).last_day == date(
        2026, 3, 15)


@pytest.mark.parametrize(("typed", "tenge"), [
    ("500000", "500000"), ("500 000", "500000"), ("500 000 тг", "500000"),
    ("1 000 000 ₸", "1000000"), ("1,5 млн", "1500000"), ("200 тыс", "200000"),
    ("300к", "300000"), ("500,000", "500000"), ("2 мың", "2000"), ("12.5", "12.50"),
    ("75000 тенге", "75000"),
])
def test_typed_sums(typed: str, tenge: str) -> None:
    assert parse_amount(typed) == Decimal(tenge)


@pytest.mark.parametrize("typed", ["abc", "0", "-5", "", "5 apples", "1e9", "9" * 20])
def test_things_that_are_not_sums(typed: str) -> None:
    assert parse_amount(typed) is None


TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(("typed", "day"), [
    ("05.03.2026", date(2026, 3, 5)), ("5/3/26", date(2026, 3, 5)),
    ("2026-03-05", date(2026, 3, 5)), ("5 марта 2026", date(2026, 3, 5)),
    ("5 марта 2026 г.", date(2026, 3, 5)), ("5 наурыз 2026", date(2026, 3, 5)),
    ("2026 ж. 5 наурыз", date(2026, 3, 5)), ("2026 жылғы 5 наурыз", date(2026, 3, 5)),
    ("12 қазан", date(2026, 10, 12)), ("5.3", date(2026, 3, 5)),
    ("22.11.2026", TODAY),
])
def test_typed_dates(typed: str, day: date) -> None:
    assert parse_date(typed, TODAY) == day


@pytest.mark.parametrize("typed", ["31.02.2026", "23.11.2026", "tomorrow", "1990-01-01",
                                   "32 марта", "5 foo 2026"])
def test_impossible_future_or_unreadable_dates(typed: str) -> None:
    assert parse_date(typed, TODAY) is None
