"""One spelling for the many ways people type the same words.

People type Kazakh without Kazakh letters ("жумыстан шыгарып жиберди"), Russian in Latin
letters ("muzh ne platit alimenty"), with repeated letters, emoji and no capitals. The classifier
sees every message folded to one plain Cyrillic form, so "Жұмыстан", "жумыстан" and "jumystan"
look alike to it.
"""

from __future__ import annotations

import re

KAZAKH_LETTERS = frozenset("әғқңөұүһі")

# Kazakh letters folded to the Russian letters people type instead of them.
_FOLD = str.maketrans({"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у",
                       "һ": "х", "і": "и", "ё": "е", "э": "е", "ъ": "", "ь": ""})

# Latin spellings, longest first: "shch" before "sh" before "s". "j" is ж, as Kazakhs type it
# ("jumys"). Kazakh Latin letters (ä, ğ, q, ñ, ö, ū, ü, ı, ş) are included so both the 2021
# alphabet and improvised spellings fold alike.
_LATIN = sorted({
    "shch": "щ", "sch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц",
    "ya": "я", "yu": "ю", "yo": "е", "ye": "е", "ae": "а",
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "у", "x": "кс", "y": "ы", "z": "з",
    "ä": "а", "ğ": "г", "ñ": "н", "ö": "о", "ū": "у", "ü": "у", "ı": "ы", "ş": "ш", "ç": "ч",
}.items(), key=lambda pair: -len(pair[0]))
_LATIN_PATTERN = re.compile("|".join(re.escape(latin) for latin, _ in _LATIN))
_LATIN_MAP = dict(_LATIN)
_LATIN_WORD = re.compile(r"\b[a-zäğñöūüış]+\b")
_NOT_A_LETTER = re.compile(r"[^\w]+|_")
_REPEATS = re.compile(r"(\w)\1{2,}")

MAX_CHARACTERS = 1000  # a long story says what it is about early; the rest only costs time


def fold(text: str) -> str:
    """Lower case, Latin words spelled in Cyrillic, Kazakh letters folded, no punctuation."""
    text = text[:MAX_CHARACTERS].lower()
    text = _LATIN_WORD.sub(lambda word: _to_cyrillic(word.group()), text)
    text = text.translate(_FOLD)
    text = _REPEATS.sub(r"\1\1", text)
    return " ".join(_NOT_A_LETTER.sub(" ", text).split())


def _to_cyrillic(word: str) -> str:
    return _LATIN_PATTERN.sub(lambda match: _LATIN_MAP[match.group()], word)


def has_kazakh_letters(text: str) -> bool:
    return not KAZAKH_LETTERS.isdisjoint(text.lower())
