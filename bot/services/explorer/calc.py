"""The sums and dates of an action plan: state duty, deadlines, and reading what people type.

Working days are Monday to Friday except Kazakhstan's public holidays and the days they move to
(the `holidays` package, with `rates.yaml` for transfers it does not know yet).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from bot.services.explorer.model import Duty, Rates, Term

TIYN = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 13  # anything larger is a typing slip, not a claim


# ── Money ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Mrp:
    value: Decimal
    year: int  # the year whose МРП was used
    exact: bool  # False when the asked year is not in rates.yaml and an earlier one was used


def mrp_for(year: int, rates: Rates) -> Mrp:
    """The МРП for `year`; a year not yet in the table falls back to the latest earlier one."""
    known = sorted(y for y in rates.mrp if y <= year) or sorted(rates.mrp)
    used = known[-1]
    return Mrp(Decimal(str(rates.mrp[used])), used, used == year)


def _tiyn(value: Decimal) -> Decimal:
    return value.quantize(TIYN, rounding=ROUND_HALF_UP)


def percent_duty(amount: Decimal, percent: float, cap_mrp: float | None, mrp: Mrp
                 ) -> tuple[Decimal, bool]:
    """Duty as a share of the claim, and whether the cap was applied."""
    duty = _tiyn(amount * Decimal(str(percent)) / 100)
    if cap_mrp is not None:
        cap = _tiyn(Decimal(str(cap_mrp)) * mrp.value)
        if duty > cap:
            return cap, True
    return duty, False


def mrp_duty(multiplier: float, mrp: Mrp) -> Decimal:
    return _tiyn(Decimal(str(multiplier)) * mrp.value)


@dataclass(frozen=True)
class DutyResult:
    amount: Decimal | None  # None when it cannot be computed (no claim amount, exempt, unknown)
    capped: bool = False


def compute_duty(duty: Duty, claim: Decimal | None, mrp: Mrp) -> DutyResult:
    if duty.kind == "mrp" and duty.mrp is not None:
        return DutyResult(mrp_duty(duty.mrp, mrp))
    if duty.kind == "percent" and duty.percent is not None and claim is not None:
        amount, capped = percent_duty(claim, duty.percent, duty.cap_mrp, mrp)
        return DutyResult(amount, capped)
    return DutyResult(None)


# ── Days ───────────────────────────────────────────────────────────────────────────────────


class WorkCalendar:
    """Kazakhstan's working days."""

    def __init__(self, rates: Rates | None = None) -> None:
        self._extra_off = set(rates.days_off) if rates else set()
        self._extra_work = set(rates.working_days) if rates else set()

    @staticmethod
    @lru_cache(maxsize=16)
    def _public_holidays(year: int) -> frozenset[date]:
        import holidays  # loaded when the first working day is counted, not at the bot's start

        return frozenset(holidays.country_holidays("KZ", years=year))

    def is_working_day(self, day: date) -> bool:
        if day in self._extra_work:
            return True
        if day in self._extra_off or day.weekday() >= 5:
            return False
        return day not in self._public_holidays(day.year)

    def add_working_days(self, start: date, count: int) -> date:
        """The `count`-th working day after `start` (the start day itself is not counted)."""
        day = start
        while count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def previous_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day where it is shorter."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class TermEnd:
    last_day: date
    day_off: bool  # the last day is a weekend or a holiday (calendar terms only)
    safe_day: date  # the last working day on or before `last_day`: file by then to be safe


def term_end(start: date, term: Term, work: WorkCalendar) -> TermEnd:
    if term.unit == "working_days":
        last = work.add_working_days(start, term.count)
    elif term.unit == "days":
        last = start + timedelta(days=term.count)
    elif term.unit == "months":
        last = add_months(start, term.count)
    else:
        last = add_months(start, 12 * term.count)
    day_off = not work.is_working_day(last)
    return TermEnd(last, day_off, work.previous_working_day(last))


@dataclass(frozen=True)
class DaysLeft:
    """How long a person still has, counted the way the term itself is counted."""

    count: int  # days (or working days) after today, up to and including `by`; < 0 when past
    working: bool  # counted in working days (the term is in working days)
    by: date  # the day to file by: the last day, or the safe day before a day off


