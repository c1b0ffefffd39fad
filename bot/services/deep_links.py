"""Links that open the bot at a given place, for posters, slips and SMS.

Telegram: `https://t.me/<bot>?start=<argument>`; Telegram hands the argument to the bot as
`/start <argument>` (a topic's id with dots as dashes, `family-alimony`, or `enrol-<code>`).

WhatsApp can only put a text into the person's message box (`https://wa.me/<number>?text=…`);
they press send. A raw `/start family-alimony` there puzzles someone who reads slowly, so the
text is words they understand ("Алимент / Алименты") followed by a tag (`#family-alimony`). The
WhatsApp channel takes a message ending in such a tag as `/start <argument>`, whatever words
come before it (the person may have shortened them). `/start <argument>` typed works as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

# A tag at the very end of the message: `#family-alimony`, `#guide-online_hearing`, `#start`.
_TAG = re.compile(r"(?:^|\s)#([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)\s*$")
BOT_TAG = "start"  # the tag of a poster for the bot itself: `/start` with nothing after it


def whatsapp_text(words: str, argument: str) -> str:
    """The prefilled WhatsApp message: `Алимент / Алименты #family-alimony`."""
    tag = f"#{argument or BOT_TAG}"
    return f"{words.strip()} {tag}" if words.strip() else tag


def start_argument(text: str) -> str | None:
    """The `/start` argument a prefilled WhatsApp message carries ("" for the bot itself), or
    None for an ordinary message."""
    found = _TAG.search(text)
    if found is None:
        return None
    argument = found.group(1)
    return "" if argument.lower() == BOT_TAG else argument


@dataclass(frozen=True)
class DeepLinks:
    """Where links point: the bot's Telegram username and WhatsApp number, each if known."""

    telegram_username: str | None = None
    whatsapp_number: str | None = None

    def telegram(self, argument: str = "") -> str | None:
        if not self.telegram_username:
            return None
        base = f"https://t.me/{self.telegram_username}"
        return f"{base}?start={argument}" if argument else base

    def whatsapp(self, words: str, argument: str = "") -> str | None:
        if not self.whatsapp_number:
            return None
        number = re.sub(r"\D", "", self.whatsapp_number)  # wa.me takes digits only
        text = quote(whatsapp_text(words, argument), safe="")
        return f"https://wa.me/{number}?text={text}"

    def both(self, words: str, argument: str = "") -> dict[str, str]:
        """{"Telegram": link, "WhatsApp": link}, with only the channels that are known."""
        links = {"Telegram": self.telegram(argument), "WhatsApp": self.whatsapp(words, argument)}
        return {name: link for name, link in links.items() if link}
