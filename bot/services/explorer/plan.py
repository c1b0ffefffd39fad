"""An action plan, written out: one short page per section for the screen, or the whole plan as
one message to forward.

A page leads with what a weak reader needs first (what to do, by when and how many days are
left, what it costs) and ends with one line saying it is information, not a promise. The
sources of a page's statements are not printed under each paragraph: they are listed on the
page's own "📖 Where this comes from" screen (`sources_text`). The forwarded plan keeps each
statement's source beside it, because it leaves the bot and its buttons behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

from bot.services.citing import cited
from bot.services.clock import BABEL_LOCALES, format_day, format_tenge
from bot.services.content import Content
from bot.services.explorer.calc import (
    DaysLeft,
    WorkCalendar,
    compute_duty,
    days_left,
    mrp_for,
    term_end,
)
from bot.services.explorer.model import Deadline, Duty, Outcome, Statement, Term
from bot.services.i18n import N_, ngettext_for
from bot.services.kazakh import forms

Gettext = Callable[[str], str]

SECTIONS = ("what", "more", "where", "deadlines", "duty", "documents", "help")
SECTION_TITLES = {
    "what": N_("What to do"),
    "more": N_("Good to know"),
    "where": N_("Where to go"),
    "deadlines": N_("Deadlines"),
    "duty": N_("State duty"),
    "documents": N_("Documents to gather"),
    "help": N_("Filing online and getting help"),
}
NOT_A_PROMISE = N_("ℹ️ This is information, not a promise: a lawyer or the court decides.")
UNCONFIRMED = " ⚠️"  # after a statement nobody could confirm; explained once per page
UNCONFIRMED_NOTE = N_("⚠️ Not confirmed: ask the court's office.")


def sections_of(outcome: Outcome) -> list[str]:
    """The sections this outcome has, in reading order (empty ones are skipped)."""
    present = {
        "what": True,
        "more": len(outcome.what) > 1,  # the first page leads with the first only
        "where": bool(outcome.where),
        "deadlines": bool(outcome.deadlines),
        "duty": outcome.duty is not None,
        "documents": bool(outcome.documents),
        "help": bool(outcome.help or outcome.online),
    }
    return [name for name in SECTIONS if present[name]]


def first_term(outcome: Outcome) -> Deadline | None:
    """The deadline the plan leads with: the first one the calculator can count that is due
    for this step (not a `later` step's, such as the appeal against the decision to come)."""
    return next((item for item in outcome.deadlines if item.term and not item.later), None)


def has_terms(outcome: Outcome) -> bool:
    """Whether the calculator can count any of the outcome's deadlines."""
    return any(item.term for item in outcome.deadlines)


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

    def __post_init__(self) -> None:
        self.ngettext = ngettext_for(self.language)
        self.work = WorkCalendar(self.content.rates)

    # Pages on the screen.

    def page(self, section: str, footer: str = "") -> str:
        """One section's page; `footer` (where the page is: "Step 2 of 6") goes on the last
        line, under "information, not a promise", so the buttons stay on the first screen."""
        _ = self.gettext
        title = self.outcome.title(self.language)
        heading = title if section == "what" else f"{title} — {_(SECTION_TITLES[section])}"
        body = getattr(self, f"_{section}_page")()
        parts = [heading, *body]
        if any(item.check for item in self._items(section)):
            parts.append(_(UNCONFIRMED_NOTE))
        parts.append(_(NOT_A_PROMISE) + (f"\n{footer}" if footer else ""))
        return "\n\n".join(parts)

    def _what_page(self) -> list[str]:
        return [self.lead()]

    def _more_page(self) -> list[str]:
        return [self.shown(item) for item in self.outcome.what[1:]]

    def _where_page(self) -> list[str]:
        return [self.shown(item) for item in self.outcome.where]

    def _deadlines_page(self) -> list[str]:
        lines = [self._deadline(item, cite=False) for item in self.outcome.deadlines]
        return lines + self._counted_from()

    def _duty_page(self) -> list[str]:
        duty = self.outcome.duty
        assert duty is not None
        return [self.shown(duty), *self.duty_sum(duty)]

    def _documents_page(self) -> list[str]:
        return self._documents()

    def _help_page(self) -> list[str]:
        return self._help(cite=False)

    # The lead: what to do, by when, what it costs.

    def lead(self, on_screen: bool = True) -> str:
        """What to do, by when, what it costs; `on_screen` is False for the forwarded plan,
        which has no 📅 button to point to."""
        _ = self.gettext
        lines = [_("✍️ What to do: {text}").format(text=self.shown(self.outcome.what[0]))]
        by_when = self.by_when(on_screen)
        if by_when:
            lines.append(by_when)
        cost = self.cost()
        if cost:
            lines.append(cost)
        return "\n".join(lines)

    def by_when(self, on_screen: bool = True) -> str | None:
        _ = self.gettext
        item = first_term(self.outcome)
        if item is None or item.term is None:
            return None
        if self.start_date is None:
            assert self.outcome.start_event is not None  # the schema asks for it with a term
            words = {"term": self.term_words(item.term),
                     "event": self.outcome.start_event(self.language)}
            if not on_screen:
                return _("📅 Term: {term}. It counts from: {event}.").format(**words)
            return _("📅 Term: {term}. It counts from: {event}. Press 📅 and I will count the "
                     "days.").format(**words)
        left = self.days_left(item.term)
        day = format_day(left.by, self.language)
        if left.count < 0:
            return _("📅 The last day was {day}: the term has passed. Today, ask a lawyer or "
                     "the court's call centre what can still be done.").format(day=day)
        if left.count == 0:
            return _("📅 By {day}: today is the last day.").format(day=day)
        return _("📅 By {day}: {left}.").format(day=day, left=self.left_words(left))

    def days_left(self, term: Term) -> DaysLeft:
        assert self.start_date is not None
        return days_left(self.today, term_end(self.start_date, term, self.work), term, self.work)

    def left_words(self, left: DaysLeft) -> str:
        ngettext = self.ngettext
        if left.working:
            return ngettext("{count} working day left", "{count} working days left",
                     left.count).format(count=left.count)
        return ngettext("{count} day left", "{count} days left",
                        left.count).format(count=left.count)

    def term_words(self, term: Term) -> str:
        ngettext, count = self.ngettext, term.count
        words = {
            "working_days": ngettext("{count} working day", "{count} working days", count),
            "days": ngettext("{count} day", "{count} days", count),
            "months": ngettext("{count} month", "{count} months", count),
            "years": ngettext("{count} year", "{count} years", count),
        }
        return words[term.unit].format(count=count)

    def cost(self) -> str | None:
        """What it costs, in a word or a sum: free, a sum in tenge, a share of the claim, or
        "ask the court's office" where no rate is confirmed (then no number is shown)."""
        _ = self.gettext
        duty = self.outcome.duty
        if duty is None:
            return None
        mark = ""
        if duty.kind in ("none", "exempt"):
            value = _("free")
            mark = UNCONFIRMED if duty.check else ""
        elif duty.kind == "check" or duty.check:
            value = _("ask the court's office")
        elif duty.kind == "mrp" and self.content.rates is not None:
            mrp = mrp_for(self.today.year, self.content.rates)
            value = _("{sum} (state duty)").format(
                sum=format_tenge(compute_duty(duty, None, mrp).amount, self.language))
        elif duty.kind == "percent" and self.content.rates is not None:
            mrp = mrp_for(self.today.year, self.content.rates)
            result = compute_duty(duty, self.claim_amount, mrp)
            share = f"{_number(duty.percent, self.language)} %"
            if result.amount is None:
                value = _("{percent} of the claim amount").format(percent=share)
            else:
                value = _("{sum} ({percent} of the claim)").format(
                    sum=format_tenge(result.amount, self.language), percent=share)
        else:  # a kind this writer does not know how to count: say it in the lawyer's words
            value = duty.text(self.language)
        return _("💰 Cost: {value}").format(value=value) + mark

    # Deadlines and the duty, in detail.

    def _deadline(self, item: Deadline, cite: bool) -> str:
        _ = self.gettext
        text = self.statement(item) if cite else self.shown(item)
        if item.term and self.start_date:
            end = term_end(self.start_date, item.term, self.work)
            text += "\n" + _("➡ Last day: {day}").format(day=format_day(end.last_day,
                                                                          self.language))
            if end.day_off:
                text += " " + _("(a day off: to be safe, file by {day})").format(
                    **forms("day", format_day(end.safe_day, self.language), self.language))
            left = self.days_left(item.term)
            if left.count > 0:
                text += " — " + self.left_words(left)
        return text

    def _counted_from(self, on_screen: bool = True) -> list[str]:
        """From which day the terms count; on a screen, how to count them with its button."""
        _ = self.gettext
        if not (has_terms(self.outcome) and self.outcome.start_event):
            return []
        event = self.outcome.start_event(self.language)
        if self.start_date:
            return [_("Counted from the date: {event} — {day}").format(
                event=event, day=format_day(self.start_date, self.language))]
        if not on_screen:  # the forwarded plan has no buttons to press
            return [_("The terms count from this date: {event}.").format(event=event)]
        return [_("To count the dates, press “Count my dates” and enter the date: "
                  "{event}.").format(event=event)]

    def duty_sum(self, duty: Duty, on_screen: bool = True) -> list[str]:
        _ = self.gettext
        if duty.kind not in ("mrp", "percent") or self.content.rates is None:
            return []
        mrp = mrp_for(self.today.year, self.content.rates)
        result = compute_duty(duty, self.claim_amount, mrp)
        lines = []
        if duty.kind == "percent" and result.amount is None:
            if on_screen:  # the forwarded plan has no button to press
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
        lines.append(note)
        return lines

    def _documents(self) -> list[str]:
        return ["\n".join(f"☐ {item(self.language)}" for item in self.outcome.documents)]

    def _help(self, cite: bool) -> list[str]:
        lines = []
        if self.outcome.online:
            lines.append("💻 " + self.outcome.online.text(self.language))
        show = self.statement if cite else self.shown
        lines.extend(show(item) for item in self.outcome.help)
        return lines

    # The whole plan, to forward.

    def whole(self) -> str:
        """All sections as one message, to forward to a relative: the lead first, then every
        section with each statement's source beside it."""
        _ = self.gettext
        parts = [_("⚖️ Action plan: {title}").format(title=self.outcome.title(self.language)),
                 self.lead(on_screen=False)]
        for section in sections_of(self.outcome):
            if section == "more":
                continue  # "what to do" below has every one of them, with its source
            parts.append(f"▪️ {_(SECTION_TITLES[section])}")
            parts.extend(self._cited_section(section))
        parts.append(_(
            "This is legal information, not a promise of any result. A person can help: the "
            "court's call centre or free legal aid."
        ))
        return "\n\n".join(parts)

    def _cited_section(self, section: str) -> list[str]:
        if section == "deadlines":
            return [self._deadline(item, cite=True) for item in self.outcome.deadlines
                    ] + self._counted_from(on_screen=False)
        if section == "duty":
            assert self.outcome.duty is not None
            return [self.statement(self.outcome.duty),
                    *self.duty_sum(self.outcome.duty, on_screen=False)]
        if section == "documents":
            return self._documents()
        if section == "help":
            return self._help(cite=True)
        return [self.statement(item) for item in getattr(self.outcome, section)]

    # Statements and their sources.

    def shown(self, item: Statement | Duty) -> str:
        """A statement on a plan page: its text, marked when nobody could confirm it."""
        return item.text(self.language) + (UNCONFIRMED if item.check else "")

    def statement(self, item: Statement | Duty) -> str:
        """A statement with its source line, for the forwarded plan."""
        return cited(self.content, item, self.language)

    def _items(self, section: str) -> list[Statement | Duty]:
        """The statements a page shows (page 1 also leads with the deadline and the duty)."""
        outcome = self.outcome
        if section == "what":
            lead = [outcome.what[0], first_term(outcome), outcome.duty]
            return [item for item in lead if item is not None]
        if section == "more":
            return list(outcome.what[1:])
        if section == "duty":
            return [outcome.duty] if outcome.duty else []
        if section == "documents":
            return []
        return list(getattr(outcome, section))

    def page_sources(self, section: str) -> list[str]:
        """The source ids behind a page, in the order its statements cite them."""
        found = [item.source for item in self._items(section) if item.source]
        duty = self.outcome.duty
        counted = duty is not None and duty.kind in ("mrp", "percent") and not (
            section == "what" and duty.check)
        if section in ("what", "duty") and counted and self.content.rates:
            found.append(self.content.rates.mrp_source)
        return [source for source in dict.fromkeys(found) if source in self.content.sources]

    def sources_text(self, section: str) -> str:
        """The page's "📖 Where this comes from" screen: act and article, link, checked date."""
        _ = self.gettext
        lines = [_("📖 Where this comes from: {title}").format(
            title=self.outcome.title(self.language))]
        for source_id in self.page_sources(section):
            source = self.content.sources[source_id]
            checked = format_date(source.checked, "dd.MM.yyyy",
                                  locale=BABEL_LOCALES[self.language])
            entry = f"• {source.cite(self.language)}\n{source.url}\n" + _(
                "checked {date}").format(date=checked)
            if source.confidence == "L":
                entry += "\n" + _(UNCONFIRMED_NOTE)
            lines.append(entry)
        return "\n\n".join(lines)

    def acts(self) -> list[str]:
        """The sources by name in the person's language ("ГПК РК, ст. 141"), for the draft's
        short last line."""
        return list(dict.fromkeys(self.content.sources[source_id].cite(self.language)
                                  for source_id in self.outcome.cited()))


def _number(value: float | None, language: str) -> str:
    return format_decimal(value or 0, locale=BABEL_LOCALES[language])
