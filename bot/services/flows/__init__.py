"""The features of the conversation. Each module registers its screens, actions and commands."""

from bot.services.content import Content
from bot.services.conversation.registry import Registry
from bot.services.flows import (
    enrolment,
    explorer,
    glossary,
    guides,
    hearing_form,
    hearings,
    help_from_people,
    menu,
    navigation,
    onboarding,
    privacy,
    relatives,
    sms_copies,
    topics,
    typed,
)


def build_registry(content: Content) -> Registry:
    registry = Registry()
    for feature in (navigation, onboarding, menu, help_from_people, topics, explorer, guides,
                    glossary, hearings, hearing_form, sms_copies, typed, privacy, enrolment,
                    relatives):
        feature.register(registry)
    topics.register_deep_links(registry, content)
    return registry
