"""The claim categories and digital guides, listed from the taxonomy.

A claim category opens its pathway (`path:<id>`, see flows/explorer.py), a guide its steps
(`guide:<id>`, flows/guides.py), a service its own screen. The content check makes sure every
topic has one of them.
"""

from __future__ import annotations

from bot.services.content import Content, Topic
from bot.services.conversation.context import Context
from bot.services.conversation.registry import Registry, View
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
            options=[*_topic_choices(ctx, "guide"),
                     Choice("go:glossary", _("📚 Court words explained"), _("📚 Words explained"))],
        )


def register_deep_links(registry: Registry, content: Content) -> None:
    """`/start family-alimony` opens that pathway, `/start guide-eds` that guide, and service ids
    open their screens."""
    for item in content.topics:
        registry.deep_links[item.deep_link] = topic_ref(item, content)


def topic_ref(item: Topic, content: Content) -> str:
    """The screen that helps with a topic."""
    if item.id in content.pathways:
        return f"path:{item.id}"
    if item.id in content.guides:
        return f"guide:{item.id}"
    # A topic with nothing written for it yet (load_content reports it): a person can help.
    return SERVICE_SCREENS.get(item.id, "human")


def topic_choice(ctx: Context, topic_id: str, prefix: str = "") -> Choice | None:
    """A button that opens a topic, labelled with its title (its short title, without the
    prefix, where space is tight); None for an id the content does not know."""
    content = ctx.services.content
    item = content.topic(topic_id)
    if item is None:
        return None
    return Choice(f"go:{topic_ref(item, content)}", prefix + item.title(ctx.language),
                  item.label(ctx.language))


def _topic_choices(ctx: Context, kind: str) -> list[Choice]:
    return [choice for item in ctx.services.content.topics_of(kind)
            if (choice := topic_choice(ctx, item.id)) is not None]