def days_left(today: date, end: TermEnd, term: Term, work: WorkCalendar) -> DaysLeft:
    """Days left until the safe day to file, today not counted: a term in working days counts
    working days (weekends and holidays skipped), any other term counts calendar days."""
    by = end.safe_day
    working = term.unit == "working_days"
    if by < today:
        return DaysLeft((by - today).days, working, by)
    if not working:
        return DaysLeft((by - today).days, working, by)
    count, day = 0, today
    while day < by:
        day += timedelta(days=1)
        count += work.is_working_day(day)
    return DaysLeft(count, working, by)


# ── Reading typed amounts and dates ──────────────────────────────────────────────────────────

_SCALE = {
    "k": 10**3, "к": 10**3, "тыс": 10**3, "мың": 10**3, "мын": 10**3,
    "млн": 10**6, "миллион": 10**6, "million": 10**6, "m": 10**6,
}
_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([a-zа-яәғқңөұүһі]*)\.?$")


def parse_amount(text: str) -> Decimal | None:
    """"500000", "500 000 тг", "1,5 млн", "200 тыс", "300к" → tenge; None if it is not a sum."""
    cleaned = text.lower().replace("\u00a0", " ").strip()
    cleaned = re.sub(r"(₸|тенге|теңге|тг|tg|kzt)\.?$", "", cleaned).strip()
    cleaned = re.sub(r"(?<=\d)[ '](?=\d{3}\b)", "", cleaned)  # digit groups: 500 000
    match = _AMOUNT.match(cleaned)
    if not match:
        return None
    number, word = match.groups()
    scale = 1
    if word:
        scale = next((value for prefix, value in _SCALE.items() if word.startswith(prefix)), 0)
        if not scale:
            return None
    if "," in number and len(number.split(",")[1]) == 3 and scale == 1:
        number = number.replace(",", "")  # 500,000 written the English way
    amount = Decimal(number.replace(",", ".")) * scale
    if amount <= 0 or amount >= MAX_AMOUNT:
        return None
    return _tiyn(amount)


_MONTHS = {
    # Russian genitive and nominative stems, Kazakh month names
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8,
    "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "қаң": 1, "ақп": 2, "нау": 3, "сәу": 4, "мам": 5, "мау": 6, "шіл": 7, "там": 8,
    "қыр": 9, "қаз": 10, "қар": 11, "жел": 12,
}


def parse_date(text: str, today: date) -> date | None:
    """"05.03.2026", "5/3/26", "2026-03-05", "5 марта 2026", "5 наурыз", "5.3" → a date.

    A date without a year is taken in the current year; nothing after today is accepted
    because every start date we ask for (a decision, a letter, a dismissal) is in the past."""
    found = read_date(text, today)
    if found is None or found > today or found.year < today.year - 30:
        return None
    return found


def read_date(text: str, today: date) -> date | None:
    """A typed date in any of the forms `parse_date` takes, past or future (a date without a
    year is in `today`'s year)."""
    cleaned = text.lower().strip().rstrip(".")
    cleaned = re.sub(r"\s*(г|ж|года|жыл|жылы)\.?$", "", cleaned)
    return _numeric_date(cleaned, today) or _worded_date(cleaned, today)


def _numeric_date(text: str, today: date) -> date | None:
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return _safe_date(int(iso[1]), int(iso[2]), int(iso[3]))
    parts = re.fullmatch(r"(\d{1,2})[./\- ](\d{1,2})(?:[./\- ](\d{2}|\d{4}))?", text)
    if not parts:
        return None
    year = int(parts[3]) if parts[3] else today.year
    year += 2000 if year < 100 else 0
    return _safe_date(year, int(parts[2]), int(parts[1]))


def _worded_date(text: str, today: date) -> date | None:
    """"5 марта 2026" (Russian order) or "2026 ж. 5 наурыз" (Kazakh order)."""
    russian = re.fullmatch(r"(\d{1,2})\s+([a-zа-яәғқңөұүһі]+)(?:\s+(\d{4}))?", text)
    kazakh = re.fullmatch(r"(\d{4})\s*(?:ж\.?|жылы|жылғы)?\s+(\d{1,2})\s+([а-яәғқңөұүһі]+)", text)
    if russian:
        day, word, year = int(russian[1]), russian[2], int(russian[3] or today.year)
    elif kazakh:
        day, word, year = int(kazakh[2]), kazakh[3], int(kazakh[1])
    else:
        return None
    month = next((value for stem, value in _MONTHS.items() if word.startswith(stem)), None)
    return _safe_date(year, month, day) if month else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
