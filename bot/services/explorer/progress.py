"""A person's way through a pathway: their answers, and where those answers lead.

Answers are kept per pathway in the conversation data (`data["explorer"][pathway id]`), so a
person can leave, come back days later and go on, or go back and change one answer without
losing the others: the trail is always recomputed from the start with the answers given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.services.explorer.model import Pathway

UNSURE = "unsure"  # the answer recorded for "I'm not sure" when the question offers a way on
SKIPPED = "skip"  # an amount question the person could not answer


@dataclass(frozen=True)
class Trail:
    steps: tuple[tuple[str, str], ...]  # (question id, answer value) in the order asked
    stop: str  # the first question still to answer, or the outcome the answers lead to

    def reached_outcome(self, pathway: Pathway) -> bool:
        return self.stop in pathway.outcomes


class Progress:
    """The stored answers for one pathway, read and written through this class only."""

    def __init__(self, data: dict[str, Any], pathway: Pathway) -> None:
        self.pathway = pathway
        explorer = data.setdefault("explorer", {})
        self._state: dict[str, Any] = explorer.setdefault(pathway.id, {})
        self._explorer = explorer

    @property
    def answers(self) -> dict[str, str]:
        return self._state.setdefault("answers", {})

    def answer(self, question_id: str, value: str) -> None:
        self.answers[question_id] = value
        self._explorer["current"] = self.pathway.id
        self._state.pop("done", None)

    def restart(self) -> None:
        self._state.clear()
        self._explorer["current"] = self.pathway.id

    def finish(self) -> None:
        self._state["done"] = True
        if self._explorer.get("current") == self.pathway.id:
            self._explorer.pop("current")

    @property
    def started(self) -> bool:
        return bool(self.answers)

    def trail(self) -> Trail:
        steps: list[tuple[str, str]] = []
        node, seen = self.pathway.start, set()
        while node in self.pathway.questions and node not in seen:
            seen.add(node)
            value = self.answers.get(node)
            following = self._follow(node, value)
            if following is None:
                break
            steps.append((node, value))
            node = following
        return Trail(tuple(steps), node)

    def _follow(self, question_id: str, value: str | None) -> str | None:
        question = self.pathway.questions[question_id]
        if value is None:
            return None
        if value == UNSURE:
            return question.unsure.next if question.unsure else None
        if question.kind == "amount":
            return question.next
        option = next((item for item in question.options if item.value == value), None)
        return option.next if option else None

    # Sums and dates the plan uses.

    @property
    def claim_amount(self) -> Decimal | None:
        """The amount typed on the plan, else the first amount answered on the trail."""
        typed = _decimal(self._state.get("amount"))
        if typed is not None:
            return typed
        for question_id, value in self.trail().steps:
            if self.pathway.questions[question_id].kind == "amount":
                found = _decimal(value)
                if found is not None:
                    return found
        return None

    @claim_amount.setter
    def claim_amount(self, value: Decimal) -> None:
        self._state["amount"] = str(value)

    @property
    def start_date(self) -> date | None:
        text = self._state.get("start")
        return date.fromisoformat(text) if text else None

    @start_date.setter
    def start_date(self, value: date) -> None:
        self._state["start"] = value.isoformat()

    @property
    def feedback(self) -> str | None:
        return self._state.get("feedback")

    @feedback.setter
    def feedback(self, value: str) -> None:
        self._state["feedback"] = value

    # The draft's names and addresses live here only while the draft is being made.

    @property
    def fields(self) -> dict[str, str]:
        return self._state.setdefault("fields", {})

    def drop_fields(self) -> None:
        self._state.pop("fields", None)


def current_pathway(data: dict[str, Any]) -> str | None:
    """The pathway the person left unfinished, to offer "continue where you left off"."""
    return data.get("explorer", {}).get("current")


def drop_all_fields(data: dict[str, Any]) -> None:
    for state in data.get("explorer", {}).values():
        if isinstance(state, dict):
            state.pop("fields", None)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, "", SKIPPED, UNSURE):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
