"""What a screen says when it is read aloud: its text rewritten as a person would say it.

A speech engine reads "10 000 ₸" as "ten, zero zero zero" and an emoji as its Unicode name, so
before anything reaches it the text is put in spoken form, separately for each language:

- emoji, arrows, bullets and markup are dropped; links become "a link in the message";
- money, percentages, МРП / АЕК, dates, times and article numbers become words in the form the
  grammar wants ("10 декабря 2026 г." → "десятое декабря две тысячи двадцать шестого года",
  "148-бап" → "жүз қырық сегізінші бап", "ст. 148 ГПК" → "статья сто сорок восемь
  Гражданского процессуального кодекса");
- case numbers ("7194-26-00-2/1501") are read digit by digit, as a person copies them;
- abbreviations read as letters are spelled out ("ЭЦП" → "э цэ пэ").

Numbers come from `num2words` (Russian with case and gender; Kazakh cardinals). Kazakh ordinals
and decimals, which it does not have, are made here. Russian numbers agree with what is around
them where it is plain from the word before or after: "в течение 15 дней" → "пятнадцати",
"2 недели" → "две", "до 10 декабря" → "до десятого декабря", "в 2026 г." → "в … шестом году".
Other cases (a number as the object of a verb, say) are read in the nominative.
"""

from __future__ import annotations

import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import ClassVar

from num2words import num2words

SPACES = "[ \u00a0\u202f]"  # Babel groups digits with a no-break or narrow no-break space
NUMBER = rf"\d{{1,3}}(?:{SPACES}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|[*_`#~|]")
CASE_NUMBER = re.compile(r"(?<![\w])(?<!\d\.)\d[\d\-/]*[\-/][\d\-/]*\d(?![\w])(?!\.\d)")
TIME = re.compile(r"(?<![\d:.])([01]?\d|2[0-3]):([0-5]\d)(?![\d:])")
NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)(?!\.\d)")
ROMAN = re.compile(r"(\d+)-([IVX]{1,4})\b")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
KEEP_SYMBOLS = {"₸", "%", "№", "+"}
PAUSES = {"·": ",", "•": ",", " / ": ", ", "…": "."}


def spoken(text: str, language: str) -> str:
    """The text as it should be read aloud in `language` ("kk" or "ru")."""
    speaker = KAZAKH if language == "kk" else RUSSIAN
    text = unicodedata.normalize("NFC", text)
    text = URL.sub(f" {speaker.link} ", text)
    text = MARKUP.sub(" ", text)
    text = _sentences(text)
    text = _drop_symbols(text)
    return speaker.say(text)


def _sentences(text: str) -> str:
    """One sentence per line and paragraph: a line without its own full stop gets one, so the
    voice pauses where the eye would."""
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("•·-–—").strip()
        if not line:
            continue
        lines.append(line if line[-1] in ".!?:;…," else line + ".")
    return " ".join(lines)


def _drop_symbols(text: str) -> str:
    """Emoji, arrows, pictographs and their joiners go; letters, digits, punctuation and the
    signs the spoken forms read (₸, %, №) stay."""
    for sign, pause in PAUSES.items():
        text = text.replace(sign, pause)
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char in KEEP_SYMBOLS or (category[0] in "LNPZ" and category != "No"):
            kept.append(char)
        elif category in ("So", "Sm", "Sk", "Cf", "Mn", "Me", "No", "Co", "Cs"):
            kept.append(" ")
        else:
            kept.append(char)
    text = "".join(kept)
    text = re.sub(r"\s+([.,!?:;])", r"\1", text)
    text = re.sub(r"([.,!?:;])\s*\.", r"\1", text)  # "Выберите: 👇." → "Выберите:"
    return re.sub(r"\s{2,}", " ", text).strip(" ,;")


def roman(numeral: str) -> int:
    """"IV" → 4: a law's number ends with its convocation ("№ 401-IV")."""
    values = [ROMAN_VALUES[char] for char in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v
               for i, v in enumerate(values))


def as_number(text: str) -> float | int:
    digits = re.sub(SPACES, "", text).replace(",", ".")
    return float(digits) if "." in digits else int(digits)


