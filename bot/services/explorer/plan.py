"""An action plan, written out: one short page per section for the screen, or the whole plan as
one message to forward. Every legal statement is followed by its source and check date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal

from bot.services.citing import cited, source_line
from bot.services.clock import BABEL_LOCALES, format_day, format_tenge
from bot.services.content import Content
from bot.services.explorer.calc import WorkCalendar, compute_duty, mrp_for, term_end
from bot.services.explorer.model import Duty, Outcome, Statement
from bot.services.i18n import N_
from bot.services.kazakh import forms

Gettext = Callable[[str], str]

SECTIONS = ("what", "where", "deadlines", "duty", "documents", "help")
SECTION_TITLES = {
    "what": N_("What to do"),
    "where": N_("Where to go"),
    "deadlines": N_("Deadlines"),
    "duty": N_("State duty"),
    "documents": N_("Documents to gather"),
    "help": N_("Filing online and getting help"),
}


def sections_of(outcome: Outcome) -> list[str]:
    """The sections this outcome has, in reading order (empty ones are skipped)."""
    present = {
        "what": True,
        "where": bool(outcome.where),
        "deadlines": bool(outcome.deadlines),
        "duty": outcome.duty is not None,
        "documents": bool(outcome.documents),
        "help": bool(outcome.help or outcome.online),
    }
    return [name for name in SECTIONS if present[name]]


@dataclass
class PlanWriter:
    """Writes an outcome's sections in one language for one person's answers."""

    content: Content
    outcome: Outcome
    language: str
    gettext: Gettext
    today: date
    claim_amount: Decimal | None = None
    start_date: date | None = None

    def page(self, section: str) -> str:
        _ = self.gettext
        heading = f"{self.outcome.title(self.language)} — {_(SECTION_TITLES[section])}"
        return "\n\n".join([heading, *getattr(self, f"_{section}")()])

    def whole(self) -> str:
        """All sections as one message, to forward to a relative."""
        _ = self.gettext
        parts = [_("⚖️ Action plan: {title}").format(title=self.outcome.title(self.language))]
        for section in sections_of(self.outcome):
            parts.append(f"▪️ {_(SECTION_TITLES[section])}")
            parts.extend(getattr(self, f"_{section}")())
        parts.append(_(
            "This is legal information, not a promise of any result. A person can help: the "
            "court's call centre or free legal aid."
        ))
        return "\n\n".join(parts)

    # Sections.

    def _what(self) -> list[str]:
        return [self.statement(item) for item in self.outcome.what]

    def _where(self) -> list[str]:
        return [self.statement(item) for item in self.outcome.where]

    def _deadlines(self) -> list[str]:
        _ = self.gettext
        lines = []
        work = WorkCalendar(self.content.rates)
        for item in self.outcome.deadlines:
            text = self.statement(item)
            if item.term and self.start_date:
                end = term_end(self.start_date, item.term, work)
                text += "\n" + _("➡ Last day: {day}").format(day=format_day(end.last_day,
                                                                              self.language))
                if end.day_off:
                    text += " " + _("(a day off: to be safe, file by {day})").format(
                        **forms("day", format_day(end.safe_day, self.language), self.language))
            lines.append(text)
        if any(item.term for item in self.outcome.deadlines) and self.outcome.start_event:
            event = self.outcome.start_event(self.language)
            if self.start_date:
                lines.append(_("Counted from the date: {event} — {day}").format(
                    event=event, day=format_day(self.start_date, self.language)))
            else:
                lines.append(_("To count the dates, press “Count my dates” and enter the date: "
                               "{event}.").format(event=event))
        return lines

    def _duty(self) -> list[str]:
        duty = self.outcome.duty
        assert duty is not None
        return [self.statement(duty), *self.duty_sum(duty)]

    def duty_sum(self, duty: Duty) -> list[str]:
        _ = self.gettext
        if duty.kind not in ("mrp", "percent") or self.content.rates is None:
            return []
        mrp = mrp_for(self.today.year, self.content.rates)
        result = compute_duty(duty, self.claim_amount, mrp)
        lines = []
        if duty.kind == "percent" and result.amount is None:
            lines.append(_("Press “Enter the amount” and I will count it."))
        elif duty.kind == "percent":
            lines.append(_("{percent} of {claim} = {duty}.").format(
                percent=f"{_number(duty.percent, self.language)} %",
                claim=format_tenge(self.claim_amount, self.language),
                duty=format_tenge(result.amount, self.language)))
            if result.capped:
                lines.append(_("That is the most it can be: {cap} МРП.").format(
                    cap=_number(duty.cap_mrp, self.language)))
        else:
            lines.append(_("{rate} МРП × {mrp} = {duty}.").format(
                rate=_number(duty.mrp, self.language),
                mrp=format_tenge(mrp.value, self.language),
                duty=format_tenge(result.amount, self.language)))
        note = _("МРП in {year}: {mrp}.").format(year=mrp.year,
                                                  mrp=format_tenge(mrp.value, self.language))
        if not mrp.exact:
            note += " " + _("The МРП for {year} is not in my table yet: check it.").format(
                year=self.today.year)
        source = self.content.sources.get(self.content.rates.mrp_source)
        lines.append(note + ("\n" + self.source_line(self.content.rates.mrp_source)
                             if source else ""))
        return lines

    def _documents(self) -> list[str]:
        return ["\n".join(f"☐ {item(self.language)}" for item in self.outcome.documents)]

    def _help(self) -> list[str]:
        lines = []
        if self.outcome.online:
            lines.append("💻 " + self.outcome.online.text(self.language))
        lines.extend(self.statement(item) for item in self.outcome.help)
        return lines

    # Statements and their sources.

    def statement(self, item: Statement | Duty) -> str:
        return cited(self.content, item, self.language)

    def source_line(self, source_id: str) -> str:
        return source_line(self.content, source_id, self.language)

    def links(self) -> list[str]:
        """The sources' addresses, for the forwarded plan and the draft document."""
        seen: dict[str, None] = {}
        for source_id in self.outcome.cited():
            seen.setdefault(self.content.sources[source_id].url)
        return list(seen)


def _number(value: float | None, language: str) -> str:
    return format_decimal(value or 0, locale=BABEL_LOCALES[language])
