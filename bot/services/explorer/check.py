"""Checks for the pathways, used by `python -m bot content check` and by the tests.

`all_paths` lists every way through a pathway (every option, "not sure" where it leads on, a
typed and a skipped amount). `walk_pathways` plays each one as a person would — Start, the
answers, the summary, every page of the plan, dates, amount, the forwarded plan, the draft —
in both languages, and keeps every screen it met for the screen checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.services.content import Content
from bot.services.conversation import Event, EventKind, Screen
from bot.services.conversation.context import CONSENT_VERSION
from bot.services.conversation.engine import STALE_NOTICE
from bot.services.conversation.store import Place, Profile, Visit
from bot.services.explorer.model import DRAFT_FIELDS, Pathway
from bot.services.explorer.plan import sections_of
from bot.services.explorer.progress import SKIPPED, UNSURE
from bot.services.i18n import LANGUAGES, gettext_for

SAMPLE_AMOUNT = "500 000"
# The blanks a draft may name: the fields asked for, and what the bot fills itself (the claim
# amount, today's date, the date a copy was received from the deadline calculator).
FILLABLE = {*DRAFT_FIELDS, "amount", "today", "received"}


@dataclass(frozen=True)
class Path:
    """One way through a pathway: the answers given, in order, and the outcome they reach."""

    answers: tuple[tuple[str, str], ...]  # (question id, value); value may be UNSURE or a sum
    outcome: str


def all_paths(pathway: Pathway) -> list[Path]:
    return list(_paths_from(pathway, pathway.start, (), frozenset()))


def _paths_from(pathway: Pathway, node: str, answered: tuple, seen: frozenset
                ) -> Iterator[Path]:
    if node in pathway.outcomes:
        yield Path(answered, node)
        return
    if node in seen:
        return  # a loop; reported by static_problems
    question = pathway.questions[node]
    seen = seen | {node}
    moves: list[tuple[str, str]] = []
    if question.kind == "amount":
        moves = [(SAMPLE_AMOUNT, question.next), (SKIPPED, question.next)]
    else:
        moves = [(option.value, option.next) for option in question.options]
    unsure = pathway.unsure_for(node)
    if unsure.next:
        moves.append((UNSURE, unsure.next))
    for value, following in moves:
        yield from _paths_from(pathway, following, (*answered, (node, value)), seen)


def static_problems(content: Content) -> list[str]:
    """Nodes nobody can reach, loops, and draft blanks that would not be filled."""
    problems = []
    for pathway_id, pathway in content.pathways.items():
        reached = {pathway.start}
        frontier = [pathway.start]
        while frontier:
            node = frontier.pop()
            if node in pathway.questions:
                for target in pathway.targets(pathway.questions[node]):
                    if target not in reached:
                        reached.add(target)
                        frontier.append(target)
        for node in sorted(set(pathway.questions) | set(pathway.outcomes)):
            if node not in reached:
                problems.append(f"pathway {pathway_id}: {node!r} cannot be reached")
        paths = all_paths(pathway)
        if {path.outcome for path in paths} != set(pathway.outcomes) & reached:
            problems.append(f"pathway {pathway_id}: a loop keeps some outcome out of reach")
    for draft_id, draft in content.drafts.items():
        for group in (draft.addressee, draft.parties, draft.body, draft.requests,
                      draft.attachments):
            for section in group:
                for language in LANGUAGES:
                    for name in re.findall(r"{([^{}]*)}", section.text(language)):
                        if name not in FILLABLE:
                            problems.append(f"draft {draft_id}: unknown blank {{{name}}}")
                        elif name in DRAFT_FIELDS and name not in draft.fields:
                            problems.append(f"draft {draft_id}: {{{name}}} is never asked "
                                            "(add it to `fields`)")
    return problems


class PathwayWalker:
    """Plays paths through the real conversation engine and keeps the screens it met.

    A plan's extra buttons (dates, amount, the forwarded plan, the draft) are followed the first
    time each plan is reached in each language: other paths to it only repeat the same files."""

    def __init__(self, conversation) -> None:
        self.conversation = conversation
        self.screens: dict[tuple[str, str, str], Screen] = {}
        self.problems: list[str] = []
        self._people = 0
        self._plans_explored: set[tuple[str, str]] = set()  # (pathway/outcome, language)

    async def walk_all(self) -> None:
        for pathway in self.conversation.services.content.pathways.values():
            for path in all_paths(pathway):
                for language in LANGUAGES:
                    await self.walk(pathway, path, language)

    async def walk(self, pathway: Pathway, path: Path, language: str) -> list[Screen]:
        """One person, one path, one language. Returns the screens in the order shown."""
        self._people += 1
        user = f"walker-{self._people}"
        profile = Profile(language=language, declined=True)  # kept in memory only
        await self.conversation.services.store.save(
            Visit("check", user, profile, Place(f"path:{pathway.id}")), CONSENT_VERSION)
        shown: list[Screen] = []

        async def press(choice: str) -> Screen:
            screen = await self._send(Event("check", user, EventKind.choice, choice=choice))
            shown.append(screen)
            return screen

        async def type_text(text: str) -> Screen:
            screen = await self._send(Event("check", user, EventKind.text, text=text))
            shown.append(screen)
            return screen

        where = f"{pathway.id} {language} {[value for _q, value in path.answers]}"
        await press(f"start:{pathway.id}")
        for question_id, value in path.answers:
            if value == UNSURE:
                await press(f"go:unsure:{pathway.id}/{question_id}")
                await press(f"uns:{pathway.id}/{question_id}")
            elif value == SAMPLE_AMOUNT:
                await type_text(value)
            else:
                await press(f"ans:{pathway.id}/{question_id}/{value}")
        if shown[-1].name != f"summary:{pathway.id}":
            self.problems.append(f"{where}: ended on {shown[-1].name}, not the summary")
            return shown
        await press(f"go:change:{pathway.id}")
        await press("back")
        await press(f"plan:{pathway.id}")
        base = f"{pathway.id}/{path.outcome}"
        outcome = pathway.outcomes[path.outcome]
        for page in range(1, len(sections_of(outcome)) + 1):
            screen = shown[-1] if page == 1 else await press(f"go:plan:{base}/{page}")
            if screen.name != f"plan:{base}/{page}":
                self.problems.append(f"{where}: expected plan page {page}, got {screen.name}")
                return shown
            if (base, language) not in self._plans_explored:
                await self._follow_plan_buttons(screen, base, press, type_text)
        self._plans_explored.add((base, language))
        return shown

    async def _follow_plan_buttons(self, screen: Screen, base: str, press, type_text) -> None:
        ids = {choice.id for choice in screen.choices}
        if f"go:date:{base}" in ids:
            await press(f"go:date:{base}")
            await press(f"day:{base}/today")
        if f"go:amount:{base}" in ids:
            await press(f"go:amount:{base}")
            await type_text(SAMPLE_AMOUNT)
        sources = next((choice for choice in ids if choice.startswith(f"go:src:{base}/")), None)
        if sources:
            listed = await press(sources)
            if "https://" not in listed.text:
                self.problems.append(f"{listed.name}: the sources screen lists no link")
            await press("back")
        if f"go:share:{base}" in ids:
            await press(f"go:share:{base}")
            await press("back")
        if f"go:draft:{base}" in ids:
            await press(f"go:draft:{base}")
            ready = await press(f"doc:{base}")
            if len(ready.attachments) != 2:
                self.problems.append(f"{base}: the draft came without its two files")
            await press("back")
            field = await press(f"go:field:{base}/0")
            while field.name.startswith("field:"):
                asked = field.name
                field = await type_text("Test Person")
                if field.name == asked:  # a number or a date, refused as a name: skip it
                    field = await press(f"skip:{asked.split(':', 1)[1]}")
            await press("menu")
            await press(f"resume:{base.split('/')[0]}")
            await press(f"plan:{base.split('/')[0]}")

    async def _send(self, event: Event) -> Screen:
        screen = (await self.conversation.handle(event))[-1]
        self.screens[("paths", screen.language, screen.name)] = screen
        registry = self.conversation.registry
        for choice in screen.all_choices:
            verb, _sep, argument = choice.id.partition(":")
            known = registry.knows(argument, self.conversation.services) if verb == "go" \
                else verb in registry.actions
            if not known:
                self.problems.append(f"{screen.name}: button {choice.id!r} leads nowhere")
        if gettext_for(screen.language)(STALE_NOTICE) in screen.notice:
            self.problems.append(f"{screen.name}: a button was refused as out of date")
        return screen
