"""The claim categories and digital guides, listed from the taxonomy.

A claim category with a pathway opens it (`path:<id>`, see flows/explorer.py). A topic whose
step-by-step help is still being written says so plainly and shows the way to a person instead
of pretending.
"""

from __future__ import annotations

from bot.services.content import Content, Topic
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
        services.content.topic(topic_id)) and topic_id not in services.content.pathways)
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


def register_deep_links(registry: Registry, content: Content) -> None:
    """`/start family-alimony` opens that pathway or topic; service ids open their screens."""
    for item in content.topics:
        registry.deep_links[item.deep_link] = SERVICE_SCREENS.get(item.id, topic_ref(item,
                                                                                      content))


def topic_ref(item: Topic, content: Content) -> str:
    return f"path:{item.id}" if item.id in content.pathways else f"topic:{item.id}"


def _topic_choices(ctx: Context, kind: str) -> list[Choice]:
    content = ctx.services.content
    return [
        Choice(f"go:{topic_ref(item, content)}", item.title(ctx.language),
               item.label(ctx.language))
        for item in content.topics_of(kind)
    ]
