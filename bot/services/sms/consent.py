"""The consent an operator reads out before enrolling a caller for SMS, in the caller's
language. It says what is kept, why, for how long and how to stop, as the chat's notice does."""

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


def consent_texts() -> dict[str, str]:
    return {language: consent_text(language) for language in LANGUAGES}