class Speaker(ABC):
    """The spoken forms of one language."""

    link = ""
    dash = ""
    slash = ""
    digits: tuple[str, ...] = ()
    letters: ClassVar[dict[str, str]] = {}
    spelled: frozenset[str] = frozenset()
    expansions: tuple[tuple[str, str], ...] = ()

    def say(self, text: str) -> str:
        text = self._case_numbers(text)
        text = ROMAN.sub(lambda m: f"{m[1]} {self.dash} {roman(m[2])}", text)
        for pattern, replacement in self.rules():
            text = pattern.sub(replacement, text)
        text = self._abbreviations(text)
        text = re.sub(r"\s*[–—]\s*", " — ", text)  # a range or a dash: a pause
        text = re.sub(NUMBER, lambda m: self.cardinal(as_number(m[0]), self._after(m),
                                                    self.case_before(m)), text)
        text = re.sub(r"\s+([.,!?;:])", r"\1", text)
        return re.sub(r"\s{2,}", " ", text).strip()

    @abstractmethod
    def rules(self) -> list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]]:
        """The language's own spoken forms (money, dates, articles), applied in order."""

    @abstractmethod
    def cardinal(self, number: float | int, next_word: str = "", case: str = "n") -> str:
        """A number in words, agreeing with the word after it and the case asked for."""

    def case_before(self, match: re.Match[str]) -> str:
        """The grammatical case the word before a number asks for ("n" where none)."""
        return "n"

    @staticmethod
    def ends_sentence(match: re.Match[str]) -> str:
        """"." when what a rule swallowed ("г.", "ж.") also ended the sentence."""
        rest = match.string[match.end():].lstrip()
        return "." if not rest or rest[0].isupper() else ""

    @staticmethod
    def _after(match: re.Match[str]) -> str:
        rest = match.string[match.end():].lstrip()
        return rest.split(" ", 1)[0].lower() if rest else ""

    def _case_numbers(self, text: str) -> str:
        """Case numbers digit by digit: "7194-26-00-2/1501" → "семь один девять четыре, тире,
        два шесть…". A short "401-IV" or a range "148–149" is not one (en dash, too few
        digits)."""

        def read(match: re.Match[str]) -> str:
            token = match[0]
            if sum(char.isdigit() for char in token) < 6:
                return token
            words = []
            for char in token:
                if char.isdigit():
                    words.append(self.digits[int(char)])
                else:
                    words.append(f", {self.dash if char == '-' else self.slash},")
            return " " + " ".join(words).replace(" ,", ",") + " "

        return CASE_NUMBER.sub(read, text)

    def _abbreviations(self, text: str) -> str:
        for short, full in self.expansions:
            text = re.sub(rf"(?<![\w-]){short}(?![\w])", full, text)

        def spell(match: re.Match[str]) -> str:
            word, suffix = match[1], match[2] or ""
            if word not in self.spelled and any(c in VOWELS for c in word[1:]):
                return word.lower() + suffix  # read as a word: ЗАГС, ЦОН
            return " ".join(self.letters.get(c, c.lower()) for c in word) + \
                suffix.removeprefix("-")

        return re.sub(r"(?<![\w-])([А-ЯЁӘҒҚҢӨҰҮҺІ]{2,5})(-[а-яёәғқңөұүһі]+)?(?![\w])", spell,
                      text)


VOWELS = set("АЕЁИОУЫЭЮЯӘӨҰҮІ")


# --- Russian ------------------------------------------------------------------------------------

RU_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")
RU_FEMININE = ("минут", "недел", "стать", "част", "копе", "секунд", "кнопк", "страниц", "ставк",
               "жалоб", "тысяч")
