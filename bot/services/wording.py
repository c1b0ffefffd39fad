"""The wording part of the content check: the mistakes a native reader found, caught by rule.

Every Kazakh/Russian pair of texts (content YAML and the UI catalogues) is checked for Russian
words inside Kazakh, a placeholder or date before a Kazakh postposition without the case it
governs («{day} дейін» needs `{day_dative}`), a term the term list (`content/terms.yaml`)
replaces, numbers that differ between the two languages, and vague pointers («уточните в суде»,
«some people get free help», «talk to a person») that name no one to ask, no place and no
button. Every walked screen is checked for
a button its text names («…») that is not on that screen, an amount in МРП/АЕК without tenge,
and two buttons that look the same but do different things; every pathway question for one
question a screen, no negative question, and answers that cannot be taken for "not sure".
A problem names the file and the key (or the screen, and the file and key its text came from).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from bot.services.content import CONTENT_DIR
from bot.services.i18n import LOCALES_DIR

TERMS_FILE = CONTENT_DIR / "terms.yaml"
# Folders of what people type (training for the classifier), not text the bot shows.
NOT_READ = {"understanding"}
# Keys whose values are search forms people type, not text anyone reads.
NOT_SHOWN = {"also", "stems", "examples", "url", "id", "source", "keywords"}
POSTPOSITION_CASE = {"дейін": "dative", "шейін": "dative", "бастап": "ablative",
                     "кейін": "ablative", "бері": "ablative"}
KAZAKH_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
                 "қыркүйек", "қазан", "қараша", "желтоқсан")
QUOTED = re.compile(r"«([^«»]{1,40})»|“([^“”]{1,40})”")
NUMBER = re.compile(r"\d+(?:[  ]\d{3})*(?:[.,]\d+)?")
# An amount in monthly calculation indices: people cannot convert it, so the screen gives tenge.
MRP_AMOUNT = re.compile(r"\d[\d  ,]*\s*(?:-?ке\s|-?тен\s)?(?:МРП|АЕК)")
# A pathway's answers are the person's own words («Жоқ»), not commands: they may share words
# with a command button elsewhere.
ANSWERS = ("ans:",)
# Texts that ask to press a named button, in either language.
PRESS = (re.compile(r"«([^«»]{1,40})»\s+(?:батырма\w*|басыңыз)"),
         re.compile(r"“([^“”]{1,40})”\s+(?:батырма\w*|басыңыз)"),
         re.compile(r"(?:[Нн]ажм\w+|[Кк]нопк\w+)\s+«([^«»]{1,40})»"),
         re.compile(r"(?:[Нн]ажм\w+|[Кк]нопк\w+)\s+“([^“”]{1,40})”"))
URL = re.compile(r"\S+\.(?:kz|ru|com|org|gov)\S*|https?://\S+")

# A pointer sends the reader to find something out: «уточните», «спросите», «нақтылаңыз»…
POINTER = {
    "kk": re.compile(r"\b(?:нақтылаңыз|нақтылау керек|сұраңыз|біліңіз|біліп алыңыз)\b|"
                     r"\bсот(?:та|пен)\b[^.!?]{0,50}?\bтексеріңіз\b", re.IGNORECASE),
    "ru": re.compile(r"\b(?:уточните|уточнить|узнайте|спросите)\b|"
                     r"\bпроверьте\b[^.!?]{0,40}?\bв суде\b",  # not «проверьте, что…»
                     re.IGNORECASE),
}
# Whom or where a weak reader can really ask: the court's office, the call centre, a lawyer, a
# named organ, a site, a guide or a button («👤 …»). «The court» alone is not one of them: which
# court, which door, which phone?
ADDRESSEE = {
    "kk": re.compile(
        r"(?<!\w)(?:кеңсе|байланыс орталығ|колл-орталық|заңгер|адвокат|нотариус|медиатор|бағалаушы|"
        r"кадр бөлім|бухгалтер|ХҚКО|1414|хатшы|судья|орган|полиция|сақтандыру|сатушы|банк|"
        r"туыс|көрші|азамат|инспекция|жұмыс беруші|жүргізуші|көшірме орталығ|алқа|палата|борышкер|"
        r"Сот кабинет|нұсқаулы|«[^\w«»\s])", re.IGNORECASE),
    "ru": re.compile(
        r"(?<!\w)(?:канцеляри|колл-центр|юрист|адвокат|нотариус|медиатор|оценщик|отдел\w* кадров|"
        r"бухгалтери|ЦОН|1414|секретар|судь[ия]|орган|полици|страхов|продав|банк|родствен|"
        r"сосед|граждан|инспекци|работодател|водител|копицентр|коллеги|палат|должник|"
        r"Судебн\w* кабинет|инструкци|«[^\w«»\s])", re.IGNORECASE),
}
COURT = {"kk": re.compile(r"\bсот", re.IGNORECASE), "ru": re.compile(r"\bсуд", re.IGNORECASE)}
# "Some people get free help" and "talk to a person": true, and no way on by themselves.
SOME_PEOPLE = {
    "kk": re.compile(r"кейбір адамдар\w*[^.!?]*(?:көмег|кеңес)|(?:көмег|кеңес)\w*[^.!?]*"
                     r"кейбір адамдар", re.IGNORECASE),
    "ru": re.compile(r"некотор\w+ (?:людям|людей|групп\w*)[^.!?]*(?:помощ|консультац)|"
                     r"(?:помощ|консультац)\w*[^.!?]*некотор\w+ (?:людям|людей|групп)",
                     re.IGNORECASE),
}
A_PERSON = {"kk": re.compile(r"адаммен сөйлес", re.IGNORECASE),
            "ru": re.compile(r"поговорите с человеком", re.IGNORECASE)}
SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Pair:
    """One text in both languages, and where it is written."""

    file: str  # relative to bot/
    key: str
    kk: str
    ru: str

    @property
    def where(self) -> str:
        return f"{self.file} {self.key}"


@dataclass(frozen=True)
class Terms:
    """The term list: per language, forms to avoid and the term to use instead; Russian words
    that never belong in a Kazakh text; numbers allowed to differ (file key: why)."""

    avoid: dict[str, list[tuple[re.Pattern[str], str, str]]]  # language → (form, use, why)
    russian_only: frozenset[str]
    numbers_may_differ: frozenset[str]


def load_terms(path: Path = TERMS_FILE) -> Terms:
    data = yaml.safe_load((path if path.exists() else TERMS_FILE).read_text(encoding="utf-8"))
    avoid: dict[str, list[tuple[re.Pattern[str], str, str]]] = {}
    for language in ("kk", "ru"):
        avoid[language] = [
            (_form_pattern(form), entry["use"], entry.get("why", ""))
            for entry in data.get(language, []) for form in entry["avoid"]
        ]
    return Terms(avoid, frozenset(word.lower() for word in data.get("russian_only", [])),
                 frozenset(data.get("numbers_may_differ", {})))


def _form_pattern(form: str) -> re.Pattern[str]:
    """A form is found at the start of a word, whatever ending follows («талапкерге»)."""
    start = r"(?<![\w])" if form[0].isalnum() else ""
    return re.compile(start + re.escape(form), re.IGNORECASE)


# Where the pairs come from.

def content_pairs(folder: Path = CONTENT_DIR) -> Iterator[Pair]:
    for path in sorted(folder.rglob("*.yaml")):
        if (path.name == TERMS_FILE.name and path.parent == folder) or \
                path.parent.name in NOT_READ:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from _walk(data, str(path.relative_to(folder.parent)), "")


def _walk(node: object, file: str, key: str) -> Iterator[Pair]:
    if isinstance(node, dict):
        if "kk" in node and "ru" in node:
            yield from _aligned(node["kk"], node["ru"], file, key)
            return
        for name, value in node.items():
            if name not in NOT_SHOWN:
                yield from _walk(value, file, f"{key}.{name}" if key else str(name))
    elif isinstance(node, list):
        for number, value in enumerate(node):
            label = value.get("id") if isinstance(value, dict) and "id" in value else number
            yield from _walk(value, file, f"{key}[{label}]")


def _aligned(kk: object, ru: object, file: str, key: str) -> Iterator[Pair]:
    if isinstance(kk, str) and isinstance(ru, str):
        yield Pair(file, key, " ".join(kk.split()), " ".join(ru.split()))
    elif isinstance(kk, dict) and isinstance(ru, dict):
        for name in kk.keys() & ru.keys() - NOT_SHOWN:
            yield from _aligned(kk[name], ru[name], file, f"{key}.{name}")
    elif isinstance(kk, list) and isinstance(ru, list) and len(kk) == len(ru):
        for number, (one, other) in enumerate(zip(kk, ru, strict=True)):
            yield from _aligned(one, other, file, f"{key}[{number}]")


def catalog_pairs(locales: Path = LOCALES_DIR) -> Iterator[Pair]:
    catalogs = {}
    for language in ("kk", "ru"):
        with (locales / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogs[language] = read_po(handle, locale=language)
    for message in catalogs["kk"]:
        other = catalogs["ru"].get(message.id)
        if message.id and message.string and other is not None and other.string:
            key = message.id if isinstance(message.id, str) else message.id[0]
            yield Pair("locales/messages.po", f"msgid {key!r}", _joined(message.string),
                       _joined(other.string))


def _joined(text: str | tuple[str, ...]) -> str:
    """A message's text; a plural's forms («1 күн», «2 күн») as one text, each rule sees them
    all (Kazakh has two forms, Russian three: they are not paired one by one)."""
    return text if isinstance(text, str) else " | ".join(text)


def all_pairs(folder: Path = CONTENT_DIR) -> list[Pair]:
    return [*content_pairs(folder), *catalog_pairs()]


# Rules on pairs.

def pair_problems(pairs: Iterable[Pair], terms: Terms) -> list[str]:
    problems = []
    for pair in pairs:
        problems += [f"{pair.where}: kk: {problem}" for problem in
                     russian_words(pair.kk, terms) + missing_case(pair.kk)]
        for language in ("kk", "ru"):
            problems += [f"{pair.where}: {language}: {problem}"
                         for problem in term_violations(getattr(pair, language), language, terms)]
            if not pair.key.endswith("title"):  # a heading («Сначала узнайте сумму») leads on
                problems += [f"{pair.where}: {language}: {problem}"
                             for problem in vague_pointers(getattr(pair, language), language)]
        if pair.where not in terms.numbers_may_differ:
            problems += [f"{pair.where}: {problem}" for problem in numbers_differ(pair.kk,
                                                                                  pair.ru)]
    return problems


def russian_words(kk: str, terms: Terms) -> list[str]:
    """Russian-only words in a Kazakh text. Words in brackets are allowed: that is where a
    Russian interface label may follow its Kazakh one («Тағы» («Ещё»))."""
    text = re.sub(r"\([^()]*\)", " ", URL.sub(" ", kk))
    found = sorted({word for word in re.findall(r"\w+", text)
                    if word.lower() in terms.russian_only})
    return [f"Russian word(s) {', '.join(found)} in a Kazakh text"] if found else []


def missing_case(kk: str) -> list[str]:
    """A word before a Kazakh postposition must carry the case it governs."""
    problems = []
    for before, postposition in re.findall(r"(\S+)\s+(дейін|шейін|бастап|кейін|бері)\b", kk):
        case = POSTPOSITION_CASE[postposition]
        placeholder = re.fullmatch(r"\{(\w+)\}[»”)]*", before)
        if placeholder:
            if not placeholder.group(1).endswith(f"_{case}"):
                problems.append(f"«{before} {postposition}» needs {{{placeholder.group(1)}_"
                                f"{case}}} ({postposition} takes the {case})")
            continue
        word = re.sub(r"[^\w-]", "", before).lower()
        if not word or set(word) <= {"_"}:
            continue  # a blank for the person to fill in
        if case == "dative" and (word in KAZAKH_MONTHS or word.isdigit()
                                 or not word.endswith(("а", "е"))):
            problems.append(f"«{before} {postposition}»: {postposition} takes the dative "
                            "(-ға/-ге/-қа/-ке/-на/-не)")
    return problems


def term_violations(text: str, language: str, terms: Terms) -> list[str]:
    return [f"«{match.group(0)}»: use «{use}»" + (f" ({why})" if why else "")
            for pattern, use, why in terms.avoid[language]
            if (match := pattern.search(text))]


def vague_pointers(text: str, language: str) -> list[str]:
    """A pointer a weak reader cannot act on: «уточните в суде» (which court, which door?), an
    «уточните» with no one named to ask, «some people get free help» or «talk to a person»
    without the guide, the place or the button that leads there."""
    text = URL.sub(" site ", text)
    names_someone = bool(ADDRESSEE[language].search(text))
    problems = []
    for sentence in SENTENCE.split(text):
        found = POINTER[language].search(sentence)
        if not found or ADDRESSEE[language].search(sentence):
            continue
        if COURT[language].search(sentence):
            problems.append(f"«{found.group(0)}» points to «the court» only: name its office "
                            "(канцелярия / кеңсе), the call centre or the «👤» button")
        elif not names_someone:
            problems.append(f"«{found.group(0)}» names no one to ask: name a place, a person "
                            "or a button")
    if SOME_PEOPLE[language].search(text) and not names_someone:
        problems.append("«some people» get help, but the text names neither the legal-aid "
                        "guide nor a place or button")
    if A_PERSON[language].search(text) and "«👤" not in text:
        problems.append("«talk to a person»: name the button («👤 …») that leads to one")
    return problems


def numbers(text: str) -> Counter[str]:
    """The numbers in a text, written one way («2 595 000» and «2595000» are one number)."""
    text = URL.sub(" ", text)
    return Counter(re.sub(r"[  ]", "", found).replace(",", ".") for found in NUMBER.findall(text))


def numbers_differ(kk: str, ru: str) -> list[str]:
    ours, theirs = numbers(kk), numbers(ru)
    if set(ours) == set(theirs):
        return []
    only_kk = sorted(set(ours) - set(theirs))
    only_ru = sorted(set(theirs) - set(ours))
    return [f"numbers differ: only in kk {only_kk}, only in ru {only_ru}"]


# Rules on the screens the content check walks.

def _plain_label(label: str) -> str:
    """A label as a text names it: without its emoji and arrows («📅 Count my dates»)."""
    return " ".join(re.sub(r"[^\w\s\-/–—.,:()?!%№]", " ", label).split()).lower()


def screen_problems(screens: dict, pairs: list[Pair]) -> list[str]:
    """Buttons named in a screen's text but not on it; look-alike buttons that differ."""
    labels: dict[str, set[str]] = {}
    actions: dict[tuple[str, str], dict[str, str]] = {}
    for (_who, language, _ref), screen in screens.items():
        for choice in screen.all_choices:
            plain = _plain_label(choice.label)
            labels.setdefault(language, set()).add(plain)
            if not choice.id.startswith(ANSWERS):
                actions.setdefault((language, plain), {}).setdefault(_action(choice.id),
                                                                     choice.label)
    problems = []
    for (who, language, ref), screen in sorted(screens.items()):
        here = {_plain_label(choice.label) for choice in screen.all_choices}
        for name in named_buttons(screen.text, labels.get(language, set())):
            if _plain_label(name) not in here:
                problems.append(f"{who}/{language}/{ref}: the text names «{name}», which is "
                                f"not a button on this screen{_source(name, language, pairs)}")
        # A sources screen («📖 Where this comes from») names acts and articles by their
        # titles; the page it belongs to is where the amount must be in tenge.
        if MRP_AMOUNT.search(screen.text) and "₸" not in screen.text and \
                not ref.startswith("src:"):
            problems.append(f"{who}/{language}/{ref}: an amount in МРП/АЕК without tenge")
    for (language, _words), by_action in sorted(actions.items()):
        shown = set(by_action.values())
        if len(shown) > 1:
            problems.append(f"{language}: buttons {sorted(shown)} look the same but do "
                            f"different things ({', '.join(sorted(by_action))})")
    return problems


