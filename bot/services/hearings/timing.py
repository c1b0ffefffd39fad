"""When each reminder is due: 7 days, 1 day and 2 hours before a hearing, never at night except
the last one. All rules work in Kazakhstan's time (UTC+5); the results are UTC moments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.services.clock import KAZAKHSTAN_TIME, as_utc, to_local

BEFORE = {"7d": timedelta(days=7), "1d": timedelta(days=1), "2h": timedelta(hours=2)}
REMINDER_KINDS = tuple(BEFORE)  # earliest first
LAST_REMINDER = "2h"  # the one that matters most: it is sent even at night
NOTICE_KINDS = ("moved", "cancelled")


@dataclass(frozen=True)
class QuietHours:
    """A night when people should not be woken by a reminder, e.g. 22:00–08:00 local time."""

    start: time = time(22, 0)
    end: time = time(8, 0)

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """"22:00-08:00" → QuietHours(22:00, 08:00); "" or "off" → no quiet hours."""
        text = text.strip()
        if text in ("", "off"):
            return cls(time(0, 0), time(0, 0))
        first, second = (part.strip() for part in text.split("-", 1))
        return cls(time.fromisoformat(first), time.fromisoformat(second))

    @property
    def empty(self) -> bool:
        return self.start == self.end

    def contains(self, moment: datetime) -> bool:
        if self.empty:
            return False
        local = to_local(moment).time()
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def evening_before(self, moment: datetime) -> datetime:
        """The last hour before the night that contains `moment`: 21:00 for a 22:00 start."""
        local = to_local(moment)
        day = local.date()
        if local.time() < self.start:  # after midnight: the night began the day before
            day -= timedelta(days=1)
        evening = datetime.combine(day, self.start, KAZAKHSTAN_TIME) - timedelta(hours=1)
        return as_utc(evening)

    def morning_after(self, moment: datetime) -> datetime:
        """When the night that contains `moment` ends."""
        local = to_local(moment)
        day = local.date()
        if local.time() >= self.end:  # before midnight: the night ends tomorrow
            day += timedelta(days=1)
        return as_utc(datetime.combine(day, self.end, KAZAKHSTAN_TIME))


def reminder_times(starts_at: datetime, wanted: list[str] | tuple[str, ...],
                   quiet: QuietHours, now: datetime) -> list[tuple[str, datetime]]:
    """The reminders to schedule for a hearing, as (kind, due moment in UTC).

    A reminder that would fall at night moves to the evening before; one whose time has
    already passed when the hearing is added (a hearing in 3 days has no 7-day reminder) is
    left out."""
    times: list[tuple[str, datetime]] = []
    for kind in REMINDER_KINDS:
        if kind not in wanted:
            continue
        due = as_utc(starts_at) - BEFORE[kind]
        if kind != LAST_REMINDER and quiet.contains(due):
            due = quiet.evening_before(due)
        if due > now:
            times.append((kind, due))
    return times
