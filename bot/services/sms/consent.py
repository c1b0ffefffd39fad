"""The consent an operator reads out before enrolling a caller for SMS, in the caller's
language: for their own hearing, or for copies of a relative's reminders. It says what is kept,
why, for how long and how to stop, as the chat's notices do."""

from __future__ import annotations

from bot.services.i18n import LANGUAGES, gettext_for


def consent_text(language: str) -> str:
    _ = gettext_for(language)
    return _("SMS consent: To send you SMS reminders we keep your phone number (encrypted), your "
             "language and the hearing: case number, court, date and time. We send SMS 7 days, "
             "1 day and 2 hours before, and if the date changes. Nothing else is kept or sent. "
             "A hearing is deleted 30 days after it, the number within a year once no hearing "
             "is left. You can stop at any time by "
             "replying STOP, and ask the call centre to show or delete your data. Do you agree?")


def relative_consent_text(language: str) -> str:
    """For a relative who has no messenger: the same promises as the chat's invitation."""
    _ = gettext_for(language)
    return _("SMS consent for a relative: To send you SMS copies of your relative's court "
             "hearing reminders we keep your phone number (encrypted) and your language. You "
             "get the case number, court, date and time 7 days, 1 day and 2 hours before, and "
             "if the date changes; nothing else about your relative. The number is deleted "
             "within a year once no copies are left to come. The copies stop when you reply "
             "STOP, when your relative stops them, or when you ask the call centre to delete "
             "your number. Do you agree?")


def consent_texts() -> dict[str, str]:
    return {language: consent_text(language) for language in LANGUAGES}


def relative_consent_texts() -> dict[str, str]:
    return {language: relative_consent_text(language) for language in LANGUAGES}