RU_ACTS = {  # (nominative, genitive)
    "ГПК": ("Гражданский процессуальный кодекс", "Гражданского процессуального кодекса"),
    "ГК": ("Гражданский кодекс", "Гражданского кодекса"),
    "АППК": ("Административный процедурно-процессуальный кодекс",
             "Административного процедурно-процессуального кодекса"),
    "КоАП": ("Кодекс об административных правонарушениях",
             "Кодекса об административных правонарушениях"),
    "ТК": ("Трудовой кодекс", "Трудового кодекса"),
    "УК": ("Уголовный кодекс", "Уголовного кодекса"),
    "УПК": ("Уголовно-процессуальный кодекс", "Уголовно-процессуального кодекса"),
    "НК": ("Налоговый кодекс", "Налогового кодекса"),
}
RU_ARTICLE_PARTS = {"ст": ("статья", "статьи"), "ч": ("часть", "части"),
                    "п": ("пункт", "пункты"), "пп": ("подпункт", "подпункты")}
RU_CASES_BEFORE_DATE = {"от": "g", "до": "g", "с": "g", "со": "g", "после": "g", "к": "d",
                        "ко": "d"}
RU_CASE_AFTER = {  # "в течение 15 дней" → "пятнадцати"; "к 3 часам" → "трём"
    "течение": "g", "более": "g", "менее": "g", "свыше": "g", "около": "g", "до": "g",
    "от": "g", "после": "g", "из": "g", "кроме": "g", "больше": "g", "меньше": "g",
    "к": "d", "ко": "d", "о": "p", "об": "p", "при": "p",
}
RU_ORDINAL_ENDINGS = {  # "2-й", "1-го": (case, gender, plural)
    "й": ("n", "m", False), "ый": ("n", "m", False), "ой": ("n", "m", False),
    "я": ("n", "f", False), "ая": ("n", "f", False), "е": ("n", "n", False),
    "ое": ("n", "n", False), "го": ("g", "m", False), "ого": ("g", "m", False),
    "му": ("d", "m", False), "ому": ("d", "m", False), "м": ("p", "m", False),
    "ом": ("p", "m", False), "ю": ("a", "f", False), "ую": ("a", "f", False),
    "х": ("p", "m", True), "ых": ("p", "m", True),
}


def ru_plural(number: float | int, one: str, few: str, many: str) -> str:
    """The noun after a number: 1 процент, 2 процента, 5 процентов (and 1,5 процента)."""
    if isinstance(number, float) and not number.is_integer():
        return few
    number = int(number) % 100
    if 11 <= number <= 14:
        return many
    return {1: one, 2: few, 3: few, 4: few}.get(number % 10, many)


