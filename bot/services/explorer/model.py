"""The Solution Explorer's content, as a lawyer writes it: pathways in YAML, validated here.

A pathway is a small decision tree. Each question has options; each option leads to another
question or to an outcome (an action plan). Every question also has an "I'm not sure" way out.
An outcome's legal statements cite a source by id (`bot/content/sources.yaml`), where the act,
article, link, check date and confidence live once, so a lawyer updates a date in one place.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.services.bilingual import Bilingual

ASCII_ID = r"^[a-z0-9_]+$"


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Strict):
    """An act and article, the page where it can be read, when it was checked, how sure we are.

    Confidence L means no official text was seen: statements citing it must carry `check: true`,
    so the citizen is told to check it rather than being told it as fact."""

    cite: Bilingual  # "ГПК РК, ст. 403" / "ҚР АПК, 403-бап"
    url: str = Field(pattern=r"^https://")
    checked: date
    confidence: Literal["H", "M", "L"]


class Statement(Strict):
    """One sentence of a plan. It cites a source, or says it is `plain` advice (a pointer, a
    practical tip) that states no law — the content check holds every statement to one of them."""

    text: Bilingual
    source: str | None = None  # an id in sources/*.yaml
    check: bool = False  # not confirmed: shown with "check this at the court" wording
    plain: bool = False

    @model_validator(mode="after")
    def _sourced_or_plain(self) -> Statement:
        if bool(self.source) == self.plain:
            raise ValueError("a statement needs either `source` or `plain: true` (not both)")
        if self.check and not self.source:
            raise ValueError("`check: true` belongs to a statement with a source")
        return self


class Term(Strict):
    count: int = Field(gt=0, le=3650)
    unit: Literal["days", "working_days", "months", "years"]


class Deadline(Statement):
    term: Term | None = None  # when set, the date is computed from the person's start date


class Duty(Strict):
    """How the state duty is worked out for this outcome."""

    kind: Literal["percent", "mrp", "exempt", "none", "check"]
    percent: float | None = Field(default=None, gt=0, le=100)  # of the claim amount
    cap_mrp: float | None = Field(default=None, gt=0)  # the most it can be, in МРП
    mrp: float | None = Field(default=None, gt=0)  # a fixed rate in МРП
    text: Bilingual  # what the duty is, in plain words
    source: str | None = None
    check: bool = False

    @model_validator(mode="after")
    def _rates_fit_kind(self) -> Duty:
        if self.kind == "percent" and self.percent is None:
            raise ValueError("a percent duty needs `percent`")
        if self.kind == "mrp" and self.mrp is None:
            raise ValueError("an МРП duty needs `mrp`")
        if self.kind in ("percent", "mrp", "exempt") and not self.source:
            raise ValueError(f"a {self.kind} duty needs a source")
        if self.check and self.kind in ("percent", "mrp"):
            # A sum in tenge reads as the price to pay: an unconfirmed rate is told in words
            # (`kind: check`), never multiplied out.
            raise ValueError("an unconfirmed rate is not counted: use `kind: check`")
        return self


class Option(Strict):
    value: str = Field(pattern=ASCII_ID, max_length=16)
    label: Bilingual
    short: Bilingual | None = None  # for WhatsApp's 24-character list rows
    next: str  # a question id or an outcome id

    def button(self, language: str) -> tuple[str, str | None]:
        return self.label(language), self.short(language) if self.short else None


class Unsure(Strict):
    """The "I'm not sure / none of these" way out of a question."""

    text: Bilingual  # a broader explanation
    next: str | None = None  # where "Continue" leads; without it, only a person can help


class Question(Strict):
    kind: Literal["choice", "amount"] = "choice"
    text: Bilingual
    summary: Bilingual  # the question in a few words, for the list of answers
    options: tuple[Option, ...] = ()
    next: str | None = None  # for an amount question: where the answer leads
    unsure: Unsure | None = None  # else the pathway's own

    @model_validator(mode="after")
    def _shape_fits_kind(self) -> Question:
        if self.kind == "choice" and len(self.options) < 2:
            raise ValueError("a choice question needs at least two options")
        if self.kind == "amount" and (self.options or not self.next):
            raise ValueError("an amount question has no options and needs `next`")
        values = [option.value for option in self.options]
        if len(values) != len(set(values)):
            raise ValueError("option values repeat")
        return self


class Online(Strict):
    text: Bilingual
    guide: str | None = None  # a guide topic id, e.g. guide.file_claim


class Outcome(Strict):
    """An action plan: what to do, where, by when, what it costs, what to bring, who helps."""

    title: Bilingual
    what: tuple[Statement, ...] = Field(min_length=1)
    where: tuple[Statement, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    start_event: Bilingual | None = None  # what the person's date is ("the day you got it")
    duty: Duty | None = None
    documents: tuple[Bilingual, ...] = ()
    online: Online | None = None
    help: tuple[Statement, ...] = ()
    draft: str | None = None  # a document template id

    def statements(self) -> list[Statement]:
        return [*self.what, *self.where, *self.deadlines, *self.help]

    def checked_items(self) -> list[Statement | Duty]:
        """Everything that cites a source (statements and the duty)."""
        items: list[Statement | Duty] = [item for item in self.statements() if item.source]
        return items + ([self.duty] if self.duty and self.duty.source else [])

    def cited(self) -> list[str]:
        found = [item.source for item in self.statements() if item.source]
        if self.duty and self.duty.source:
            found.append(self.duty.source)
        return found

    @model_validator(mode="after")
    def _terms_need_a_start(self) -> Outcome:
        if any(item.term for item in self.deadlines) and self.start_event is None:
            raise ValueError("deadlines with a term need `start_event`")
        return self


class Pathway(Strict):
    id: str
    intro: Bilingual
    unsure: Bilingual  # the broader explanation for "I'm not sure"
    start: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]

    @model_validator(mode="after")
    def _links_resolve(self) -> Pathway:
        names = list(self.questions) + list(self.outcomes)
        if len(names) != len(set(names)):
            raise ValueError("a question and an outcome share a name")
        for name in names:
            if not name.replace("_", "").isalnum() or not name.isascii():
                raise ValueError(f"node name {name!r} must be ASCII letters, digits, _")
        if self.start not in self.questions:
            raise ValueError(f"start {self.start!r} is not a question")
        for question_id, question in self.questions.items():
            for target in self.targets(question):
                if target not in names:
                    raise ValueError(f"{question_id}: leads to unknown {target!r}")
        return self

    @staticmethod
    def targets(question: Question) -> list[str]:
        found = [option.next for option in question.options]
        if question.next:
            found.append(question.next)
        if question.unsure and question.unsure.next:
            found.append(question.unsure.next)
        return found

    def unsure_for(self, question_id: str) -> Unsure:
        question = self.questions[question_id]
        return question.unsure or Unsure(text=self.unsure)


class Section(Strict):
    """A paragraph of a draft document, shown only when the answers match `when`."""

    text: Bilingual
    when: dict[str, str | list[str]] = Field(default_factory=dict)


class DraftTemplate(Strict):
    """A draft document filled from the pathway's answers (see bot/services/explorer/drafts)."""

    id: str = Field(pattern=ASCII_ID)
    title: Bilingual
    addressee: tuple[Section, ...]
    parties: tuple[Section, ...]
    body: tuple[Section, ...]
    requests: tuple[Section, ...]
    attachments: tuple[Section, ...] = ()
    fields: tuple[Literal["your_name", "your_address", "other_name", "other_address",
                          "court"], ...] = ("your_name", "your_address", "other_name",
                                            "other_address")


class Rates(Strict):
    """The МРП by year, and days the Government moved (not known to the holidays package)."""

    mrp: dict[int, float]
    mrp_source: str
    days_off: tuple[date, ...] = ()
    working_days: tuple[date, ...] = ()  # Saturdays made working days by a transfer
