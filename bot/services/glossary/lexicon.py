"""Finding glossary terms: in a typed question ("что такое госпошлина?") and inside the texts
the bot shows (a plan page that says "истцу" offers the meaning of "Истец")."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.services.glossary.model import Glossary, GlossaryTerm
from bot.services.understanding.normalise import fold

# What people wrap a word in when they ask what it means; removed before looking the word up.
# Written as people type them, and folded below exactly as typed text is.
_ASKED_BEFORE = ("что такое", "что значит", "что означает", "что это", "это что", "кто такой",
                 "кто такая", "кто такие", "объясни", "объясните", "объясни что такое",
                 "объясните что такое", "объясни мне", "значение слова", "значение", "слово",
                 "а что такое", "и что такое")
_ASKED_AFTER = ("деген не", "дегеніміз не", "деген кім", "дегеніміз кім", "деген сөз",
                "деген сөзі", "дегеннің мағынасы", "мағынасы", "мағынасы қандай", "мағынасы не",
                "нені білдіреді", "деген", "что это", "это что", "что значит", "что такое",
                "это", "бұл не")


def _either(phrases: tuple[str, ...]) -> str:
    folded = sorted({fold(phrase) for phrase in phrases}, key=len, reverse=True)
    return "|".join(re.escape(phrase) for phrase in folded)


_QUESTION_FRAMES = re.compile(
    rf"^(?:{_either(_ASKED_BEFORE)})\s+|\s+(?:{_either(_ASKED_AFTER)})$")
MAX_WORDS = 4  # longer texts are questions about a problem, not a word to look up
SIMILAR_ENOUGH = 86  # rapidfuzz ratio (0..100) for a typo such as "госпошлна"


class Lexicon:
    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._by_stem = {language: {stem: term.id for term in glossary.terms
                                    for stem in term.words(language).stems}
                         for language in ("kk", "ru")}
        self._patterns = {language: _any_of(stems) for language, stems in self._by_stem.items()}
        self._forms: dict[str, str] = {}  # folded form -> term id, both languages
        self._stems: list[tuple[str, str]] = []  # (folded stem, term id), longest first
        for term in glossary.terms:
            for language in ("kk", "ru"):
                words = term.words(language)
                for form in words.forms():
                    self._forms.setdefault(fold(form), term.id)
                self._stems += [(fold(stem), term.id) for stem in words.stems]
        self._stems.sort(key=lambda pair: -len(pair[0]))

    def terms_in(self, text: str, language: str, limit: int = 3,
                 skip: str | None = None) -> list[GlossaryTerm]:
        """The glossary terms a text uses, in the order they first appear."""
        found: list[str] = []
        for match in self._patterns[language].finditer(text):
            term_id = self._by_stem[language][match.group().lower()]
            if term_id not in found and term_id != skip:
                found.append(term_id)
            if len(found) == limit:
                break
        return [self.glossary.get(term_id) for term_id in found]  # type: ignore[misc]

    @staticmethod
    def asks_meaning(typed: str) -> bool:
        """"что такое госпошлина", "талапкер деген не": a question about a word."""
        return bool(_QUESTION_FRAMES.search(fold(typed)))

    def look_up(self, typed: str) -> GlossaryTerm | None:
        """The term a person typed, in either language, forgiving endings and small typos."""
        query = fold(typed)
        for _ in range(2):  # "а что такое госпошлина это"
            query = _QUESTION_FRAMES.sub("", query).strip()
        if not query or len(query.split()) > MAX_WORDS:
            return None
        if query in self._forms:
            return self.glossary.get(self._forms[query])
        for stem, term_id in self._stems:
            ending = query[len(stem):]
            if query.startswith(stem) and len(ending) <= 4 and " " not in ending:
                return self.glossary.get(term_id)  # "истцу", "госпошлину"
        best = process.extractOne(query, list(self._forms), scorer=fuzz.ratio,
                                  score_cutoff=SIMILAR_ENOUGH)
        return self.glossary.get(self._forms[best[0]]) if best else None


def _any_of(stems: dict[str, str]) -> re.Pattern[str]:
    """One pattern finding any stem at the start of a word; longer stems win."""
    alternatives = "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)
