"""Content is data: topics and human-help contacts live in YAML files in `bot/content/`,
Kazakh and Russian side by side, validated here at start so a broken file stops the bot with a
clear message instead of a half-translated screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.services.bilingual import Bilingual
from bot.services.explorer.model import (
    DraftTemplate,
    Duty,
    Pathway,
    Rates,
    Source,
    Statement,
)
from bot.services.glossary.model import Glossary
from bot.services.guides.model import Guide
from bot.services.hearings.model import CourtList, HearingHelp

__all__ = ["Bilingual", "Content", "ContentError", "Topic", "load_content"]

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    kind: Literal["pathway", "guide", "service"]
    title: Bilingual
    short: Bilingual | None = None
    helps: Bilingual | None = None  # one line of what it helps with, for printed posters

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


class IntentExamples(BaseModel):
    """What people type when they need one topic: training for the text classifier."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kk: tuple[str, ...] = ()
    ru: tuple[str, ...] = ()


class Content(BaseModel):
    model_config = ConfigDict(frozen=True)
    topics: tuple[Topic, ...]
    contacts: tuple[Contact, ...]
    sources: dict[str, Source] = {}
    pathways: dict[str, Pathway] = {}
    drafts: dict[str, DraftTemplate] = {}
    rates: Rates | None = None
    guides: dict[str, Guide] = {}
    glossary: Glossary | None = None
    examples: dict[str, IntentExamples] = {}  # intent id (a topic id or "unknown") -> texts
    courts: CourtList | None = None  # the region → court buttons for adding a hearing
    hearing_help: HearingHelp | None = None  # what reminders say: bring, online, can't come

    def topic(self, topic_id: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.id == topic_id), None)

    def topics_of(self, kind: str) -> list[Topic]:
        return [topic for topic in self.topics if topic.kind == kind]


class ContentError(SystemExit):
    """A content file is broken; the message says which file and what."""


# libyaml's loader when PyYAML has it (the wheels do): the same safe loading, several times
# faster, which is most of the bot's start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LOADER) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path}: {error}") from None


def load_content(directory: Path = CONTENT_DIR) -> Content:
    data = {
        "topics": _read(directory / "topics.yaml").get("topics", []),
        "contacts": _read(directory / "contacts.yaml").get("contacts", []),
        "sources": _merge_sources(directory / "sources"),
        "pathways": _by_id(directory / "pathways"),
        "drafts": _by_id(directory / "drafts"),
        "rates": _read(directory / "rates.yaml") or None,
        "guides": _by_id(directory / "guides"),
        "glossary": _read_optional(directory / "glossary.yaml") or None,
        "examples": _merge_examples(directory / "understanding"),
        "courts": _read_optional(directory / "courts.yaml") or None,
        "hearing_help": _read_optional(directory / "hearing_help.yaml") or None,
    }
    try:
        content = Content.model_validate(data)
    except ValidationError as error:
        raise ContentError(f"content in {directory} is not valid:\n{error}") from None
    ids = [topic.id for topic in content.topics]
    if len(ids) != len(set(ids)):
        raise ContentError("topics.yaml repeats a topic id")
    problems = cross_references(content)
    if problems:
        raise ContentError("content in {} does not fit together:\n{}".format(
            directory, "\n".join(problems)))
    return content


def _read_optional(path: Path) -> dict:
    return _read(path) if path.exists() else {}


def _merge_examples(folder: Path) -> dict:
    """All `understanding/*.yaml` files as one table; one intent's examples may span files."""
    merged: dict[str, dict[str, list]] = {}
    for path in sorted(folder.glob("*.yaml")):
        for intent, by_language in (_read(path).get("examples") or {}).items():
            if not isinstance(by_language, dict):
                raise ContentError(f"{path}: {intent}: expected `kk:` and `ru:` lists")
            into = merged.setdefault(intent, {"kk": [], "ru": []})
            for language, texts in by_language.items():
                if not isinstance(texts, list) or not all(isinstance(text, str)
                                                          for text in texts):
                    raise ContentError(f"{path}: {intent}: {language}: expected a list of "
                                       "texts (quote numbers and yes/no)")
                into.setdefault(language, []).extend(texts)
    return merged