def named_buttons(text: str, known: set[str]) -> list[str]:
    """The «…» names in a text that stand for the bot's buttons: those that start with an
    emoji, and those the text asks to press («…» батырмасын басыңыз, нажмите «…», press “…”)
    that are the words of a button the bot shows somewhere (not a website's or a phone's)."""
    names = [(match.group(1) or match.group(2)).strip() for match in QUOTED.finditer(text)]
    names = [name for name in names if name and not (name[0].isalnum() or name[0] in "«(\"'")]
    for pattern in PRESS:
        names += [name.strip() for name in pattern.findall(text)
                  if _plain_label(name) in known]
    return list(dict.fromkeys(names))


def _action(choice_id: str) -> str:
    """What a button does, without the screen-specific argument: `go:guide_step`, `h:stop`."""
    head = re.split(r"[/]", choice_id, maxsplit=1)[0]
    parts = head.split(":")
    return ":".join(parts[:2])


def _source(name: str, language: str, pairs: list[Pair]) -> str:
    quoted = f"«{name}»"
    places = [pair.where for pair in pairs if quoted in getattr(pair, language)]
    return f" (written in {'; '.join(places[:3])})" if places else ""


# Rules on a pathway's questions.

# The words of the "🤷 Not sure / none fits" button: a real answer must not say the same.
UNSURE_WORDS = {"kk": ("сай емес", "сәйкес емес"), "ru": ("не подходит",)}
NEGATIVE_QUESTION = {
    "kk": re.compile(r"\w+(?:май|мей|бай|бей|пай|пей)(?:сыз|сіз)?\s+(?:ма|ме|ба|бе|па|пе)\?"),
    "ru": re.compile(r"\bне\s+\w+(?:ете|ите|ет|ит)\b[^.?!]*\?", re.IGNORECASE),
}


def question_problems(content) -> list[str]:
    """One question a screen, no negative questions, answers that cannot be taken for
    "not sure"."""
    problems = []
    for pathway_id, pathway in content.pathways.items():
        for question_id, question in pathway.questions.items():
            where = f"content/pathways/{pathway_id}.yaml questions.{question_id}"
            for language in ("kk", "ru"):
                text = question.text(language)
                if text.count("?") > 1:
                    problems.append(f"{where}.text: {language}: two questions on one screen")
                if NEGATIVE_QUESTION[language].search(text):
                    problems.append(f"{where}.text: {language}: a negative question")
                for number, option in enumerate(question.options):
                    label = option.label(language).lower()
                    if any(words in label for words in UNSURE_WORDS[language]):
                        problems.append(f"{where}.options[{number}].label: {language}: "
                                        f"«{option.label(language)}» sounds like «🤷 not sure»")
    return problems
