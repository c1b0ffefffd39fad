"""Understanding typed text: the folding that makes typos and transliteration look alike, the
classifier on the issue's own examples, its fast scorer against scikit-learn's, the held-out
accuracy against what the README claims, and `python -m bot classify` as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from bot.config import PROJECT_ROOT
from bot.services.content import load_content
from bot.services.understanding import classifier_for, training_examples
from bot.services.understanding.classifier import UNKNOWN, Classifier, Example
from bot.services.understanding.evaluation import evaluate, held_out, unseen
from bot.services.understanding.normalise import fold


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    built = classifier_for(load_content())
    assert built is not None
    return built


@pytest.mark.parametrize(("typed", "folded"), [
    ("Жұмыстан шығарып жіберді!!!", "жумыстан шыгарып жиберди"),
    ("жумыстан шыгарып жиберди", "жумыстан шыгарып жиберди"),
    ("muzh ne platit alimenty", "муж не платит алименты"),
    ("Jumystan shygaryp jiberdi", "жумыстан шыгарып жиберди"),
    ("ЭЦП", "ецп"),
    ("ecp", "ецп"),
    ("помогиииите 🙏🙏", "помогиите"),
    ("  ", ""),
])
def test_folding_makes_the_same_words_look_alike(typed: str, folded: str) -> None:
    assert fold(typed) == folded


@pytest.mark.parametrize(("typed", "intent", "language"), [
    # The issue's own examples.
    ("муж не платит алименты", "family.alimony", "ru"),
    ("жұмыстан шығарып жіберді", "labour.dismissal", "kk"),
    ("как получить эцп", "guide.eds", "ru"),
    ("судебный приказ пришел что делать", "debt.court_order", "ru"),
    # No capitals, typos, no Kazakh letters, Latin letters, both languages in one message.
    ("алементы не плотит бывший", "family.alimony", "ru"),
    ("жумыстан шыгарып жиберди", "labour.dismissal", "kk"),
    ("ajyrasu kerek", "family.divorce", "kk"),
    ("razvod hochu", "family.divorce", "ru"),
    ("судебный приказ келді не істеймін", "debt.court_order", "kk"),
    ("позовите оператора", "service.operator", "ru"),
])
def test_the_issues_examples_go_to_the_right_topic(
    classifier: Classifier, typed: str, intent: str, language: str
) -> None:
    understood = classifier.understand(typed)
    assert (understood.intent, understood.language) == (intent, language), understood
    assert understood.confidence >= 0.5
    assert understood.alternatives[0] == intent


@pytest.mark.parametrize("typed", ["ааааа", "12345", "???", "🙂", "", "привет"])
def test_what_is_not_a_topic_is_unknown(classifier: Classifier, typed: str) -> None:
    understood = classifier.understand(typed)
    assert understood.intent == UNKNOWN
    assert understood.language in ("kk", "ru")


def test_the_fast_scorer_gives_scikit_learns_numbers(classifier: Classifier) -> None:
    texts = [fold(case.text) for case in held_out()[:200]]
    expected = classifier.topic_pipeline.predict_proba(texts)
    ours = np.array([[dict(classifier.ranked(text))[intent] for intent in classifier.intents]
                     for text in texts])
    assert np.allclose(ours, expected, atol=1e-9)
    languages = classifier.language_pipeline.predict(texts)
    assert [classifier.language_of(text, text) for text in texts] == list(languages)


def test_every_topic_has_many_examples_in_both_languages() -> None:
    content = load_content()
    for topic in content.topics:
        examples = content.examples.get(topic.id)
        assert examples is not None, topic.id
        assert len(examples.kk) >= 30 and len(examples.ru) >= 30, topic.id
    assert len(content.examples["unknown"].kk) >= 30


def test_the_held_out_set_is_separate_from_the_training_examples() -> None:
    content = load_content()
    cases = held_out()
    fresh = unseen(cases, training_examples(content))
    shared = [case.text for case in cases if case not in fresh]
    # A few one-word messages ("алименты") are bound to be typed the same way by anyone.
    assert len(shared) <= len(cases) * 0.03, shared
    assert {case.intent for case in cases} == {*content.examples}
    assert {case.language for case in cases} == {"kk", "ru"}


def readme_claims() -> dict[str, float]:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    claims = {}
    for name in ("accuracy", "top-3 accuracy", "language detected"):
        match = re.search(rf"^\| {name} \| ([\d.]+) %", readme, re.MULTILINE)
        assert match, f"README has no '| {name} | N % |' row"
        claims[name] = float(match.group(1)) / 100
    return claims


def test_held_out_accuracy_is_at_least_what_the_readme_claims(classifier: Classifier) -> None:
    claims = readme_claims()
    report = evaluate(classifier, unseen(held_out(), training_examples(load_content())))
    assert report.cases >= 600
    assert report.accuracy >= claims["accuracy"]
    assert report.top3 >= claims["top-3 accuracy"]
    assert report.language >= claims["language detected"]


def run_classify(*args: str, stdin: str | None = None) -> list[dict]:
    finished = subprocess.run([sys.executable, "-m", "bot", "classify", *args], input=stdin,
                              capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT,
                              check=True)
    return [json.loads(line) for line in finished.stdout.splitlines()]


def test_the_classify_command_prints_one_json_line() -> None:
    [answer] = run_classify("муж не платит алименты")
    assert set(answer) == {"intent", "confidence", "language", "alternatives"}
    assert answer["intent"] == "family.alimony" and answer["language"] == "ru"
    assert 0.5 <= answer["confidence"] <= 1
    assert answer["alternatives"][0] == "family.alimony" and len(answer["alternatives"]) == 3


def test_the_classify_command_reads_standard_input_line_by_line() -> None:
    answers = run_classify("-", stdin="жұмыстан шығарып жіберді\nqwrtp zzxv\nкак получить эцп\n")
    assert [answer["intent"] for answer in answers] == ["labour.dismissal", UNKNOWN, "guide.eds"]
    assert [answer["language"] for answer in answers][::2] == ["kk", "ru"]
    known = {topic.id for topic in load_content().topics}
    assert all(set(answer["alternatives"]) <= known for answer in answers)


def test_the_fast_scorer_matches_scikit_learn_for_two_intents_too() -> None:
    examples = [Example(text, intent, language) for text, intent, language in [
        ("муж не платит алименты", "family.alimony", "ru"),
        ("алимент төлемейді", "family.alimony", "kk"),
        ("взыскать алименты с отца", "family.alimony", "ru"), ("привет", "unknown", "ru"),
        ("сәлеметсіз бе", "unknown", "kk"), ("здравствуйте", "unknown", "ru")]]
    small = Classifier(examples)
    for text in ("алименты", "привет всем", "ыыы"):
        expected = small.topic_pipeline.predict_proba([fold(text)])[0]
        ours = dict(small.ranked(fold(text)))
        assert np.allclose([ours[intent] for intent in small.intents], expected), text


def test_examples_that_are_not_a_list_of_texts_are_refused(tmp_path) -> None:
    from bot.services.content import ContentError, _merge_examples

    (tmp_path / "bad.yaml").write_text("examples:\n  family.alimony:\n    ru: муж не платит\n",
                                       encoding="utf-8")
    with pytest.raises(ContentError, match="expected a list of texts"):
        _merge_examples(tmp_path)
