"""UI strings through gettext catalogs in `bot/locales/` (kk and ru, both complete).

Message ids are written in English in the code, so neither Kazakh nor Russian is "the original":
each catalog is written for its own readers. `make extract-messages` collects new strings; a test
fails when either catalog lacks one.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from functools import cache
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("kk", "ru")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

log = logging.getLogger(__name__)

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


def normalize_language(code: str | None) -> str | None:
    """Map a messenger's language code ("kk", "kk-KZ", "ru_RU") to one we speak, else None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


@cache
def translations(language: str) -> NullTranslations:
    """The compiled catalog for a language; compiled in memory when the .mo file is missing or
    older than the .po, so the bot never runs with yesterday's wording."""
    po_path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as handle:
            return GNUTranslations(handle)
    log.info("compiling the %s catalog in memory (run `make catalogs` to keep a .mo)", language)
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return GNUTranslations(buffer)


def gettext_for(language: str) -> Gettext:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    return translations(language).gettext


Ngettext = Callable[[str, str, int], str]


def ngettext_for(language: str) -> Ngettext:
    """Plural forms by the catalog's rule: Russian has three (день / дня / дней), Kazakh one."""
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    return translations(language).ngettext