class Russian(Speaker):
    link = "ссылка в сообщении"
    dash = "тире"
    slash = "дробь"
    digits = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь",
              "девять")
    letters: ClassVar[dict[str, str]] = dict(zip("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ",
                       ("а", "бэ", "вэ", "гэ", "дэ", "е", "ё", "жэ", "зэ", "и", "и краткое",
                        "ка", "эль", "эм", "эн", "о", "пэ", "эр", "эс", "тэ", "у", "эф", "ха",
                        "цэ", "чэ", "ша", "ща", "ы", "э", "ю", "я"), strict=True))
    spelled = frozenset({"ЭЦП", "ИИН", "БИН", "ИП", "АО", "ЧСИ", "СМС", "ДТП", "ФИО", "ЖК",
                         "ЕНПФ"})
    expansions = (("РК", "Республики Казахстан"),)

    def cardinal(self, number: float | int, next_word: str = "", case: str = "n") -> str:
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        gender = "f" if isinstance(number, int) and next_word.startswith(RU_FEMININE) else "m"
        return num2words(number, lang="ru", case=case, gender=gender)

    @staticmethod
    def ordinal(number: int, case: str = "n", gender: str = "m", plural: bool = False) -> str:
        return num2words(number, lang="ru", to="ordinal", case=case, gender=gender,
                         plural=plural)

    def rules(self):
        month = "|".join(RU_MONTHS)
        acts = "|".join(RU_ACTS)
        return [
            (NUMERIC_DATE, self._numeric_date),
            (re.compile(rf"(?:\b(от|до|со|с|после|ко|к)\s+)?(\d{{1,2}})\s+({month})"
                        rf"(?:\s+(\d{{4}})(?:\s*(?:г\.|года|г\b))?)?"), self._date),
            (re.compile(r"\b(в|во)\s+(\d{4})\s*(?:г\.|году|г\b)"),
             lambda m: f"{m[1]} {self.ordinal(int(m[2]), 'p')} году{self.ends_sentence(m)}"),
            (re.compile(r"\b(\d{4})\s*(?:г\.|г\b)"),
             lambda m: f"{self.ordinal(int(m[1]))} год{self.ends_sentence(m)}"),
            (TIME, self._time),
            (re.compile(rf"({NUMBER})\s*(млн|млрд|тыс\.?)\s*(₸|тг\b|тенге)"), self._big_money),
            (re.compile(rf"({NUMBER})\s*(₸|тг\b|тенге)"),
             lambda m: f"{self.cardinal(as_number(m[1]), case=self.case_before(m))} тенге"),
            (re.compile(r"₸"), " тенге"),
            (re.compile(rf"({NUMBER})\s*%"), self._percent),
            (re.compile(rf"({NUMBER})\s*МРП\b"), self._mrp),
            (re.compile(r"\bМРП\b"), "месячный расчётный показатель"),
            (re.compile(rf"\b(ст|ч|пп|п)\.\s*(\d+(?:-\d+)?)(?:\s*[–—]\s*(\d+(?:-\d+)?))?"
                        rf"(?:\s+({acts})\b)?"), self._article),
            (re.compile(rf"\b({acts})\b"), lambda m: RU_ACTS[m[1]][0]),
            (re.compile(r"№\s*"), "номер "),
            (re.compile(r"(\d+)-(ый|ой|ий|ая|ое|ую|ого|ому|ом|ых|й|я|е|го|му|м|ю|х)\b"),
             self._ordinal_suffix),
            (re.compile(r"(\d)\s*[–—]\s*(\d)"), r"\1 — \2"),
        ]

    def _numeric_date(self, match: re.Match[str]) -> str:
        day, month, year = int(match[1]), int(match[2]), match[3]
        if not 1 <= month <= 12:
            return match[0]
        return f"{day} {RU_MONTHS[month - 1]} {year} г."

    def _date(self, match: re.Match[str]) -> str:
        preposition, day, month, year = match[1], int(match[2]), match[3], match[4]
        case = RU_CASES_BEFORE_DATE.get((preposition or "").lower(), "n")
        words = [preposition] if preposition else []
        words += [self.ordinal(day, case, "n"), month]
        if year:
            words += [self.ordinal(int(year), "g"), "года"]
        return " ".join(words) + (self.ends_sentence(match) if year else "")

    def _time(self, match: re.Match[str]) -> str:
        hours, minutes = int(match[1]), int(match[2])
        said = f"{self.cardinal(hours)} {ru_plural(hours, 'час', 'часа', 'часов')}"
        if minutes:
            said += f" {self.cardinal(minutes, 'минут')} " \
                    f"{ru_plural(minutes, 'минута', 'минуты', 'минут')}"
        return said

    def _big_money(self, match: re.Match[str]) -> str:
        number = as_number(match[1])
        scale = match[2].rstrip(".")
        noun = {"млн": ("миллион", "миллиона", "миллионов"),
                "млрд": ("миллиард", "миллиарда", "миллиардов"),
                "тыс": ("тысяча", "тысячи", "тысяч")}[scale]
        return f"{self.cardinal(number, noun[0])} {ru_plural(number, *noun)} тенге"

    def _percent(self, match: re.Match[str]) -> str:
        return self._counted(match, ("процент", "процента", "процентов"),
                             ("процента", "процентов"))

    def _mrp(self, match: re.Match[str]) -> str:
        return self._counted(match, ("месячный расчётный показатель",
                                     "месячных расчётных показателя",
                                     "месячных расчётных показателей"),
                             ("месячного расчётного показателя",
                              "месячных расчётных показателей"))

    def _counted(self, match: re.Match[str], nominative: tuple[str, str, str],
                 genitive: tuple[str, str]) -> str:
        """A number and its noun, agreeing: "2 %" → "два процента", and after "не более"
        or "до" the genitive: "до 5 %" → "до пяти процентов"."""
        number = as_number(match[1])
        fraction = isinstance(number, float) and not number.is_integer()
        case = self.case_before(match)
        if case == "g":
            one = int(number) % 10 == 1 and int(number) % 100 != 11
            noun = genitive[0] if fraction or one else genitive[1]
            return f"{self.cardinal(number, case='g')} {noun}"
        noun = nominative[1].replace("месячных расчётных показателя",
                                     "месячного расчётного показателя") if fraction \
            else ru_plural(number, *nominative)
        return f"{self.cardinal(number)} {noun}"

    def case_before(self, match: re.Match[str]) -> str:
        before = match.string[:match.start()].rstrip().rsplit(" ", 1)[-1].lower()
        return RU_CASE_AFTER.get(before, "n")

    def _article(self, match: re.Match[str]) -> str:
        part, first, last, act = match[1], match[2], match[3], match[4]
        one, many = RU_ARTICLE_PARTS[part]
        said = f"{many if last else one} {self._article_number(first)}"
        if last:
            said += f" — {self._article_number(last)}"
        if act:
            said += f" {RU_ACTS[act][1]}"
        return said

    def _article_number(self, number: str) -> str:
        """"133-3" is article 133, third added after it: "сто тридцать три тире три"."""
        return f" {self.dash} ".join(self.cardinal(int(piece)) for piece in number.split("-"))

    def _ordinal_suffix(self, match: re.Match[str]) -> str:
        case, gender, plural = RU_ORDINAL_ENDINGS[match[2]]
        return self.ordinal(int(match[1]), case, gender, plural)


