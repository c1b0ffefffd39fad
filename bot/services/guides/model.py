"""Digital how-to guides as a content writer keeps them: `bot/content/guides/<id>.yaml`.

A guide is a short sequence of steps, one per screen, for someone new to smartphones: what to
have ready, what they will see, what to press, what can go wrong. Portal menus change, so a guide
says on which date its button names were checked (`as_of`), and every step that states how a
service or the law works cites a source (`bot/content/sources/*.yaml`), like a pathway does.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from bot.services.bilingual import Bilingual
from bot.services.explorer.model import Statement, Strict


class GuideStep(Statement):
    """One screen of a guide. `trouble` is what to do when this step goes wrong."""

    title: Bilingual  # a few words: "Что подготовить" / "Не пришёл код"
    trouble: Bilingual | None = None


class Guide(Strict):
    id: str = Field(pattern=r"^guide\.[a-z_]+$")
    as_of: date  # the day the portal's button and menu names were checked
    intro: Bilingual  # what the guide helps with, and how long it takes
    steps: tuple[GuideStep, ...] = Field(min_length=2, max_length=12)
    related: tuple[str, ...] = ()  # topic ids offered at the end: pathways, guides, services

    def cited(self) -> list[str]:
        return [step.source for step in self.steps if step.source]

    @model_validator(mode="after")
    def _related_once(self) -> Guide:
        if len(self.related) != len(set(self.related)) or self.id in self.related:
            raise ValueError("`related` repeats a topic or names the guide itself")
        return self
