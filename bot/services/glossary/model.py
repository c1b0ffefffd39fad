"""The plain-words glossary as a content writer keeps it: `bot/content/glossary.yaml`.

Each term has its word in each language, other spellings people type (`also`), the stems that
find it inside a sentence whatever its ending (`stems`: "истц" finds истец, истца, истцу), and a
one- or two-sentence explanation written for that language's readers.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from bot.services.explorer.model import ASCII_ID, Strict


class TermWords(Strict):
    """A term in one language."""

    term: str = Field(min_length=2, max_length=40)
    short: str | None = Field(default=None, max_length=24)  # for WhatsApp's list rows
    also: tuple[str, ...] = ()  # synonyms, abbreviations, Latin spellings
    stems: tuple[str, ...] = Field(min_length=1)  # lower case, 4+ letters unless an abbreviation
    text: str = Field(min_length=20, max_length=400)

    @field_validator("stems")
    @classmethod
    def _stems_lower(cls, stems: tuple[str, ...]) -> tuple[str, ...]:
        for stem in stems:
            if stem != stem.lower() or len(stem) < 3:
                raise ValueError(f"stem {stem!r}: lower case, at least 3 letters")
        return stems

    def forms(self) -> list[str]:
        """Everything a person might type for this term."""
        return [self.term, *self.also]


class GlossaryTerm(Strict):
    id: str = Field(pattern=ASCII_ID, max_length=14)
    kk: TermWords
    ru: TermWords
    source: str | None = None  # a source id, when the explanation states the law

    def words(self, language: str) -> TermWords:
        return self.kk if language == "kk" else self.ru


class Glossary(Strict):
    terms: tuple[GlossaryTerm, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> Glossary:
        ids = [term.id for term in self.terms]
        if len(ids) != len(set(ids)):
            raise ValueError("a term id repeats")
        return self

    def get(self, term_id: str) -> GlossaryTerm | None:
        return next((term for term in self.terms if term.id == term_id), None)