# --- Kazakh -------------------------------------------------------------------------------------

KK_MONTHS = ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
             "қыркүйек", "қазан", "қараша", "желтоқсан")
KK_ORDINAL = {  # the last word of a number, made ordinal
    "бір": "бірінші", "екі": "екінші", "үш": "үшінші", "төрт": "төртінші", "бес": "бесінші",
    "алты": "алтыншы", "жеті": "жетінші", "сегіз": "сегізінші", "тоғыз": "тоғызыншы",
    "он": "оныншы", "жиырма": "жиырмасыншы", "отыз": "отызыншы", "қырық": "қырқыншы",
    "елу": "елуінші", "алпыс": "алпысыншы", "жетпіс": "жетпісінші", "сексен": "сексенінші",
    "тоқсан": "тоқсаныншы", "жүз": "жүзінші", "мың": "мыңыншы", "миллион": "миллионыншы",
    "нөл": "нөлінші",
}
KK_ACTS = {  # (alone, after "ҚР": the possessive form)
    "АПК": ("Азаматтық процестік кодекс", "Азаматтық процестік кодексі"),
    "ӘПҚК": ("Әкімшілік рәсімдік-процестік кодекс", "Әкімшілік рәсімдік-процестік кодексі"),
    "ӘҚБтК": ("Әкімшілік құқық бұзушылық туралы кодекс",
              "Әкімшілік құқық бұзушылық туралы кодексі"),
}
KK_PLACES = {"кейін": "", "дейін": ""}


