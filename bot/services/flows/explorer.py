"""The Solution Explorer: a few plain questions, then an action plan and a draft document.

Screens (references):
  path:<pathway>               what the pathway does; Start, or Continue / Start over
  ask:<pathway>/<question>     one question; options, "I'm not sure"
  unsure:<pathway>/<question>  the broader explanation behind "I'm not sure"
  summary:<pathway>            the answers so far; Show my plan / Change an answer / Start over
  change:<pathway>             which answer to change
  plan:<pathway>/<outcome>/<n> the plan's n-th section
  date:<pathway>/<outcome>     the person's start date, to count deadlines
  amount:<pathway>/<outcome>   the claim amount, to count the duty
  share:<pathway>/<outcome>    the whole plan as one message to forward
  draft:<pathway>/<outcome>    about the draft; add names or leave blanks
  field:<pathway>/<outcome>/<n> one optional name or address for the draft
  ready:<pathway>/<outcome>    the draft, sent as PDF and DOCX
Actions: start:, resume:, ans:<p>/<q>/<value>, uns:<p>/<q>, plan:<p>, fb:<p>/<outcome>/<up|down>,
  day:<p>/<outcome>/<today|yesterday>, skip:<p>/<outcome>/<n>, doc:<p>/<outcome>.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.clock import format_tenge, to_local, utc_now
from bot.services.conversation.context import Context, Services
from bot.services.conversation.engine import StaleChoice
from bot.services.conversation.registry import Registry, View, split_ref
from bot.services.conversation.screens import Choice
from bot.services.explorer.calc import parse_amount, parse_date
from bot.services.explorer.drafts import clean_field, draft_files, fill
from bot.services.explorer.model import Outcome, Pathway, Question
from bot.services.explorer.plan import PlanWriter, sections_of
from bot.services.explorer.progress import SKIPPED, UNSURE, Progress, drop_all_fields
from bot.services.flows.glossary import words_choice
from bot.services.flows.topics import topic_ref
from bot.services.i18n import N_
from bot.services.understanding.normalise import fold

FIELD_PROMPTS = {
    "your_name": N_("Your full name, as in your ID card."),
    "your_address": N_("Your address: town, street, house, flat."),
    "other_name": N_("The other side's full name (a person or an organisation)."),
    "other_address": N_("The other side's address."),
    "court": N_("The court's name, if you know it (for example: district court of your town)."),
}
DRAFT_SCREENS = {"draft", "field"}  # names and addresses are kept only while on these


def today_in_kazakhstan() -> date:
    return to_local(utc_now()).date()


# ── References: what a screen's argument means, and whether it is real ───────────────────────


def _parts(argument: str, count: int) -> list[str] | None:
    parts = argument.split("/")
    return parts if len(parts) == count else None


def _pathway(services: Services, pathway_id: str) -> Pathway | None:
    return services.content.pathways.get(pathway_id)


def _accepts_pathway(services: Services, argument: str) -> bool:
    return _pathway(services, argument) is not None


def _accepts_question(services: Services, argument: str) -> bool:
    parts = _parts(argument, 2)
    pathway = parts and _pathway(services, parts[0])
    return bool(pathway and parts[1] in pathway.questions)


def _accepts_outcome(services: Services, argument: str) -> bool:
    parts = _parts(argument, 2)
    pathway = parts and _pathway(services, parts[0])
    return bool(pathway and parts[1] in pathway.outcomes)


def _accepts_plan_page(services: Services, argument: str) -> bool:
    parts = _parts(argument, 3)
    pathway = parts and _pathway(services, parts[0])
    if not (pathway and parts[1] in pathway.outcomes and parts[2].isdigit()):
        return False
    return 1 <= int(parts[2]) <= len(sections_of(pathway.outcomes[parts[1]]))


def _accepts_field(services: Services, argument: str) -> bool:
    parts = _parts(argument, 3)
    if not (parts and _accepts_outcome(services, f"{parts[0]}/{parts[1]}")):
        return False
    outcome = services.content.pathways[parts[0]].outcomes[parts[1]]
    template = services.content.drafts.get(outcome.draft or "")
    return bool(template and parts[2].isdigit() and int(parts[2]) < len(template.fields))


def _accepts_draft(services: Services, argument: str) -> bool:
    parts = _parts(argument, 2)
    return bool(_accepts_outcome(services, argument)
                and services.content.pathways[parts[0]].outcomes[parts[1]].draft)


def _outcome(ctx: Context, argument: str) -> tuple[Pathway, str, Outcome]:
    pathway_id, outcome_id = argument.split("/")[:2]
    pathway = ctx.services.content.pathways[pathway_id]
    return pathway, outcome_id, pathway.outcomes[outcome_id]


def _writer(ctx: Context, pathway: Pathway, outcome: Outcome) -> PlanWriter:
    progress = Progress(ctx.place.data, pathway)
    return PlanWriter(ctx.services.content, outcome, ctx.language, ctx.gettext,
                      today_in_kazakhstan(), progress.claim_amount, progress.start_date)


def _title(ctx: Context, pathway: Pathway) -> str:
    topic = ctx.services.content.topic(pathway.id)
    return topic.title(ctx.language) if topic else pathway.id


# ── Screens ──────────────────────────────────────────────────────────────────────────────────


def register(registry: Registry) -> None:
    _register_questions(registry)
    _register_plan(registry)
    _register_draft(registry)
    registry.after_event.append(_forget_draft_fields_when_leaving)


def _register_questions(registry: Registry) -> None:
    @registry.screen("path", accepts=_accepts_pathway)
    def intro(ctx: Context, pathway_id: str) -> View:
        _ = ctx.gettext
        pathway = ctx.services.content.pathways[pathway_id]
        progress = Progress(ctx.place.data, pathway)
        text = f"{_title(ctx, pathway)}\n\n{pathway.intro(ctx.language)}"
        if not progress.started:
            return View(text=text, options=[Choice(f"start:{pathway_id}", _("▶ Start"))])
        return View(
            text=text + "\n\n" + _("You have started this before. Your answers are kept."),
            options=[Choice(f"resume:{pathway_id}", _("▶ Continue")),
                     Choice(f"start:{pathway_id}", _("🔁 Start over"))],
        )

    @registry.screen("ask", accepts=_accepts_question)
    def ask(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        pathway_id, question_id = argument.split("/")
        pathway = ctx.services.content.pathways[pathway_id]
        question = pathway.questions[question_id]
        chosen = Progress(ctx.place.data, pathway).answers.get(question_id)
        text = question.text(ctx.language)
        if question.kind == "amount":
            text += "\n\n" + _("Type the sum in tenge with digits, for example: 500 000.")
            if chosen and chosen not in (SKIPPED, UNSURE):
                text += "\n" + _("Your answer: {amount}.").format(
                    amount=format_tenge(parse_amount(chosen) or 0, ctx.language))
            options = [Choice(f"ans:{argument}/{SKIPPED}", _("⏭ I don't know the sum"))]
        else:
            options = []
            for option in question.options:
                label, short = option.button(ctx.language)
                mark = "✓ " if option.value == chosen else ""
                options.append(Choice(f"ans:{argument}/{option.value}", mark + label,
                                      mark + short if short else None))
            options.append(Choice(f"go:unsure:{argument}", _("🤷 Not sure / none fits")))
        return View(text=text, options=options + words_choice(ctx, question.text(ctx.language)))

    @registry.screen("unsure", accepts=_accepts_question)
    def unsure(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        pathway_id, question_id = argument.split("/")
        pathway = ctx.services.content.pathways[pathway_id]
        way_out = pathway.unsure_for(question_id)
        options = [Choice("go:human", _("👤 Person"))]
        if way_out.next:
            options.insert(0, Choice(f"uns:{argument}", _("▶ Continue")))
        options += words_choice(ctx, way_out.text(ctx.language))
        return View(text=way_out.text(ctx.language), options=options, human=False)

    @registry.screen("summary", accepts=_accepts_pathway)
    def summary(ctx: Context, pathway_id: str) -> View:
        _ = ctx.gettext
        pathway = ctx.services.content.pathways[pathway_id]
        trail = Progress(ctx.place.data, pathway).trail()
        lines = [_("Your answers:")]
        lines += [f"• {pathway.questions[q].summary(ctx.language)}: "
                  f"{_answer_label(ctx, pathway, q, v)}" for q, v in trail.steps]
        if not trail.reached_outcome(pathway):
            lines.append(_("Some questions are still open."))
            return View(text="\n".join(lines),
                        options=[Choice(f"resume:{pathway_id}", _("▶ Continue"))])
        lines.append(_("If this is right, press “Show my plan”."))
        return View(text="\n".join(lines), options=[
            Choice(f"plan:{pathway_id}", _("✅ Show my plan")),
            Choice(f"go:change:{pathway_id}", _("✏️ Change an answer")),
            Choice(f"start:{pathway_id}", _("🔁 Start over")),
        ])

    @registry.screen("change", accepts=_accepts_pathway)
    def change(ctx: Context, pathway_id: str) -> View:
        _ = ctx.gettext
        pathway = ctx.services.content.pathways[pathway_id]
        trail = Progress(ctx.place.data, pathway).trail()
        return View(
            text=_("Which answer do you want to change?"),
            options=[_shortened(f"go:ask:{pathway_id}/{q}",
                                "✏️ " + pathway.questions[q].summary(ctx.language))
                     for q, _value in trail.steps],
        )

    @registry.action("start")
    async def start(ctx: Context, pathway_id: str) -> None:
        pathway = _pathway(ctx.services, pathway_id)
        if pathway is None:
            raise StaleChoice(pathway_id)
        Progress(ctx.place.data, pathway).restart()
        await ctx.services.stats.explorer(ctx.event.channel, ctx.language, pathway_id, "started")
        ctx.go(f"ask:{pathway_id}/{pathway.start}")

    @registry.action("resume")
    async def resume(ctx: Context, pathway_id: str) -> None:
        pathway = _pathway(ctx.services, pathway_id)
        if pathway is None:
            raise StaleChoice(pathway_id)
        _advance(ctx, pathway)

    @registry.action("ans")
    async def answer(ctx: Context, argument: str) -> None:
        parts = _parts(argument, 3)
        if not parts or not _accepts_question(ctx.services, "/".join(parts[:2])):
            raise StaleChoice(argument)
        pathway = ctx.services.content.pathways[parts[0]]
        question = pathway.questions[parts[1]]
        valid = {option.value for option in question.options}
        if question.kind == "amount":
            valid = {SKIPPED}
        if parts[2] not in valid:
            raise StaleChoice(argument)
        Progress(ctx.place.data, pathway).answer(parts[1], parts[2])
        await ctx.services.stats.explorer(ctx.event.channel, ctx.language, pathway.id,
                                          "question", parts[1])
        _advance(ctx, pathway)

    @registry.action("uns")
    async def not_sure(ctx: Context, argument: str) -> None:
        if not _accepts_question(ctx.services, argument):
            raise StaleChoice(argument)
        pathway_id, question_id = argument.split("/")
        pathway = ctx.services.content.pathways[pathway_id]
        if not pathway.unsure_for(question_id).next:
            raise StaleChoice(argument)
        Progress(ctx.place.data, pathway).answer(question_id, UNSURE)
        await ctx.services.stats.explorer(ctx.event.channel, ctx.language, pathway_id,
                                          "unsure", question_id)
        _advance(ctx, pathway)

    @registry.text_input("ask")
    async def typed_answer(ctx: Context, text: str) -> bool:
        argument = split_ref(ctx.place.screen)[1]
        pathway_id, question_id = argument.split("/")
        pathway = ctx.services.content.pathways[pathway_id]
        question = pathway.questions[question_id]
        if question.kind == "choice":
            value = typed_option(question, text, ctx.language)
            if value is not None:  # "да" for "Да, согласен(а)"
                await answer(ctx, f"{argument}/{value}")
                return True
            if len(text.split()) > 3:
                return False  # their own words about something else: let typed text route it
            ctx.notice(ctx.gettext("Please press one of the answers below."))
            return True
        amount = parse_amount(text)
        if amount is None:
            ctx.notice(ctx.gettext(
                "I couldn't read that sum. Please type digits, for example: 500 000."))
            return True
        Progress(ctx.place.data, pathway).answer(question_id, str(amount))
        _advance(ctx, pathway)
        return True


def _shortened(choice_id: str, label: str, limit: int = 24) -> Choice:
    """A choice whose short form fits WhatsApp's list rows, cut at a word where it can be."""
    if len(label) <= limit:
        return Choice(choice_id, label)
    cut = label[: limit - 1].rsplit(" ", 1)[0] if " " in label[: limit - 1] else label[: limit - 1]
    return Choice(choice_id, label, cut + "…")


