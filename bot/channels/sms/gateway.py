"""What the bot needs from an SMS provider, whichever it is: send one text to one number, and
say what became of messages sent. Adapters turn the provider's answers into the reminder
delivery's errors (bot/services/reminders/delivery.py): wait (RetryLater), try again soon
(Unavailable), never (Refused)."""

from __future__ import annotations

from typing import Protocol

FINAL_FAILURES = frozenset({"UNDELIV", "REJECTD", "EXPIRED", "DELETED"})


class SmsGateway(Protocol):
    async def send(self, number: str, text: str, valid_minutes: int) -> str:
        """Send `text` to `number` (digits with the country code: 77011234567). Returns the
        provider's id for the message. Raises a DeliveryError."""

    async def statuses(self, message_ids: list[str]) -> dict[str, str]:
        """The provider's status for each message id it knows (at most 100 at once)."""

    async def close(self) -> None:
        """Let go of the HTTP connections."""