class Kazakh(Speaker):
    link = "сілтеме хабарламада"
    dash = "сызықша"
    slash = "қиғаш сызық"
    digits = ("нөл", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз")
    letters: ClassVar[dict[str, str]] = dict(zip("АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЫІЭЮЯ",
                       ("а", "ә", "бе", "ве", "ге", "ға", "де", "е", "ё", "же", "зе", "и", "й",
                        "ка", "қа", "эл", "эм", "эн", "эң", "о", "ө", "пе", "эр", "эс", "те",
                        "у", "ұ", "ү", "эф", "ха", "һа", "це", "че", "ша", "ща", "ы", "і", "э",
                        "ю", "я"), strict=True))
    spelled = frozenset({"ЭЦҚ", "ЖСН", "БСН", "ЖК", "АҚ", "ХҚКО", "ЖКО", "ЖОО", "СМС", "ЖЖ"})
    expansions = ()

    def cardinal(self, number: float | int, next_word: str = "", case: str = "n") -> str:
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        if isinstance(number, float):
            whole, _, fraction = f"{number}".partition(".")
            base = {1: "оннан", 2: "жүзден", 3: "мыңнан"}.get(len(fraction), "мыңнан")
            fraction = fraction[:3]
            return f"{num2words(int(whole), lang='kz')} бүтін {base} " \
                   f"{num2words(int(fraction), lang='kz')}"
        return num2words(number, lang="kz")

    def ordinal(self, number: int) -> str:
        words = self.cardinal(number).split(" ")
        words[-1] = KK_ORDINAL.get(words[-1], words[-1])
        return " ".join(words)

    def rules(self):
        month = "|".join(KK_MONTHS)
        acts = "|".join(KK_ACTS)
        return [
            (NUMERIC_DATE, self._numeric_date),
            (re.compile(rf"(\d{{4}})\s*(?:ж\.|жылғы|жыл\b)\s*(\d{{1,2}})\s+({month})"),
             lambda m: f"{self.ordinal(int(m[1]))} жылғы {self.cardinal(int(m[2]))} {m[3]}"),
            (re.compile(r"(\d{4})\s*ж\.?(?=\s|$|[,;:])"),
             lambda m: f"{self.ordinal(int(m[1]))} жыл{self.ends_sentence(m)}"),
            (re.compile(rf"(\d{{1,2}})\s+({month})"),
             lambda m: f"{self.cardinal(int(m[1]))} {m[2]}"),
            (TIME, self._time),
            (re.compile(rf"({NUMBER})\s*(млн|млрд|мың)\s*(₸|тг\b|теңге)"),
             lambda m: f"{self.cardinal(as_number(m[1]))} "
                       f"{ {'млн': 'миллион', 'млрд': 'миллиард', 'мың': 'мың'}[m[2]]} теңге"),
            (re.compile(rf"({NUMBER})\s*(₸|тг\b|теңге)"),
             lambda m: f"{self.cardinal(as_number(m[1]))} теңге"),
            (re.compile(r"₸"), " теңге"),
            (re.compile(rf"({NUMBER})\s*%"), lambda m: f"{self.cardinal(as_number(m[1]))} пайыз"),
            (re.compile(rf"({NUMBER})\s*(?:АЕК|МРП)\b"),
             lambda m: f"{self.cardinal(as_number(m[1]))} айлық есептік көрсеткіш"),
            (re.compile(r"\b(?:АЕК|МРП)\b"), "айлық есептік көрсеткіш"),
            (re.compile(rf"\bҚР\s+({acts})(?![\w])"),
             lambda m: f"Қазақстан Республикасының {KK_ACTS[m[1]][1]}"),
            (re.compile(rf"(?<![\w-])({acts})(?![\w])"), lambda m: KK_ACTS[m[1]][0]),
            (re.compile(r"\bҚР(?=\s+[А-ЯӘҒҚҢӨҰҮҺІа-яәғқңөұүһі«\"])"), "Қазақстан Республикасының"),
            (re.compile(r"\bҚР\b"), "Қазақстан Республикасы"),
            (re.compile(r"№\s*"), "нөмір "),
            # "91–92-баптар", "148-бап", "1-тармағы": a number joined to a word is ordinal.
            (re.compile(r"(\d+)\s*[–—]\s*(\d+)-(?=[а-яәғқңөұүһі])"),
             lambda m: f"{self.ordinal(int(m[1]))} — {self.ordinal(int(m[2]))} "),
            (re.compile(r"(\d+)-(?=[а-яәғқңөұүһі])"), lambda m: f"{self.ordinal(int(m[1]))} "),
            (re.compile(r"(\d)\s*[–—]\s*(\d)"), r"\1 — \2"),
        ]

    def _numeric_date(self, match: re.Match[str]) -> str:
        day, month, year = int(match[1]), int(match[2]), match[3]
        if not 1 <= month <= 12:
            return match[0]
        return f"{year} жылғы {day} {KK_MONTHS[month - 1]}"

    def _time(self, match: re.Match[str]) -> str:
        hours, minutes = int(match[1]), int(match[2])
        said = f"сағат {self.cardinal(hours)}"
        return f"{said} {self.cardinal(minutes)} минут" if minutes else said


RUSSIAN = Russian()
KAZAKH = Kazakh()
