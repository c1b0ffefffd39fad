"""Which topic a typed message is about, how sure we are, and which language it is in.

Built from the curated examples in `bot/content/understanding/*.yaml` when the bot starts (a few
seconds): character n-grams of the folded text (robust to typos, endings and missing Kazakh
letters) plus whole words and word pairs, weighted by TF-IDF, fed to a linear model trained by
scikit-learn (logistic loss, so the scores are probabilities). No network, no downloaded model.
A second small model, trained on the same examples, tells Kazakh from Russian when a message
has no Kazakh letters to go by.

scikit-learn trains; answering one message goes through `LinearText`, which reads the trained
vocabularies and weights once and scores a message with a few numpy operations. sklearn's own
per-call checks cost milliseconds, a typed message should cost well under one (tests compare
both give the same numbers).

The answer is a topic id from shared/taxonomy.md, or `unknown` when the best guess is not sure
enough — the bot then offers its best few topics instead of guessing silently.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from bot.services.understanding.normalise import fold, has_kazakh_letters

if TYPE_CHECKING:  # scikit-learn and SciPy load when a classifier is made, not with the bot
    from sklearn.pipeline import FeatureUnion, Pipeline

UNKNOWN = "unknown"
SURE = 0.5  # below this probability the bot asks instead of routing (README: Understanding)
ALTERNATIVES = 3
WORTH_OFFERING = 0.15  # the best topic's probability below which none is offered


@dataclass(frozen=True)
class Understanding:
    intent: str  # a topic id, or "unknown"
    confidence: float  # 0..1: the probability of the best guess (which may be "unknown")
    language: str  # "kk" or "ru": the language the text is written in
    alternatives: list[str] = field(default_factory=list)  # the best topic ids, best first

    def as_json(self) -> dict:
        return asdict(self) | {"confidence": round(self.confidence, 3)}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str


ALPHA, EPOCHS = 1e-5, 10  # chosen by `bench/classify.py --tune` (cross-validation on training)


def train(texts: list[str], labels: list[str], alpha: float = ALPHA,
          epochs: int = EPOCHS) -> Pipeline:
    """TF-IDF of character 2–5-grams and of words and word pairs, and a linear model with
    logistic loss."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b")),
    ])
    model = SGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs, tol=None,
                          random_state=0)
    pipeline = Pipeline([("features", features), ("model", model)])
    pipeline.fit(texts, labels)
    return pipeline


class LinearText:
    """A trained pipeline's weights, ready to score one text quickly."""

    def __init__(self, pipeline: Pipeline) -> None:
        union: FeatureUnion = pipeline.named_steps["features"]
        model = pipeline.named_steps["model"]
        self.classes: list[str] = [str(label) for label in model.classes_]
        self._parts = []
        offset = 0
        for _name, vectorizer in union.transformer_list:
            self._parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_,
                                vectorizer.idf_, offset))
            offset += len(vectorizer.vocabulary_)
        self._weights = np.ascontiguousarray(model.coef_.T)  # features × classes
        self._intercept = model.intercept_.copy()

    def scores(self, folded: str) -> np.ndarray:
        """The model's decision values, as sklearn's `decision_function` gives them."""
        total = self._intercept.copy()
        for analyze, vocabulary, idf, offset in self._parts:
            counts = Counter(index for gram in analyze(folded)
                             if (index := vocabulary.get(gram)) is not None)
            if not counts:
                continue
            indexes = np.fromiter(counts, dtype=np.int64, count=len(counts))
            values = np.fromiter((1 + math.log(count) for count in counts.values()),
                                 dtype=np.float64, count=len(counts)) * idf[indexes]
            values /= np.linalg.norm(values)
            total += values @ self._weights[indexes + offset]
        return total

    def probabilities(self, folded: str) -> np.ndarray:
        """One-vs-rest logistic probabilities, normalised to sum to one (as sklearn does; a
        binary model's one score is the second class's probability)."""
        # The logistic function, without overflowing for very sure scores (SciPy's `expit`).
        probabilities = np.exp(-np.logaddexp(0, -self.scores(folded)))
        if len(self.classes) == 2:
            return np.array([1 - probabilities[0], probabilities[0]])
        return probabilities / probabilities.sum()

    def best(self, folded: str) -> str:
        scores = self.scores(folded)
        if len(self.classes) == 2:  # a binary model has one column of weights
            return self.classes[int(scores[0] > 0)]
        return self.classes[int(np.argmax(scores))]


class Classifier:
    def __init__(self, examples: Iterable[Example]) -> None:
        examples = list(examples)
        if not examples:
            raise ValueError("the classifier needs examples")
        texts = [fold(example.text) for example in examples]
        self._use(train(texts, [example.intent for example in examples]),
                  train(texts, [example.language for example in examples]))

    @classmethod
    def from_pipelines(cls, topic_pipeline: Pipeline, language_pipeline: Pipeline) -> Classifier:
        """One trained before (kept on disk by `understanding.classifier_for`)."""
        classifier = cls.__new__(cls)
        classifier._use(topic_pipeline, language_pipeline)
        return classifier

    def _use(self, topic_pipeline: Pipeline, language_pipeline: Pipeline) -> None:
        self.topic_pipeline = topic_pipeline
        self.language_pipeline = language_pipeline
        self._topics = LinearText(self.topic_pipeline)
        self._languages = LinearText(self.language_pipeline)
        self.intents = self._topics.classes

    def understand(self, text: str) -> Understanding:
        folded = fold(text)
        language = self.language_of(text, folded)
        if not any(character.isalpha() for character in folded):
            return Understanding(UNKNOWN, 0.0, language, [])
        ranked = self.ranked(folded)
        best, confidence = ranked[0]
        if best == UNKNOWN and confidence >= SURE:
            # Sure it is not one of our topics ("привет", "ыыы", a criminal case): no topic is
            # worth offering; the bot says it did not understand and shows the way to a person.
            return Understanding(UNKNOWN, confidence, language, [])
        topics = [(intent, probability) for intent, probability in ranked if intent != UNKNOWN]
        # Offer topics only when one of them stands out a little: three equally unlikely
        # topics ("да", "ок") would only confuse.
        alternatives = ([intent for intent, _ in topics[:ALTERNATIVES]]
                        if topics and topics[0][1] >= WORTH_OFFERING else [])
        intent = best if best != UNKNOWN and confidence >= SURE else UNKNOWN
        return Understanding(intent, confidence, language, alternatives)

    def ranked(self, folded: str) -> list[tuple[str, float]]:
        """Every intent with its probability, most likely first."""
        probabilities = self._topics.probabilities(folded)
        order = np.argsort(probabilities)[::-1]
        return [(self.intents[index], float(probabilities[index])) for index in order]

    def language_of(self, text: str, folded: str | None = None) -> str:
        if has_kazakh_letters(text):
            return "kk"
        folded = fold(text) if folded is None else folded
        return self._languages.best(folded) if folded else "ru"
