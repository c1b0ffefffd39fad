"""How a legal statement is shown: its text, a warning when nobody could confirm it, and the
line naming its source and the day it was checked. Plans, guides and the glossary all use it,
so a citizen sees sources the same way everywhere."""

from __future__ import annotations

from babel.dates import format_date

from bot.services.clock import BABEL_LOCALES
from bot.services.content import Content
from bot.services.explorer.model import Duty, Statement
from bot.services.i18n import N_, gettext_for

NOT_CONFIRMED = N_("⚠️ Not confirmed: ask the court's office.")


def cited(content: Content, item: Statement | Duty, language: str) -> str:
    _ = gettext_for(language)
    text = item.text(language)
    if item.check:
        text += "\n" + _(NOT_CONFIRMED)
    if item.source:
        text += "\n" + source_line(content, item.source, language)
    return text


def source_line(content: Content, source_id: str, language: str) -> str:
    _ = gettext_for(language)
    source = content.sources[source_id]
    return _("📖 {source} · checked {date}").format(
        source=source.cite(language),
        date=format_date(source.checked, "dd.MM.yyyy", locale=BABEL_LOCALES[language]),
    )
