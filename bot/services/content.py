"""Content is data: topics and human-help contacts live in YAML files in `bot/content/`,
Kazakh and Russian side by side, validated here at start so a broken file stops the bot with a
clear message instead of a half-translated screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


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


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    kind: Literal["pathway", "guide", "service"]
    title: Bilingual
    short: Bilingual | None = None

    @property
    def deep_link(self) -> str:
        """The `/start` argument for this topic: dots become dashes (Telegram allows no dots)."""
        return self.id.replace(".", "-")

    def label(self, language: str) -> str:
        return (self.short or self.title)(language)


class LegalSource(BaseModel):
    """Where a statement comes from and when somebody last checked it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: Bilingual
    url: str
    checked: date


class Contact(LegalSource):
    id: str
    text: Bilingual


class Content(BaseModel):
    model_config = ConfigDict(frozen=True)
    topics: tuple[Topic, ...]
    contacts: tuple[Contact, ...]

    def topic(self, topic_id: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.id == topic_id), None)

    def topics_of(self, kind: str) -> list[Topic]:
        return [topic for topic in self.topics if topic.kind == kind]


class ContentError(SystemExit):
    """A content file is broken; the message says which file and what."""


def _read(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None


def load_content(directory: Path = CONTENT_DIR) -> Content:
    data = {
        "topics": _read(directory / "topics.yaml").get("topics", []),
        "contacts": _read(directory / "contacts.yaml").get("contacts", []),
    }
    try:
        content = Content.model_validate(data)
    except ValidationError as error:
        raise ContentError(f"content in {directory} is not valid:\n{error}") from None
    ids = [topic.id for topic in content.topics]
    if len(ids) != len(set(ids)):
        raise ContentError("topics.yaml repeats a topic id")
    return content
