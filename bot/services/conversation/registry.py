"""How features plug into the conversation: screens by name, actions by verb, commands.

A feature module (bot/services/flows/…) registers what it adds; the engine knows none of them by
name. Screen references are "name" or "name:argument" (e.g. "path:family.alimony"); choice ids
are "verb" or "verb:argument" (e.g. "go:menu", "lang:kk").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.services.conversation.screens import Choice, TemplateMessage

if TYPE_CHECKING:
    from bot.services.conversation.context import Context, Services


@dataclass
class View:
    """What a screen function returns; the engine adds paging and the navigation row."""

    text: str
    options: list[Choice] = field(default_factory=list)
    back: bool = True
    menu: bool = True
    human: bool = True
    columns: int = 1  # a grid (a calendar, times): drawn this many to a row, never paged
    template: TemplateMessage | None = None  # a message sent on the bot's own (reminders)
    personal: bool = False  # shows something the person typed or keeps (see Screen.personal)


class Access:
    """Who may open a screen. Before a person has answered the consent notice, only screens
    marked `onboarding` open; screens marked `personal` need the person's consent."""

    public = "public"
    onboarding = "onboarding"
    personal = "personal"


ScreenFn = Callable[["Context", str], View | Awaitable[View]]
ArgumentCheck = Callable[["Services", str], bool]
ActionFn = Callable[["Context", str], Awaitable[None]]
TextFn = Callable[["Context", str], Awaitable[bool]]
HookFn = Callable[["Context"], None]


def no_argument(_services: Services, argument: str) -> bool:
    return argument == ""


@dataclass(frozen=True)
class ScreenDef:
    name: str
    render: ScreenFn
    access: str
    accepts: ArgumentCheck = no_argument  # which "name:argument" references are real
    personal: bool = False  # shows what the person typed (a sum, a name): see Screen.personal


@dataclass
class Registry:
    screens: dict[str, ScreenDef] = field(default_factory=dict)
    actions: dict[str, ActionFn] = field(default_factory=dict)
    commands: dict[str, ActionFn] = field(default_factory=dict)
    text_inputs: dict[str, TextFn] = field(default_factory=dict)
    deep_links: dict[str, str] = field(default_factory=dict)  # "family-alimony" -> screen ref
    keywords: dict[str, ActionFn] = field(default_factory=dict)  # "стоп" typed on any screen
    after_event: list[HookFn] = field(default_factory=list)  # run once the person has moved

    def screen(self, name: str, access: str = Access.public,
               accepts: ArgumentCheck = no_argument,
               personal: bool = False) -> Callable[[ScreenFn], ScreenFn]:
        def register(render: ScreenFn) -> ScreenFn:
            self._unique(self.screens, name, "screen")
            self.screens[name] = ScreenDef(name, render, access, accepts,
                                           personal or access == Access.personal)
            return render

        return register

    def action(self, verb: str) -> Callable[[ActionFn], ActionFn]:
        def register(handler: ActionFn) -> ActionFn:
            self._unique(self.actions, verb, "action")
            self.actions[verb] = handler
            return handler

        return register

    def command(self, *names: str) -> Callable[[ActionFn], ActionFn]:
        def register(handler: ActionFn) -> ActionFn:
            for name in names:
                self._unique(self.commands, name, "command")
                self.commands[name] = handler
            return handler

        return register

    def text_input(self, screen_name: str) -> Callable[[TextFn], TextFn]:
        """Let a screen read typed text (a case number, an amount); others get the fallback."""

        def register(handler: TextFn) -> TextFn:
            self._unique(self.text_inputs, screen_name, "text input")
            self.text_inputs[screen_name] = handler
            return handler

        return register

    def keyword(self, *words: str) -> Callable[[ActionFn], ActionFn]:
        """A word that means the same on every screen, even where typed text is expected
        (e.g. "стоп" / "тоқта" / "stop" to stop reminders). Matched whole, in lower case."""

        def register(handler: ActionFn) -> ActionFn:
            for word in words:
                self._unique(self.keywords, word.casefold(), "keyword")
                self.keywords[word.casefold()] = handler
            return handler

        return register

    def shows_personal(self, ctx: Context, ref: str, view: View) -> bool:
        """Whether the drawn screen may show the person's own data: its screen says so, or
        it shows a value the person typed (kept in their answers), wherever it came from."""
        definition = self.find_screen(ref)
        if view.personal or (definition is not None and definition.personal):
            return True
        return any(value in view.text for value in _typed_values(ctx.place.data))

    def find_screen(self, ref: str) -> ScreenDef | None:
        return self.screens.get(ref.split(":", 1)[0])

    def knows(self, ref: str, services: Services) -> bool:
        """True when `ref` names a screen that exists, with an argument it accepts."""
        name, argument = split_ref(ref)
        definition = self.screens.get(name)
        return definition is not None and definition.accepts(services, argument)

    @staticmethod
    def _unique(table: dict[str, object], key: str, what: str) -> None:
        if key in table:
            raise ValueError(f"{what} {key!r} is registered twice")


def split_ref(ref: str) -> tuple[str, str]:
    """"path:family.alimony" -> ("path", "family.alimony"); "menu" -> ("menu", "")."""
    name, _, argument = ref.partition(":")
    return name, argument


def _typed_values(data: object) -> list[str]:
    """The longer strings in a person's answers (names, addresses, typed courts), wherever
    they are nested; short ones are answer ids like "yes" and would match anything."""
    if isinstance(data, str):
        typed = not data.isascii() or " " in data or any(char.isdigit() for char in data)
        return [data] if len(data) >= 4 and typed else []
    if isinstance(data, dict):
        return [value for item in data.values() for value in _typed_values(item)]
    if isinstance(data, list | tuple):
        return [value for item in data for value in _typed_values(item)]
    return []
