"""`python -m bot content check`: walk every screen a person can reach and check it.

For both languages, and for a person who agreed to the notice and one who declined, it presses
every button on every reachable screen and reports: dead ends (no way on, no way to the menu or
to a person), screens over about 110 words, labels too long for WhatsApp (20 characters for
buttons, 24 for list rows), screens nobody can reach, untranslated UI strings, and content files
whose statements lack a source or a date; and the wording rules of `wording.py` (Russian words
in Kazakh, case endings before postpositions, the term list, kk/ru numbers, vague pointers that
name no one to ask («уточните в суде»), buttons a text names that are not on its screen,
look-alike buttons).
"""

from __future__ import annotations

import itertools
import re
import tempfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import load_settings
from bot.services import wording
from bot.services.clock import utc_now
from bot.services.conversation import Event, EventKind, Screen
from bot.services.conversation.context import CONSENT_VERSION, Context
from bot.services.conversation.engine import STALE_NOTICE
from bot.services.conversation.screens import LISTEN
from bot.services.conversation.store import Place, Profile, Visit
from bot.services.explorer.check import PathwayWalker, static_problems
from bot.services.hearings.check import HearingWalker
from bot.services.i18n import LANGUAGES, LOCALES_DIR, gettext_for
from bot.services.posters import poster_problems
from bot.services.relatives_check import RelativeWalker

MAX_WORDS = 110
NAV_LABEL_LIMIT = 20  # WhatsApp reply buttons
OPTION_LABEL_LIMIT = 24  # WhatsApp list rows
# Screens meant to be long: the whole plan as one message to forward. Telegram allows 4096
# characters in a message.
LONG_SCREENS = {"share"}
LONG_SCREEN_CHARS = 4000
# Screens a person meets only when the conversation sends them there (not by a button):
# `suggest` answers typed text the classifier was not sure about.
# `human_done` comes when an operator closes a chat, `enrol` from a call centre's code,
# `rel` from a relative's invitation, `h_sms_code` once a check code went by SMS.
REACHED_WITHOUT_BUTTON = {"consent_needed", "suggest", "human_done", "enrol", "rel",
                          "h_sms_code"}
# They are walked from here (an unknown code shows the "not valid" screen).
EXTRA_STARTS = ("human_done:1", "enrol:AAAABBBB", "rel:AAAABBBBCCCC", "h_sms_code")
# A reminder's "👤 Person" leads to a person too (it answers below the reminder), and so
# does a relative's copy's.
REMINDER_HELP = ("rem:help/", "rem:copyhelp/")
# Who walks the screens, and where each starts: a newcomer who has no language yet, one who
# chose it but has not answered the notice, one who agreed and one who declined.
PEOPLE = {"new": "language", "pending": "consent", "agreed": "menu", "declined": "menu"}


@dataclass
class WalkResult:
    screens: dict[tuple[str, str, str], Screen] = field(default_factory=dict)  # (who, lang, ref)
    edges: int = 0
    problems: list[str] = field(default_factory=list)


def words(text: str) -> int:
    """Words as a reader meets them: a link counts as one (the sources screen lists them)."""
    return len(re.findall(r"\w+", wording.URL.sub(" link ", text)))


async def walk(core) -> WalkResult:
    """Press every button on every reachable screen, for each language and consent answer;
    then play every path of every pathway to its plan (see explorer/check.py)."""
    result = await _press_every_button(core)
    walker = PathwayWalker(core.conversation)
    await walker.walk_all()
    result.screens.update(walker.screens)
    result.problems += walker.problems
    hearings = HearingWalker(core)
    await hearings.walk()
    result.screens.update(hearings.screens)
    result.problems += hearings.problems
    relatives = RelativeWalker(core)
    await relatives.walk()
    result.screens.update(relatives.screens)
    result.problems += relatives.problems
    return result


async def _press_every_button(core) -> WalkResult:
    result = WalkResult()
    conversation = core.conversation
    people = itertools.count()
    for who, start in PEOPLE.items():
        for language in LANGUAGES:
            stale = gettext_for(language)(STALE_NOTICE)
            starts = [start, *EXTRA_STARTS] if who == "agreed" else [start]
            queue, seen = deque(starts), set(starts)
            while queue:
                ref = queue.popleft()
                screen = await _look(conversation, _visit(who, language, ref, next(people)))
                result.screens[(who, language, ref)] = screen
                for choice in screen.all_choices:
                    visit = _visit(who, language, ref, next(people))
                    await conversation.services.store.save(visit, CONSENT_VERSION)
                    event = Event("check", visit.user_id, EventKind.choice, choice=choice.id)
                    after = (await conversation.handle(event))[-1]
                    result.edges += 1
                    if stale in after.notice:
                        result.problems.append(
                            f"{who}/{language}/{ref}: button {choice.id!r} leads nowhere"
                        )
                    if after.name not in seen:
                        seen.add(after.name)
                        queue.append(after.name)
    return result


