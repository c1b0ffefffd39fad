"""Kazakh case endings for words the bot puts into a sentence at run time.

Kazakh postpositions govern a case: «дейін» ("until") takes the dative («5 наурызға дейін»),
«бастап» and «кейін» the ablative («5 наурыздан бастап»). A date dropped into «{day} дейін» as
it is («5 наурыз дейін») is ungrammatical and can be misread, so a translation that needs a case
uses a placeholder named for it (`{day_dative}`), and `date_forms` fills every such name.
The endings follow vowel harmony (the last vowel: back а о ұ ы, front ә ө ү і е) and the last
sound (after a voiceless consonant the ending starts with қ/к or т).
"""

from __future__ import annotations

import re

FRONT_VOWELS = set("әөүіеэи")
BACK_VOWELS = set("аоұыуяю")
VOICELESS = set("пфкқтсшщхцчһ")
SONORANT_NASAL = set("мнң")
# A number is read aloud before its ending is chosen: «5-ке» (бес), «6-ға» (алты).
DIGIT_NAMES = {"0": "нөл", "1": "бір", "2": "екі", "3": "үш", "4": "төрт", "5": "бес",
               "6": "алты", "7": "жеті", "8": "сегіз", "9": "тоғыз"}
TENS_NAMES = {"1": "он", "2": "жиырма", "3": "отыз", "4": "қырық", "5": "елу", "6": "алпыс",
              "7": "жетпіс", "8": "сексен", "9": "тоқсан"}
# The cases a placeholder may ask for, by its name's ending.
CASES = ("dative", "ablative", "locative")


def _spoken(word: str) -> str:
    """The word as it sounds at its end: a number becomes the name of its last part."""
    if not word.isdigit():
        return word.lower()
    number = word.lstrip("0") or "0"
    if number == "0":
        return DIGIT_NAMES["0"]
    if number.endswith("000000"):
        return "миллион"
    if number.endswith("000"):
        return "мың"
    if number.endswith("00"):
        return "жүз"
    if number.endswith("0"):
        return TENS_NAMES[number[-2]]
    return DIGIT_NAMES[number[-1]]


def _is_front(sound: str) -> bool:
    for letter in reversed(sound):
        if letter in FRONT_VOWELS:
            return True
        if letter in BACK_VOWELS:
            return False
    return False


def _ending(word: str, case: str) -> str:
    sound = _spoken(word)
    front, last = _is_front(sound), sound[-1]
    if case == "dative":
        first = ("к" if front else "қ") if last in VOICELESS else ("г" if front else "ғ")
        return first + ("е" if front else "а")
    if case == "ablative":
        first = "т" if last in VOICELESS else "н" if last in SONORANT_NASAL else "д"
        return first + ("ен" if front else "ан")
    if case == "locative":
        first = "т" if last in VOICELESS else "д"
        return first + ("е" if front else "а")
    raise ValueError(f"unknown case {case!r}")


def inflect(phrase: str, case: str) -> str:
    """`phrase` with the case ending on its last word: «2026 ж. 5 наурыз» → «…наурызға».
    A number takes a hyphen before the ending, as Kazakh spelling wants («5-ке»)."""
    match = re.search(r"(\w+)(\W*)$", phrase)
    if match is None:
        return phrase
    word, tail = match.groups()
    joint = "-" if word.isdigit() else ""
    return phrase[:match.start()] + word + joint + _ending(word, case) + tail


def forms(name: str, value: str, language: str) -> dict[str, str]:
    """A placeholder's value under its own name and, in Kazakh, under `name_<case>` for each
    case («day_dative»); in Russian the case names carry the value unchanged (the date format
    is already in the genitive there: «5 марта»)."""
    result = {name: value}
    for case in CASES:
        result[f"{name}_{case}"] = inflect(value, case) if language == "kk" else value
    return result
