"""The conversation core: an Event comes in, Screens go out."""

from bot.services.conversation.engine import Conversation
from bot.services.conversation.events import Event, EventKind
from bot.services.conversation.screens import Attachment, Choice, Screen

__all__ = ["Attachment", "Choice", "Conversation", "Event", "EventKind", "Screen"]
