"""Measuring the classifier on the held-out set (`bench/data/classify_heldout.yaml`), which was
written separately from the training examples. Used by `bench/classify.py` (numbers for the
README) and by the tests (which fail when accuracy falls below what the README claims)."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.config import PROJECT_ROOT
from bot.services.understanding.classifier import Classifier, Example
from bot.services.understanding.normalise import fold

HELD_OUT = PROJECT_ROOT / "bench" / "data" / "classify_heldout.yaml"


@dataclass(frozen=True)
class Report:
    cases: int
    accuracy: float  # the final answer (a topic or "unknown") equals the label
    top3: float  # the label is among the three most likely intents ("unknown" included)
    language: float  # the detected language equals the label
    routed_wrongly: float  # share of cases sent straight to a topic that was not the label
    by_language: dict[str, float]
    mean_ms: float
    p99_ms: float


def held_out(path: Path = HELD_OUT) -> list[Example]:
    with path.open(encoding="utf-8") as handle:
        cases = yaml.safe_load(handle)["cases"]
    return [Example(str(case["text"]), case["intent"], case["language"]) for case in cases]


def unseen(cases: list[Example], training: list[Example]) -> list[Example]:
    """The held-out cases the classifier was not trained on word for word: a message that
    someone later adds to the training examples stops counting as a test."""
    trained = {fold(example.text) for example in training}
    return [case for case in cases if fold(case.text) not in trained]


def evaluate(classifier: Classifier, cases: list[Example]) -> Report:
    exact = top3 = language = wrong = 0
    per_language: dict[str, list[int]] = {}
    timings = []
    for case in cases:
        started = time.perf_counter()
        understood = classifier.understand(case.text)
        timings.append((time.perf_counter() - started) * 1000)
        ranked = [intent for intent, _ in classifier.ranked(fold(case.text))[:3]]
        hit = understood.intent == case.intent
        exact += hit
        top3 += case.intent in ranked
        language += understood.language == case.language
        wrong += understood.intent not in ("unknown", case.intent)
        per_language.setdefault(case.language, []).append(hit)
    count = len(cases)
    timings.sort()
    return Report(
        cases=count,
        accuracy=exact / count,
        top3=top3 / count,
        language=language / count,
        routed_wrongly=wrong / count,
        by_language={key: sum(hits) / len(hits) for key, hits in sorted(per_language.items())},
        mean_ms=statistics.fmean(timings),
        p99_ms=timings[min(count - 1, int(count * 0.99))],
    )
