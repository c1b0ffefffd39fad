"""How well the bot understands typed text, measured on the held-out set.

    .venv/bin/python bench/classify.py          (or: make bench-classify)

    .venv/bin/python bench/classify.py --tune   (cross-validation on the training examples)

Prints training time, accuracy (the bot's final answer: a topic, or "unknown" when unsure),
top-3 accuracy, language detection, how often a message is sent straight to a wrong topic, and
time per message. The README's "Understanding typed text" table holds the last results; the
tests fail if accuracy falls below the numbers claimed there.
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from collections import Counter

import numpy as np
from sklearn.model_selection import StratifiedKFold

from bot.services.content import load_content
from bot.services.understanding import classifier_for, training_examples
from bot.services.understanding.classifier import SURE, UNKNOWN, Example, train
from bot.services.understanding.evaluation import evaluate, held_out, unseen
from bot.services.understanding.normalise import fold


def main() -> int:
    content = load_content()
    examples = training_examples(content)
    if "--tune" in sys.argv:
        return tune(examples)
    started = time.perf_counter()
    classifier = classifier_for(content)  # trained exactly as the bot trains it
    trained_in = time.perf_counter() - started
    every_case = held_out()
    cases = unseen(every_case, examples)
    report = evaluate(classifier, cases)
    counts = Counter(case.language for case in cases)
    print(f"training examples      {len(examples)} ({len(content.examples)} intents)")
    print(f"training time          {trained_in:.2f} s")
    print(f"held-out cases         {report.cases} (kk {counts['kk']}, ru {counts['ru']}; "
          f"{len(every_case) - len(cases)} left out as they are also training examples)")
    print(f"confidence to route    {SURE}")
    print(f"accuracy               {floor_percent(report.accuracy)}")
    for language, value in report.by_language.items():
        print(f"  written in {language}        {floor_percent(value)}")
    print(f"top-3 accuracy         {floor_percent(report.top3)}")
    wrong = math.ceil(report.routed_wrongly * 1000) / 10  # rounded up: never look better
    print(f"sent to a wrong topic  {wrong:.1f} %")
    print(f"language detected      {floor_percent(report.language)}")
    print(f"time per message       {report.mean_ms:.2f} ms mean, {report.p99_ms:.2f} ms p99")
    return 0


def floor_percent(share: float) -> str:
    """"98.3 %" for 0.98387: rounded down, so a number copied into the README is never more
    than was measured (the tests hold the bot to the README's numbers)."""
    return f"{math.floor(share * 1000) / 10:.1f} %"


def tune(examples: list[Example]) -> int:
    """Choose the model's settings and the routing threshold by 5-fold cross-validation on the
    training examples alone, so the held-out set stays an honest test."""
    texts = [fold(example.text) for example in examples]
    labels = [example.intent for example in examples]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    print("alpha    epochs  sure  accuracy  wrong-topic")
    for alpha, epochs in itertools.product((1e-5, 3e-5, 1e-4), (10, 30)):
        probabilities = np.zeros((len(texts), len(set(labels))))
        for train_rows, test_rows in folds.split(texts, labels):
            pipeline = train([texts[i] for i in train_rows], [labels[i] for i in train_rows],
                             alpha, epochs)
            probabilities[test_rows] = pipeline.predict_proba([texts[i] for i in test_rows])
        classes = list(pipeline.classes_)
        for sure in (0.4, 0.5, 0.6):
            answers = [classes[row.argmax()] if row.max() >= sure else UNKNOWN
                       for row in probabilities]
            pairs = list(zip(answers, labels, strict=True))
            right = np.mean([answer == label for answer, label in pairs])
            wrong = np.mean([answer not in (UNKNOWN, label) for answer, label in pairs])
            print(f"{alpha:<8g} {epochs:<7} {sure:<5} {right:8.1%}  {wrong:8.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
