"""Digital how-to guides: one short step per screen, Next / Back, "It didn't work" for the
step's usual trouble, and "👤 Person" to a person on every step.

Screens: `guide:<id>` (what it helps with, the date its button names were checked),
`guide_step:<id>/<n>`, `guide_trouble:<id>/<n>`, `guide_end:<id>` (related topics).
Back is the engine's Back: each step is pushed, so Back is the previous step.
"""

from __future__ import annotations

from babel.dates import format_date

from bot.services.citing import cited
from bot.services.clock import BABEL_LOCALES
from bot.services.conversation.context import Context, Services
from bot.services.conversation.registry import Registry, View
from bot.services.conversation.screens import Choice
from bot.services.flows.glossary import words_choice
from bot.services.flows.topics import topic_choice
from bot.services.guides.model import Guide, GuideStep


def register(registry: Registry) -> None:
    @registry.screen("guide", accepts=lambda services, guide_id: guide_id in
                     services.content.guides)
    def guide_intro(ctx: Context, guide_id: str) -> View:
        _ = ctx.gettext
        guide = ctx.services.content.guides[guide_id]
        as_of = format_date(guide.as_of, "dd.MM.yyyy", locale=BABEL_LOCALES[ctx.language])
        text = "\n\n".join([
            f"📘 {_title(ctx, guide)}",
            guide.intro(ctx.language),
            _("{count} short steps. Button names on the sites are as of {date}; if yours "
              "differ, look for the closest one.").format(count=len(guide.steps), date=as_of),
        ])
        return View(text=text, options=[
            Choice(f"go:guide_step:{guide_id}/1", _("▶ Start")),
            *words_choice(ctx, guide.intro(ctx.language)),
        ])

    @registry.screen("guide_step", accepts=_accepts_step)
    def guide_step(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        guide, number, step = _step(ctx.services, argument)
        last = number == len(guide.steps)
        options = [Choice(f"go:guide_end:{guide.id}" if last else
                          f"go:guide_step:{guide.id}/{number + 1}",
                          _("✅ Done") if last else _("Next ➡"))]
        if step.trouble:
            options.append(Choice(f"go:guide_trouble:{guide.id}/{number}",
                                  _("❓ It didn't work")))
        options.append(Choice("go:human", _("👤 Person")))
        options += words_choice(ctx, step.title(ctx.language) + " " + step.text(ctx.language))
        header = _("📘 {guide} · step {number} of {steps}").format(
            guide=_title(ctx, guide), number=number, steps=len(guide.steps))
        text = f"{header}\n{step.title(ctx.language)}\n\n" + cited(
            ctx.services.content, step, ctx.language)
        return View(text=text, options=options, human=False)

    @registry.screen("guide_trouble", accepts=lambda services, argument: _accepts_step(
        services, argument) and _step(services, argument)[2].trouble is not None)
    def guide_trouble(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        guide, number, step = _step(ctx.services, argument)
        header = _("❓ If step {number} did not work").format(number=number)
        text = f"{header}: {step.title(ctx.language)}\n\n{step.trouble(ctx.language)}"
        return View(text=text, options=[
            Choice(f"go:guide_step:{guide.id}/{number}", _("🔁 Try the step again")),
            Choice("go:human", _("👤 Person")),
            *words_choice(ctx, step.trouble(ctx.language)),
        ], human=False)

    @registry.screen("guide_end", accepts=lambda services, guide_id: guide_id in
                     services.content.guides)
    def guide_end(ctx: Context, guide_id: str) -> View:
        _ = ctx.gettext
        guide = ctx.services.content.guides[guide_id]
        related = [choice for topic_id in guide.related
                   if (choice := topic_choice(ctx, topic_id)) is not None]
        text = _("That is the whole guide: {guide}.").format(guide=_title(ctx, guide))
        if related:
            text += "\n\n" + _("These may help next:")
        return View(text=text, options=[
            *related,
            Choice(f"go:guide_step:{guide_id}/1", _("🔁 From the first step")),
        ])


def _title(ctx: Context, guide: Guide) -> str:
    topic = ctx.services.content.topic(guide.id)
    return topic.title(ctx.language) if topic else guide.id


def _accepts_step(services: Services, argument: str) -> bool:
    guide_id, _, number = argument.partition("/")
    guide = services.content.guides.get(guide_id)
    return guide is not None and number.isdigit() and 1 <= int(number) <= len(guide.steps)


def _step(services: Services, argument: str) -> tuple[Guide, int, GuideStep]:
    guide_id, _, number = argument.partition("/")
    guide = services.content.guides[guide_id]
    return guide, int(number), guide.steps[int(number) - 1]
