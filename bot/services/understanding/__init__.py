"""Understanding what people type: which topic they need, and in which language they wrote."""

from __future__ import annotations

from functools import lru_cache

from bot.services.content import Content
from bot.services.understanding.classifier import Classifier, Example


def classifier_for(content: Content) -> Classifier | None:
    """The classifier trained on the content's examples; built once per set of examples (tests
    and the content check build many bots from the same files)."""
    examples = tuple(training_examples(content))
    return _trained(examples) if examples else None


def training_examples(content: Content) -> list[Example]:
    """The content's examples in one fixed order (training depends on the order, so the bot,
    the benchmark and the tests must all see the same one)."""
    return [Example(text, intent, language)
            for intent, by_language in sorted(content.examples.items())
            for language in ("kk", "ru")
            for text in getattr(by_language, language)]


@lru_cache(maxsize=4)
def _trained(examples: tuple[Example, ...]) -> Classifier:
    return Classifier(examples)