def _answer_label(ctx: Context, pathway: Pathway, question_id: str, value: str) -> str:
    _ = ctx.gettext
    question = pathway.questions[question_id]
    if value == UNSURE:
        return _("not sure")
    if question.kind == "amount":
        amount = parse_amount(value) if value != SKIPPED else None
        return format_tenge(amount, ctx.language) if amount else _("don't know")
    option = next(item for item in question.options if item.value == value)
    return option.label(ctx.language)


def _advance(ctx: Context, pathway: Pathway) -> None:
    """Go to the first question still open on the person's trail, or to the summary."""
    trail = Progress(ctx.place.data, pathway).trail()
    if trail.reached_outcome(pathway):
        ctx.go(f"summary:{pathway.id}")
    else:
        ctx.go(f"ask:{pathway.id}/{trail.stop}")


def typed_option(question: Question, text: str, language: str) -> str | None:
    """The option a typed reply names: the whole label, or its first words ("да", "жоқ",
    "не согласен"), when exactly one option fits."""
    typed = fold(text)
    if not typed:
        return None
    fitting = [option.value for option in question.options
               if fold(option.label(language)) == typed
               or fold(option.label(language)).startswith(typed + " ")]
    return fitting[0] if len(fitting) == 1 else None


def _register_plan(registry: Registry) -> None:
    @registry.action("plan")
    async def show_plan(ctx: Context, pathway_id: str) -> None:
        pathway = _pathway(ctx.services, pathway_id)
        if pathway is None:
            raise StaleChoice(pathway_id)
        progress = Progress(ctx.place.data, pathway)
        trail = progress.trail()
        if not trail.reached_outcome(pathway):
            _advance(ctx, pathway)
            return
        progress.finish()
        await ctx.services.stats.explorer(ctx.event.channel, ctx.language, pathway_id, "plan",
                                          trail.stop)
        ctx.go(f"plan:{pathway_id}/{trail.stop}/1")

    @registry.screen("plan", accepts=_accepts_plan_page)
    def plan_page(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        pathway, outcome_id, outcome = _outcome(ctx, argument)
        page = int(argument.split("/")[2])
        sections = sections_of(outcome)
        section = sections[page - 1]
        base = f"{pathway.id}/{outcome_id}"
        options: list[Choice] = []
        if section == "deadlines" and any(item.term for item in outcome.deadlines):
            options.append(Choice(f"go:date:{base}", _("📅 Count my dates")))
        if section == "duty" and outcome.duty and outcome.duty.kind == "percent":
            options.append(Choice(f"go:amount:{base}", _("🧮 Enter the amount")))
        if section == "help" and outcome.online and outcome.online.guide:
            guide = ctx.services.content.topic(outcome.online.guide)
            if guide:
                options.append(Choice(f"go:{topic_ref(guide, ctx.services.content)}",
                                      "📘 " + guide.title(ctx.language), _("📘 How-to guide")))
        if page < len(sections):
            options.append(Choice(f"go:plan:{base}/{page + 1}", _("Next ➡")))
        else:
            if outcome.draft:
                options.append(Choice(f"go:draft:{base}", _("📄 Draft document")))
            options.append(Choice(f"fb:{base}/up", _("👍 Clear")))
            options.append(Choice(f"fb:{base}/down", _("👎 Not clear")))
        if page == 1 or page == len(sections):
            options.append(Choice(f"go:share:{base}", _("📤 Plan in one message")))
        text = _writer(ctx, pathway, outcome).page(section)
        options += words_choice(ctx, text)
        text += "\n\n" + _("Step {page} of {pages}").format(page=page, pages=len(sections))
        if page == len(sections):
            text += ". " + _("Was this clear?")
        return View(text=text, options=options)

    @registry.screen("share", accepts=_accepts_outcome)
    def share(ctx: Context, argument: str) -> View:
        pathway, _outcome_id, outcome = _outcome(ctx, argument)
        writer = _writer(ctx, pathway, outcome)
        return View(text=writer.whole())

    @registry.action("fb")
    async def feedback(ctx: Context, argument: str) -> None:
        _ = ctx.gettext
        parts = _parts(argument, 3)
        if not parts or parts[2] not in ("up", "down") or not _accepts_outcome(
                ctx.services, "/".join(parts[:2])):
            raise StaleChoice(argument)
        progress = Progress(ctx.place.data, ctx.services.content.pathways[parts[0]])
        if progress.feedback is None:
            progress.feedback = parts[2]
            await ctx.services.stats.explorer(ctx.event.channel, ctx.language, parts[0],
                                              "feedback", parts[2])
        if parts[2] == "up":
            ctx.notice(_("Thank you! I'm glad it helped."))
        else:
            ctx.notice(_("Thank you for saying so. A person can explain it: press “Person”."))

    @registry.screen("date", accepts=_accepts_outcome)
    def ask_date(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        outcome = _outcome(ctx, argument)[2]
        event = outcome.start_event(ctx.language) if outcome.start_event else ""
        return View(
            text=_("Enter the date: {event}.\n\nType it like 05.03.2026, or press a button."
                   ).format(event=event),
            options=[Choice(f"day:{argument}/today", _("Today")),
                     Choice(f"day:{argument}/yesterday", _("Yesterday"))],
        )

    @registry.action("day")
    async def pick_day(ctx: Context, argument: str) -> None:
        parts = _parts(argument, 3)
        if not parts or parts[2] not in ("today", "yesterday") or not _accepts_outcome(
                ctx.services, "/".join(parts[:2])):
            raise StaleChoice(argument)
        day = today_in_kazakhstan() - timedelta(days=1 if parts[2] == "yesterday" else 0)
        _set_start_date(ctx, "/".join(parts[:2]), day)

    @registry.text_input("date")
    async def typed_date(ctx: Context, text: str) -> bool:
        day = parse_date(text, today_in_kazakhstan())
        if day is None:
            ctx.notice(ctx.gettext(
                "I couldn't read that date. Please type it like 05.03.2026 (day, month, year); "
                "it cannot be in the future."))
            return True
        _set_start_date(ctx, split_ref(ctx.place.screen)[1], day)
        return True

    @registry.screen("amount", accepts=_accepts_outcome)
    def ask_amount(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("What is the amount of your claim in tenge? Type digits, for "
                           "example: 500 000."))

    @registry.text_input("amount")
    async def typed_claim(ctx: Context, text: str) -> bool:
        amount = parse_amount(text)
        if amount is None:
            ctx.notice(ctx.gettext(
                "I couldn't read that sum. Please type digits, for example: 500 000."))
            return True
        pathway = _outcome(ctx, split_ref(ctx.place.screen)[1])[0]
        Progress(ctx.place.data, pathway).claim_amount = amount
        ctx.back()
        return True


def _set_start_date(ctx: Context, argument: str, day: date) -> None:
    pathway = _outcome(ctx, argument)[0]
    Progress(ctx.place.data, pathway).start_date = day
    if split_ref(ctx.place.screen)[0] == "date":
        ctx.back()  # to the deadlines, which now show the dates


def _register_draft(registry: Registry) -> None:
    @registry.screen("draft", accepts=_accepts_draft)
    def about_draft(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        outcome = _outcome(ctx, argument)[2]
        template = ctx.services.content.drafts[outcome.draft]
        return View(
            text=_("I will make a draft “{title}” from your answers, as PDF and Word.\n\nYou "
                   "can add names and addresses, or leave blank lines to fill in by hand. I "
                   "don't keep names after the document is made.").format(
                title=template.title(ctx.language)),
            options=[Choice(f"go:field:{argument}/0", _("✍️ Add names")),
                     Choice(f"doc:{argument}", _("📄 Leave blank lines"))],
        )

    @registry.screen("field", accepts=_accepts_field)
    def field(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        pathway_id, outcome_id, index = argument.split("/")
        template = _template(ctx, pathway_id, outcome_id)
        name = template.fields[int(index)]
        return View(
            text=_(FIELD_PROMPTS[name]) + "\n\n" + _("Type it, or press “Skip”."),
            options=[Choice(f"skip:{argument}", _("⏭ Skip"))],
        )

    @registry.text_input("field")
    async def typed_field(ctx: Context, text: str) -> bool:
        argument = split_ref(ctx.place.screen)[1]
        pathway_id, outcome_id, index = argument.split("/")
        pathway = ctx.services.content.pathways[pathway_id]
        name = _template(ctx, pathway_id, outcome_id).fields[int(index)]
        Progress(ctx.place.data, pathway).fields[name] = clean_field(text)
        await _next_field(ctx, argument)
        return True

    @registry.action("skip")
    async def skip_field(ctx: Context, argument: str) -> None:
        if not _accepts_field(ctx.services, argument):
            raise StaleChoice(argument)
        await _next_field(ctx, argument)

    @registry.action("doc")
    async def make_document(ctx: Context, argument: str) -> None:
        if not _accepts_draft(ctx.services, argument):
            raise StaleChoice(argument)
        await _make_document(ctx, argument)

    @registry.screen("ready", accepts=_accepts_draft)
    def ready(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        if not ctx.attachments:
            return View(text=_("Your draft was sent above. Need it again?"),
                        options=[Choice(f"go:draft:{argument}", _("📄 Make it again"))])
        return View(
            text=_("Here is your draft: a PDF to read and a Word file to edit.\n\nIt is only a "
                   "DRAFT. Check it, fill in the blanks, and ask the court office or free legal "
                   "aid to look at it before you file it."),
            options=[Choice(f"go:draft:{argument}", _("📄 Make it again"))],
        )


def _template(ctx: Context, pathway_id: str, outcome_id: str):
    outcome = ctx.services.content.pathways[pathway_id].outcomes[outcome_id]
    return ctx.services.content.drafts[outcome.draft]


async def _next_field(ctx: Context, argument: str) -> None:
    pathway_id, outcome_id, index = argument.split("/")
    template = _template(ctx, pathway_id, outcome_id)
    following = int(index) + 1
    if following < len(template.fields):
        ctx.go(f"field:{pathway_id}/{outcome_id}/{following}")
    else:
        await _make_document(ctx, f"{pathway_id}/{outcome_id}")


async def _make_document(ctx: Context, argument: str) -> None:
    pathway, _outcome_id, outcome = _outcome(ctx, argument)
    progress = Progress(ctx.place.data, pathway)
    template = ctx.services.content.drafts[outcome.draft]
    writer = _writer(ctx, pathway, outcome)
    draft = fill(template, ctx.language, dict(progress.trail().steps), progress.fields,
                 today_in_kazakhstan(), progress.claim_amount, writer.links())
    ctx.attachments.extend(draft_files(template, draft, ctx.language))
    progress.drop_fields()
    await ctx.services.stats.explorer(ctx.event.channel, ctx.language, pathway.id, "draft",
                                      template.id)
    ctx.go(f"ready:{argument}")


def _forget_draft_fields_when_leaving(ctx: Context) -> None:
    """Names and addresses typed for a draft are dropped as soon as the person is elsewhere."""
    if split_ref(ctx.place.screen)[0] not in DRAFT_SCREENS:
        drop_all_fields(ctx.place.data)
