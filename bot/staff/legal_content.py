"""Every legal statement the bot makes, with its source and the date it was last checked,
oldest check first: the list a lawyer works through. Statements marked `plain` state no law
and are left out; statements citing a source nobody could confirm are flagged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services.content import Content


@dataclass(frozen=True)
class LegalStatement:
    where: str  # "pathway family.divorce, outcome court", "guide guide.eds"
    text: str
    source_id: str
    cite: str
    url: str
    checked: date
    confidence: str  # H | M | L
    check: bool  # the citizen is told to check it


def legal_statements(content: Content, language: str) -> list[LegalStatement]:
    found: list[tuple[str, str, str, bool]] = []  # where, text, source id, check
    for pathway_id, pathway in content.pathways.items():
        for outcome_id, outcome in pathway.outcomes.items():
            for item in outcome.checked_items():
                found.append((f"pathway {pathway_id} / {outcome_id}", item.text(language),
                              item.source, item.check))
    for guide_id, guide in content.guides.items():
        found += [(f"guide {guide_id}", f"{step.title(language)}: {step.text(language)}",
                   step.source, step.check) for step in guide.steps if step.source]
    if content.hearing_help is not None:
        help_ = content.hearing_help
        found += [("hearing help", item.text(language), item.source, item.check)
                  for item in [*help_.bring, *help_.online, *help_.cant_come] if item.source]
    if content.glossary is not None:
        found += [(f"glossary {term.id}", term.words(language).text, term.source, False)
                  for term in content.glossary.terms if term.source]
    statements = []
    for where, text, source_id, check in found:
        source = content.sources.get(source_id)
        if source is None:
            continue  # the content check reports unknown sources
        statements.append(LegalStatement(where, text, source_id, source.cite(language),
                                         source.url, source.checked, source.confidence, check))
    statements += [LegalStatement("contacts", contact.text(language), contact.id,
                                  contact.source(language), contact.url, contact.checked,
                                  "H", False) for contact in content.contacts]
    return sorted(statements, key=lambda item: (item.checked, item.where))
