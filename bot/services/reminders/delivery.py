"""What a channel must offer to send a message nobody asked for (a reminder), and the ways it
can fail. Each channel (Telegram, WhatsApp, the local chat) turns its own errors into these."""

from __future__ import annotations

from typing import Protocol

from bot.services.conversation.screens import Screen


class DeliveryError(Exception):
    """The message was not delivered."""

    code = "error"

    @property
    def reason(self) -> str:
        """What went wrong, short enough to store: "refused: template 132001"."""
        detail = str(self)
        return (f"{self.code}: {detail}" if detail else self.code)[:64]


class RetryLater(DeliveryError):
    """The messenger asked us to wait: Telegram's 429 with retry_after, WhatsApp's throughput
    limit (everyone waits) or its pair-rate limit (only this chat waits: `chat_only`)."""

    code = "rate_limited"

    def __init__(self, seconds: float, chat_only: bool = False) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds
        self.chat_only = chat_only


class Unavailable(DeliveryError):
    """A passing fault: the messenger's 5xx, a timeout, a dropped connection. Try again soon."""

    code = "unavailable"


class Unreachable(DeliveryError):
    """The person blocked the bot or deleted their account: stop writing to them."""

    code = "blocked"


class Refused(DeliveryError):
    """The messenger refused this message for good (a bad chat id, a malformed message)."""

    code = "refused"


class Delivery(Protocol):
    async def deliver(self, chat_id: str, screen: Screen) -> str | None:
        """Send one screen to one chat, or raise a DeliveryError. Returns the messenger's id
        for the message where a later delivery report may refer to it (else None)."""
