"""Kazakhstan's mobile numbers as people say and type them, and as staff may see them."""

from __future__ import annotations

import re


def normalise_phone(text: str) -> str | None:
    """"+7 (701) 123-45-67", "8 701 123 45 67", "7011234567" → "77011234567"; None otherwise.
    Only Kazakhstan's mobile numbers (+7 7xx): SMS reminders go nowhere else."""
    digits = re.sub(r"[\s\-().]", "", text.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if len(digits) == 10 and digits.startswith("7"):
        digits = "7" + digits
    elif len(digits) == 11 and digits.startswith("8"):
        digits = "7" + digits[1:]
    return digits if len(digits) == 11 and digits.startswith("77") else None


def mask(number: str) -> str:
    """"77011234567" → "+7 701 *** ** 67": enough for a caller to recognise, no more."""
    return f"+7 {number[1:4]} *** ** {number[-2:]}" if len(number) == 11 else "***"
