"""“My hearings”: the list, one hearing, its reminders, what to do if you cannot come, and the
buttons every reminder carries. Adding and changing a hearing is in hearing_form.py."""

from __future__ import annotations

from bot.services.citing import cited
from bot.services.conversation.context import Context
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.flows.hearing_form import owner_id
from bot.services.flows.hearing_text import calendar_file, describe, short_label, tiny_label
from bot.services.flows.relative_text import COPY_BUTTONS
from bot.services.flows.relatives import copy_button
from bot.services.flows.topics import topic_choice
from bot.services.hearings.timing import REMINDER_KINDS
from bot.storage.models import Hearing

# How-to guides a person waiting for a hearing needs: what a court notice means, how to follow
# the case, how to take part by video.
HEARING_GUIDES = ("guide.notifications", "guide.track_case", "guide.online_hearing")
STOP_WORDS = ("стоп", "тоқта", "токта", "stop", "/stop")
SHOWN_IN_LIST = 5


def _is_id(_services: object, argument: str) -> bool:
    return argument.isdigit()


def register(registry: Registry) -> None:
    personal = Access.personal

    @registry.screen("hearings", access=personal)
    async def my_hearings(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        owner = await owner_id(ctx)
        book = ctx.services.hearings
        upcoming = await book.upcoming(owner) if owner else []
        past = await book.past(owner) if owner else []
        guides = [c for g in HEARING_GUIDES if (c := topic_choice(ctx, g, "📘 "))]
        add = Choice("go:h_case", _("➕ Add a hearing"))
        archive = [Choice("go:h_past", _("🗂 Past hearings"))] if past else []
        given, received = await ctx.services.relatives.counts(owner) \
            if owner and ctx.services.relatives else (0, 0)
        family = [Choice("go:relatives", _("👪 Copies for a relative")),
                  *([Choice("go:copies", _("👪 Copies I get"))] if received else [])]
        if ctx.services.sms is not None:  # SMS copies, where an SMS provider is set up
            family.append(Choice("go:h_sms", _("📱 SMS copies")))
        copies = "\n\n" + _("👪 Relatives who get copies: {count}.").format(count=given) \
            if given else ""
        if not upcoming:
            return View(text=_(
                "📅 You have no hearings here yet. Add one: type the case number, and I will "
                "remind you 7 days, 1 day and 2 hours before.") + copies,
                options=[add, *family, *archive, *guides])
        lines = [f"{short_label(ctx, h)}" + ("" if h.reminders_on else " 🔕")
                 for h in upcoming[:SHOWN_IN_LIST]]
        return View(text=_("📅 Your hearings. Press one to see or change it.") + "\n\n"
                    + "\n".join(lines) + copies,
                    options=[*(Choice(f"go:hearing:{h.id}", short_label(ctx, h), tiny_label(h))
                               for h in upcoming[:SHOWN_IN_LIST]), add, *family, *archive,
                             *guides])

    @registry.screen("hearing", access=personal, accepts=_is_id)
    async def one_hearing(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        hearing = await _find(ctx, argument)
        if hearing is None:
            return _gone(ctx)
        status = _("❌ The court's schedule says this hearing is cancelled.") \
            if hearing.status == "cancelled" else _reminder_summary(ctx, hearing)
        return View(
            text=describe(ctx, hearing) + "\n\n" + status,
            options=[Choice(f"hedit:{hearing.id}", _("✏️ Change the details")),
                     Choice(f"go:h_bells:{hearing.id}", _("🔔 Reminders")),
                     Choice(f"hics:{hearing.id}", _("📲 Add to phone calendar"),
                            _("📲 To my calendar")),
                     Choice(f"go:h_cant:{hearing.id}", _("🙁 I can't come")),
                     Choice(f"go:h_delete:{hearing.id}", _("🗑 Delete"))])

    @registry.action("hics")
    async def send_calendar_file(ctx: Context, argument: str) -> None:
        hearing = await _find(ctx, argument)
        if hearing is not None:
            ctx.attachments.append(calendar_file(ctx, hearing, hearing.id))
            ctx.go(f"hearing:{hearing.id}")

    @registry.screen("h_bells", access=personal, accepts=_is_id)
    async def bells(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        hearing = await _find(ctx, argument)
        if hearing is None:
            return _gone(ctx)
        names = _reminder_names(ctx)
        options = [Choice(f"hbell:{hearing.id}/{kind}",
                          ("✅ " if kind in hearing.reminders_on else "⬜ ") + names[kind])
                   for kind in REMINDER_KINDS]
        if hearing.reminders_on:
            options.append(Choice(f"hstop:{hearing.id}", _("🔕 Stop all reminders")))
        return View(text=_("🔔 Which reminders do you want for this case? Press one to turn "
                           "it on or off. The 2-hour one comes even at night."),
                    options=options)

    @registry.action("hbell")
    async def toggle(ctx: Context, argument: str) -> None:
        hearing_id, _slash, kind = argument.partition("/")
        hearing = await _find(ctx, hearing_id)
        if hearing is None or kind not in REMINDER_KINDS:
            ctx.go("hearings")
            return
        wanted = set(hearing.reminders_on) ^ {kind}
        await ctx.services.hearings.change(hearing.user_id, hearing.id,
                                           reminders_on=[k for k in REMINDER_KINDS if k in wanted])
        ctx.place.screen = f"h_bells:{hearing.id}"

    @registry.action("hstop")
    async def stop(ctx: Context, argument: str) -> None:
        hearing = await _find(ctx, argument)
        if hearing is None:
            ctx.go("hearings")
            return
        await ctx.services.hearings.stop_reminders(hearing.user_id, hearing.id)
        ctx.notice(ctx.gettext("🔕 Reminders for case № {number} are off. You can turn them "
                               "on again under “🔔 Reminders”.").format(
                                   number=hearing.case_number))
        ctx.go(f"hearing:{hearing.id}")

    @registry.action("rem")
    async def reminder_button(ctx: Context, argument: str) -> None:
        """A button on a reminder: "rem:<what>/<hearing id>"."""
        what, _slash, hearing_id = argument.partition("/")
        if what in COPY_BUTTONS:  # under a relative's copy: the id is the link's
            await copy_button(ctx, what, hearing_id)
            return
        hearing = await _find(ctx, hearing_id)
        if hearing is None:
            ctx.go("hearings")
        elif what == "open":  # "More" on a WhatsApp template reminder
            ctx.go(f"hearing:{hearing.id}")
        elif what == "yes":
            ctx.notice(ctx.gettext("👍 Thank you. Come a little early: there is a security "
                                   "check at the entrance.") if not hearing.online else
                       ctx.gettext("👍 Thank you. Join a few minutes early."))
            ctx.go(f"hearing:{hearing.id}")
        elif what == "stop":
            await stop(ctx, hearing_id)
        elif what in ("cant", "bring"):
            ctx.go(f"h_{what}:{hearing.id}")
        elif what == "guide" and (guide := topic_choice(ctx, "guide.online_hearing")):
            ctx.go(guide.id.removeprefix("go:"))
        else:
            ctx.go("human")

    @registry.screen("h_cant", access=personal, accepts=_is_id)
    async def cant_come(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        content = ctx.services.content
        statements = content.hearing_help.cant_come if content.hearing_help else []
        page = int(ctx.place.data.get("cant_page", 0)) % 2
        half = (len(statements) + 1) // 2
        shown = statements[:half] if page == 0 else statements[half:]
        text = "\n\n".join(cited(content, s, ctx.language) for s in shown)
        options = [Choice("hcantmore", _("➡ What else can I do?") if page == 0
                          else _("⬅ The first part"))]
        guide = topic_choice(ctx, "guide.sud_kabinet", "📘 ")
        return View(text=_("🙁 If you cannot come:") + "\n\n" + text,
                    options=[*options, *([guide] if guide else []),
                             Choice("go:human", _("👤 Person"))], human=False)

    @registry.action("hcantmore")
    async def cant_come_more(ctx: Context, _argument: str) -> None:
        ctx.place.data["cant_page"] = (int(ctx.place.data.get("cant_page", 0)) + 1) % 2

    @registry.screen("h_bring", access=personal, accepts=_is_id)
    def what_to_bring(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        content = ctx.services.content
        statements = content.hearing_help.bring if content.hearing_help else []
        return View(text=_("🎒 What to take to the hearing:") + "\n\n" + "\n\n".join(
            "• " + cited(content, s, ctx.language) for s in statements))

    @registry.screen("h_delete", access=personal, accepts=_is_id)
    def confirm_delete(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("Delete this hearing and its reminders?"),
                    options=[Choice(f"hdel:{argument}", _("🗑 Yes, delete")),
                             Choice("back", _("No, keep it"))])

    @registry.action("hdel")
    async def delete(ctx: Context, argument: str) -> None:
        owner = await owner_id(ctx)
        if owner and argument.isdigit() and await ctx.services.hearings.delete(owner,
                                                                                int(argument)):
            ctx.notice(ctx.gettext("🗑 Deleted, with its reminders."))
        ctx.home()
        ctx.go("hearings")

    @registry.screen("h_past", access=personal)
    async def past(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        owner = await owner_id(ctx)
        hearings = await ctx.services.hearings.past(owner) if owner else []
        lines = "\n".join(short_label(ctx, h) for h in hearings[:10]) or "—"
        return View(text=_("🗂 Past hearings. I delete them {days} days after the date.").format(
            days=ctx.services.hearings.keep_days) + "\n\n" + lines,
            options=[Choice(f"hdel:{h.id}", "🗑 " + short_label(ctx, h), "🗑 " + tiny_label(h))
                     for h in hearings[:6]])

    @registry.keyword(*STOP_WORDS)
    async def stop_word(ctx: Context, _text: str) -> None:
        """"стоп" / "тоқта" / "stop" typed anywhere: stop reminders (which case, if several)."""
        _ = ctx.gettext
        owner = await owner_id(ctx)
        hearings = [h for h in await ctx.services.hearings.upcoming(owner) if h.reminders_on] \
            if owner else []
        relatives = ctx.services.relatives
        if not hearings and owner and relatives and await relatives.received(owner):
            ctx.go("copies")  # a relative's "stop": the copies they get, each with its stop
        elif not hearings:
            ctx.notice(_("You have no reminders turned on."))
            ctx.home()
        elif len(hearings) == 1:
            await stop(ctx, str(hearings[0].id))
        else:
            ctx.go("h_stop")

    @registry.screen("h_stop", access=personal)
    async def stop_which(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        owner = await owner_id(ctx)
        hearings = [h for h in await ctx.services.hearings.upcoming(owner) if h.reminders_on] \
            if owner else []
        return View(text=_("🔕 Stop reminders for which case?"),
                    options=[*(Choice(f"hstop:{h.id}", short_label(ctx, h), tiny_label(h))
                               for h in hearings),
                             Choice("hstopall", _("🔕 All my cases"))])

    @registry.action("hstopall")
    async def stop_all(ctx: Context, _argument: str) -> None:
        owner = await owner_id(ctx)
        if owner:
            await ctx.services.hearings.stop_all(owner)
            ctx.notice(ctx.gettext("🔕 All reminders are off. Your hearings stay in the list."))
        ctx.home()
        ctx.go("hearings")


async def _find(ctx: Context, argument: str) -> Hearing | None:
    owner = await owner_id(ctx)
    if owner is None or not argument.isdigit():
        return None
    return await ctx.services.hearings.get(owner, int(argument))


def _gone(ctx: Context) -> View:
    _ = ctx.gettext
    return View(text=_("This hearing is no longer in your list."),
                options=[Choice("go:hearings", _("📅 My hearings"))])


def _reminder_names(ctx: Context) -> dict[str, str]:
    _ = ctx.gettext
    return {"7d": _("7 days before"), "1d": _("1 day before"), "2h": _("2 hours before")}


def _reminder_summary(ctx: Context, hearing: Hearing) -> str:
    _ = ctx.gettext
    if not hearing.reminders_on:
        return _("🔕 Reminders are off for this case.")
    names = _reminder_names(ctx)
    # The names are button labels («За 7 дней»); inside a sentence they start in lower case.
    return _("🔔 Reminders: {which}.").format(
        which=", ".join(names[kind][:1].lower() + names[kind][1:]
                        for kind in REMINDER_KINDS if kind in hearing.reminders_on))
