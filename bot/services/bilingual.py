"""A text written in both languages: the unit of all content."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class Bilingual(BaseModel):
    """A text written in both languages. Neither may be empty."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kk: str
    ru: str

    @field_validator("kk", "ru")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be empty")
        return value

    def __call__(self, language: str) -> str:
        return self.kk if language == "kk" else self.ru
