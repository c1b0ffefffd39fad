"""How many parts (segments) an SMS takes, which is what it costs.

An SMS carries 140 bytes. Text that fits the GSM 03.38 alphabet goes as 7-bit characters: 160
in one SMS, 153 a part when split (the rest is the header that joins the parts); the extension
characters (€ [ ] { } ^ ~ | \\) take two. Anything else, which includes every Cyrillic letter and
the Kazakh ә ғ қ ң ө ұ ү һ і, forces UCS-2: 70 UTF-16 units in one SMS, 67 a part, and a
character beyond the BMP (an emoji) takes two units. A character is never split between parts.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
SINGLE = {"gsm7": 160, "ucs2": 70}
PER_PART = {"gsm7": 153, "ucs2": 67}


@dataclass(frozen=True)
class Segments:
    encoding: str  # gsm7 | ucs2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int


def encoding_of(text: str) -> str:
    return "gsm7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else "ucs2"


def _unit(ch: str, encoding: str) -> int:
    if encoding == "gsm7":
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def segments(text: str) -> Segments:
    encoding = encoding_of(text)
    units = [_unit(ch, encoding) for ch in text]
    total = sum(units)
    if total <= SINGLE[encoding]:
        return Segments(encoding, total, 1 if text else 0)
    parts, room = 1, PER_PART[encoding]
    for size in units:  # fill each part; a character that does not fit starts the next one
        if size > room:
            parts, room = parts + 1, PER_PART[encoding]
        room -= size
    return Segments(encoding, total, parts)


def parts(text: str) -> int:
    return segments(text).parts


def fits(text: str, most: int) -> bool:
    return parts(text) <= most