def _visit(who: str, language: str, ref: str, number: int) -> Visit:
    """A fresh person standing on `ref`, at the given point of onboarding."""
    profile = Profile(language=None if who == "new" else language)
    if who == "agreed":
        profile.consent_version, profile.consent_at = CONSENT_VERSION, utc_now()
    elif who == "declined":
        profile.declined = True
    return Visit("check", f"check-{number}", profile, Place(ref))


async def _look(conversation, visit: Visit) -> Screen:
    ctx = Context(Event("check", visit.user_id, EventKind.edited), visit, conversation.services)
    return await conversation.render(ctx)


def check_screens(result: WalkResult, registry, pairs: list | None = None) -> list[str]:
    problems = list(result.problems)
    for (who, language, ref), screen in sorted(result.screens.items()):
        where = f"{who}/{language}/{ref}"
        if not screen.text.strip():
            problems.append(f"{where}: empty text")
        body = screen.text  # the notice belongs to the event, not to the screen
        if ref.split(":")[0] in LONG_SCREENS:
            if len(body) > LONG_SCREEN_CHARS:
                problems.append(f"{where}: {len(body)} characters (at most {LONG_SCREEN_CHARS})")
        elif words(body) > MAX_WORDS:
            problems.append(f"{where}: {words(body)} words (at most {MAX_WORDS})")
        ids = {choice.id for choice in screen.all_choices}
        if not ids:
            problems.append(f"{where}: dead end, no buttons")
        if LISTEN not in ids and not ref.startswith(("reminder:", "copy:")):  # the dispatcher's
            problems.append(f"{where}: no 🔊 Listen")
        entrance = ref == "language" and who in ("new", "pending")  # nothing before it
        if ref != "menu" and not entrance and not ({"menu", "back"} & ids):
            problems.append(f"{where}: no way back or to the menu")
        to_a_person = any(i == "go:human" or i.startswith(REMINDER_HELP) for i in ids)
        if ref != "menu" and not to_a_person and not ref.startswith("human"):
            problems.append(f"{where}: no way to a person")
        for choice in screen.nav:
            if len(choice.label) > NAV_LABEL_LIMIT:
                problems.append(f"{where}: button {choice.label!r} over {NAV_LABEL_LIMIT} chars")
        for choice in screen.choices:
            label = choice.short or choice.label
            if len(label) > OPTION_LABEL_LIMIT:
                problems.append(f"{where}: option {label!r} over {OPTION_LABEL_LIMIT} chars "
                                "(add a short label)")
    problems += wording.screen_problems(result.screens,
                                        wording.all_pairs() if pairs is None else pairs)
    reached = {ref.split(":", 1)[0] for (_w, _l, ref) in result.screens}
    for name in sorted(set(registry.screens) - reached - REACHED_WITHOUT_BUTTON):
        problems.append(f"screen {name!r} cannot be reached by any button")
    return problems


def check_catalogs(root: Path | None = None) -> list[str]:
    """Every UI string in the code has a Kazakh and a Russian translation, none fuzzy."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = root or LOCALES_DIR.parent
    used = {
        message if isinstance(message, str) else message[0]  # a plural's singular is its id
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map=[("**.py", "python"),
                                   ("**/staff/templates/**.html", "jinja2")]
        )
        if message
    }
    problems = []
    for language in LANGUAGES:
        po = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message_id in sorted(used):
            entry = catalog.get(message_id)
            forms = entry.string if entry and isinstance(entry.string, tuple) else (
                entry.string if entry else "",)
            if entry is None or not all(forms):
                problems.append(f"{language}: no translation for {message_id!r}")
            elif entry.fuzzy:
                problems.append(f"{language}: fuzzy translation for {message_id!r}")
        # What `pybabel compile` refuses (e.g. a "%" read as a printf format) fails here
        # too, so nobody meets it first on a fresh machine.
        for message, errors in catalog.check():
            problems += [f"{language}: {message.id!r}: {error}" for error in errors]
    return problems


async def run_check() -> list[str]:
    from bot.app import Core

    problems = check_catalogs()
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{folder}/check.sqlite3",
                                 flood_messages_per_minute=0,  # the walk presses thousands
                                 telegram_bot_token="",
                                 # SMS on, so its screens are walked too (nothing is sent:
                                 # the walk builds no gateway).
                                 sms_provider="mobizon", sms_api_key="content-check",
                                 sms_inbound_secret="content-check")
        core = await Core.build(settings, migrate=True)  # content errors stop here, named
        try:
            problems += static_problems(core.content)
            problems += poster_problems(core.content)
            pairs = wording.all_pairs(settings.content_dir)
            terms = wording.load_terms(settings.content_dir / wording.TERMS_FILE.name)
            problems += wording.pair_problems(pairs, terms)
            problems += wording.question_problems(core.content)
            result = await walk(core)
            problems += check_screens(result, core.conversation.registry, pairs)
        finally:
            await core.close()
    return problems
