"""The claim categories and digital guides, listed from the taxonomy.

The step-by-step pathways and guides are separate features still being written; until a topic
has one, its screen says so plainly and shows the way to a person instead of pretending.
"""

from __future__ import annotations

from bot.services.content import Topic
from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice

SERVICE_SCREENS = {
    "service.hearings": "hearings",
    "service.operator": "human",
    "service.language": "language",
    "service.privacy": "mydata",
}


def register(registry: Registry) -> None:
    @registry.screen("explorer")
    def explorer(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_("What is your problem about? Choose the closest topic."),
            options=_topic_choices(ctx, "pathway"),
        )

    @registry.screen("guides")
    def guides(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_("Courts online, step by step. What do you want to do?"),
            options=_topic_choices(ctx, "guide"),
        )

    @registry.screen("topic", accepts=lambda services, topic_id: bool(
        services.content.topic(topic_id)))
    def topic(ctx: Context, topic_id: str) -> View:
        _ = ctx.gettext
        title = ctx.services.content.topic(topic_id).title(ctx.language)
        return View(
            text=title + "\n\n" + _(
                "Step-by-step help on this topic is still being written, so I won't guess. "
                "A person can help you now: press “Talk to a person”."
            ),
            options=[Choice("go:human", _("👤 Talk to a person"))],
            human=False,
        )

    @registry.screen("hearings", access=Access.public)
    def hearings(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(
            text=_(
                "Reminders about your court hearings are coming soon. Until then, a person can "
                "help you find your hearing date: press “Talk to a person”."
            ),
            options=[Choice("go:human", _("👤 Talk to a person"))],
            human=False,
        )


def register_deep_links(registry: Registry, topics: list[Topic] | tuple[Topic, ...]) -> None:
    """`/start family-alimony` opens that topic; service ids open their screens."""
    for item in topics:
        registry.deep_links[item.deep_link] = SERVICE_SCREENS.get(item.id, f"topic:{item.id}")


def _topic_choices(ctx: Context, kind: str) -> list[Choice]:
    return [
        Choice(f"go:topic:{item.id}", item.title(ctx.language), item.label(ctx.language))
        for item in ctx.services.content.topics_of(kind)
    ]