def _merge_sources(folder: Path) -> dict:
    """All `sources/*.yaml` files as one table; an id may be defined only once."""
    merged: dict = {}
    for path in sorted(folder.glob("*.yaml")):
        for key, value in (_read(path).get("sources") or {}).items():
            if key in merged:
                raise ContentError(f"{path}: source {key!r} is defined twice")
            merged[key] = value
    return merged


def _by_id(folder: Path) -> dict:
    """Files named after their `id` (`family.divorce.yaml` holds `id: family.divorce`); a
    folder that is not there yet holds nothing."""
    items: dict = {}
    for path in sorted(folder.glob("*.yaml")):
        data = _read(path)
        if data.get("id") != path.stem:
            raise ContentError(f"{path}: `id` must be {path.stem!r}, like the file name")
        items[path.stem] = data
    return items


def cross_references(content: Content) -> list[str]:
    """What the schema alone cannot see: ids that point at nothing."""
    problems = []
    pathway_topics = {topic.id for topic in content.topics_of("pathway")}
    guides = {topic.id for topic in content.topics_of("guide")}
    for pathway_id, pathway in content.pathways.items():
        if pathway_id not in pathway_topics:
            problems.append(f"pathway {pathway_id}: not a pathway id in topics.yaml")
        for outcome_id, outcome in pathway.outcomes.items():
            where = f"pathway {pathway_id}, outcome {outcome_id}"
            for cited in outcome.cited():
                if cited not in content.sources:
                    problems.append(f"{where}: unknown source {cited!r}")
            problems += _unconfirmed(content, where, outcome.checked_items())
            if outcome.draft and outcome.draft not in content.drafts:
                problems.append(f"{where}: unknown draft {outcome.draft!r}")
            if outcome.online and outcome.online.guide and outcome.online.guide not in guides:
                problems.append(f"{where}: unknown guide {outcome.online.guide!r}")
    if content.rates and content.rates.mrp_source not in content.sources:
        problems.append(f"rates.yaml: unknown source {content.rates.mrp_source!r}")
    problems += [f"topics.yaml: {topic.id} has no {topic.kind} file ({topic.kind}s/{topic.id}.yaml)"
                 for topic in content.topics
                 if (topic.kind == "pathway" and topic.id not in content.pathways)
                 or (topic.kind == "guide" and topic.id not in content.guides)]
    problems += [f"understanding: examples for {intent!r}, which is not a topic id or 'unknown'"
                 for intent in content.examples
                 if intent != "unknown" and content.topic(intent) is None]
    return (problems + _guide_references(content) + _glossary_references(content)
            + _hearing_help_references(content))


def _hearing_help_references(content: Content) -> list[str]:
    help_ = content.hearing_help
    if help_ is None:
        return []
    statements = [*help_.bring, *help_.online, *help_.cant_come]
    where = "hearing_help.yaml"
    return ([f"{where}: unknown source {s.source!r}" for s in statements
             if s.source and s.source not in content.sources]
            + _unconfirmed(content, where, [s for s in statements if s.source]))


def _guide_references(content: Content) -> list[str]:
    problems = []
    topic_ids = {topic.id for topic in content.topics}
    guide_topics = {topic.id for topic in content.topics_of("guide")}
    for guide_id, guide in content.guides.items():
        where = f"guide {guide_id}"
        if guide_id not in guide_topics:
            problems.append(f"{where}: not a guide id in topics.yaml")
        problems += [f"{where}: unknown source {cited!r}" for cited in guide.cited()
                     if cited not in content.sources]
        problems += _unconfirmed(content, where, [step for step in guide.steps if step.source])
        problems += [f"{where}: `related` names unknown topic {topic!r}"
                     for topic in guide.related if topic not in topic_ids]
    return problems


def _glossary_references(content: Content) -> list[str]:
    if content.glossary is None:
        return []
    return [f"glossary term {term.id}: unknown source {term.source!r}"
            for term in content.glossary.terms
            if term.source and term.source not in content.sources]


def _unconfirmed(content: Content, where: str, items: Sequence[Statement | Duty]) -> list[str]:
    """Statements citing a source nobody could confirm must tell the citizen to check."""
    return [f"{where}: {item.source!r} is not confirmed (confidence L), so the statement "
            "needs `check: true`"
            for item in items
            if item.source in content.sources and not item.check
            and content.sources[item.source].confidence == "L"]
