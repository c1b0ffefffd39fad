"""Understanding what people type: which topic they need, and in which language they wrote."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.content import Content

if TYPE_CHECKING:  # scikit-learn loads with the classifier, not with the bot
    from bot.services.understanding.classifier import Classifier, Example

log = logging.getLogger(__name__)


def classifier_for(content: Content, cache_dir: Path | None = None) -> Classifier | None:
    """The classifier trained on the content's examples; built once per set of examples (tests
    and the content check build many bots from the same files). With `cache_dir`, the trained
    models are also kept there, named by a hash of the examples and of what training depends
    on, so a restart with the same examples loads them instead of training again."""
    examples = tuple(training_examples(content))
    if not examples:
        return None
    return _trained(examples, str(cache_dir) if cache_dir else "")


def training_examples(content: Content) -> list[Example]:
    """The content's examples in one fixed order (training depends on the order, so the bot,
    the benchmark and the tests must all see the same one)."""
    from bot.services.understanding.classifier import Example

    return [Example(text, intent, language)
            for intent, by_language in sorted(content.examples.items())
            for language in ("kk", "ru")
            for text in getattr(by_language, language)]


@lru_cache(maxsize=4)
def _trained(examples: tuple[Example, ...], cache_dir: str) -> Classifier:
    from bot.services.understanding.classifier import Classifier

    path = Path(cache_dir) / f"classifier-{_fingerprint(examples)}.pickle" if cache_dir \
        else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as file:  # written by this bot into its own data folder
                return Classifier.from_pipelines(*pickle.load(file))
        except Exception as error:  # a file from another library version: train anew
            log.warning("the kept classifier could not be read (%s); training it again",
                        type(error).__name__)
    classifier = Classifier(examples)
    if path is not None:
        _keep(path, (classifier.topic_pipeline, classifier.language_pipeline))
    return classifier


def _fingerprint(examples: tuple[Example, ...]) -> str:
    import sklearn

    from bot.services.understanding import classifier

    digest = hashlib.sha256()
    for part in (sklearn.__version__, repr((classifier.ALPHA, classifier.EPOCHS)),
                 Path(classifier.__file__).read_text(encoding="utf-8"),
                 *(f"{e.intent}\t{e.language}\t{e.text}" for e in examples)):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def _keep(path: Path, pipelines: tuple) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("wb") as file:
            pickle.dump(pipelines, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # whole or not at all, even with two instances starting
    except OSError as error:
        log.warning("could not keep the trained classifier: %s", type(error).__name__)
