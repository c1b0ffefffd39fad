"""Both languages complete: a test fails if any UI string lacks a Kazakh or Russian text."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from bot.services.content_check import check_catalogs
from bot.services.i18n import LANGUAGES, LOCALES_DIR, gettext_for

PLACEHOLDER = re.compile(r"\{(\w*)\}")
CASE_FORM = re.compile(r"_(dative|ablative|locative)$")


def catalog(language: str):
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_every_string_in_the_code_is_translated_into_kazakh_and_russian() -> None:
    assert check_catalogs() == []


def test_catalogs_have_no_empty_fuzzy_or_leftover_entries() -> None:
    for language in LANGUAGES:
        for message in catalog(language):
            if not message.id:
                continue
            assert message.string, f"{language}: {message.id!r} is empty"
            assert not message.fuzzy, f"{language}: {message.id!r} is fuzzy"
        assert not catalog(language).obsolete, f"{language}: obsolete entries"


def _base(name: str) -> str:
    """A Kazakh case form of a placeholder (`{day_dative}`) stands for the placeholder."""
    return CASE_FORM.sub("", name)


def test_translations_keep_every_placeholder() -> None:
    """A translation that drops {date} would crash `.format()` on the citizen's screen."""
    for language in LANGUAGES:
        for message in catalog(language):
            if message.id:
                assert (sorted(PLACEHOLDER.findall(message.id))
                        == sorted(map(_base, PLACEHOLDER.findall(message.string)))), (
                    language, message.id)


def test_case_forms_are_filled_where_a_translation_uses_them() -> None:
    """`{day_dative}` exists only where the code formats the message with `kazakh.forms()`."""
    from babel.messages.extract import extract_from_dir

    needs = {message.id for language in LANGUAGES for message in catalog(language)
             if message.id and any(CASE_FORM.search(name)
                                   for name in PLACEHOLDER.findall(message.string))}
    assert needs, "the deadline line uses {day_dative}"
    root = LOCALES_DIR.parent
    found = set()
    for file, line, message, *_rest in extract_from_dir(str(root.parent / "bot"),
                                                        method_map=[("**.py", "python")]):
        if message in needs:
            lines = (root.parent / "bot" / file).read_text(encoding="utf-8").splitlines()
            assert "forms(" in "\n".join(lines[line - 1:line + 3]), (file, line, message)
            found.add(message)
    assert found == needs


def test_kazakh_is_kazakh_and_russian_is_russian() -> None:
    """A cheap guard against pasting one language into the other catalog."""
    kazakh_letters = set("әғқңөұүһі")
    for message in catalog("kk"):
        if message.id and len(re.sub(r"{\w+}", "", message.string)) > 25:
            assert kazakh_letters & set(message.string.lower()), message.string
    for message in catalog("ru"):
        assert not kazakh_letters & set(message.string.lower()), message.string


def test_the_running_catalog_matches_the_po_file() -> None:
    assert gettext_for("kk")("◀ Back") == "◀ Артқа"
    assert gettext_for("ru")("◀ Back") == "◀ Назад"


def test_catalogs_compile_as_pybabel_would() -> None:
    """`make` compiles the catalogs with pybabel on a fresh machine; what it would refuse (a "%"
    that reads as a printf placeholder, say) must fail here first."""
    for language in LANGUAGES:
        problems = [(message.id, errors) for message, errors in catalog(language).check()]
        assert problems == [], language
