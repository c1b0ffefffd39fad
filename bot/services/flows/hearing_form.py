"""Adding a hearing, or changing one, with buttons: the case number is the only thing typed.

Case number → (found in the court's schedule? subscribe) → region → court → date (a calendar)
→ time → in person or online (link) → room → a summary to confirm. What the person has told so
far is kept in their conversation data under "hearing" until they save or cancel.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date, get_day_names

from bot.services.clock import BABEL_LOCALES, KAZAKHSTAN_TIME, as_utc, format_moment, to_local
from bot.services.conversation.context import CONSENT_VERSION, Context, Services
from bot.services.conversation.registry import Access, Registry, View
from bot.services.conversation.screens import Choice
from bot.services.explorer.calc import read_date
from bot.services.flows.hearing_text import describe
from bot.services.hearings.book import HearingDraft, normalise_case_number
from bot.services.hearings.schedule import find_in_schedule
from bot.services.hearings.timing import reminder_times

DRAFT = "hearing"
TIMES = [time(hour, minute) for hour in range(8, 19) for minute in (0, 30)][:-1]  # 08:00–18:00
MONTHS_AHEAD = 18
BLANK = "·"  # a calendar cell that is not a day one can choose
LINK = re.compile(r"^https?://\S{4,490}$")


def register(registry: Registry) -> None:
    personal = Access.personal

    @registry.screen("h_case", access=personal)
    def ask_case(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_(
            "✍️ Type the case number as it is written on the summons or in the court's SMS, "
            "for example 7527-26-00-2/1234."))

    @registry.text_input("h_case")
    async def typed_case(ctx: Context, text: str) -> bool:
        _ = ctx.gettext
        number = normalise_case_number(text)
        if number is None:
            ctx.notice(_("That does not look like a case number. It has digits and often "
                         "a slash, like 2-1234/2026. Please type it again."))
            return True
        ctx.place.data[DRAFT] = {"case": number}
        owner = await owner_id(ctx)
        known = await ctx.services.hearings.has_case(owner, number) if owner else None
        if known:
            ctx.notice(_("This case is already in your list."))
            ctx.go(f"hearing:{known}")
            return True
        now = ctx.services.clock.now()
        if await find_in_schedule(ctx.services.hearings.sessions, number, now):
            ctx.go("h_found")
        else:
            ctx.notice(_("I did not find this case in the court schedules I have. Let us add "
                         "the hearing by hand: it takes a few taps."))
            ctx.go("h_region")
        return True

    @registry.screen("h_found", access=personal)
    async def found(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        number = _draft(ctx).get("case", "")
        rows = await find_in_schedule(ctx.services.hearings.sessions, number,
                                      ctx.services.clock.now())
        options = [Choice(f"hsub:{row.id}", "✅ " + format_moment(row.starts_at, ctx.language),
                          f"✅ {to_local(row.starts_at):%d.%m.%Y %H:%M}")
                   for row in rows[:5]]
        lines = [describe(ctx, _schedule_draft(row, number)) for row in rows[:3]]
        return View(
            text=_("I found case № {number} in the court schedule:").format(number=number)
            + "\n\n" + "\n\n".join(lines) + "\n\n" + _("Is this your hearing? Press it to get "
                                                       "reminders."),
            options=[*options, Choice("go:h_region", _("✏️ Not mine: enter the details"),
                                     _("✏️ Not mine"))])

    @registry.action("hsub")
    async def subscribe(ctx: Context, argument: str) -> None:
        number = _draft(ctx).get("case")
        rows = await find_in_schedule(ctx.services.hearings.sessions, number or "",
                                      ctx.services.clock.now())
        row = next((r for r in rows if str(r.id) == argument), None)
        if row is None:
            ctx.notice(ctx.gettext("That hearing is no longer in the schedule."))
            ctx.go("h_case")
            return
        ctx.place.data[DRAFT] = _as_data(_schedule_draft(row, number)) | {"ready": True}
        ctx.go("h_confirm")

    @registry.screen("h_region", access=personal)
    def region(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        courts = ctx.services.content.courts
        options = [Choice(f"go:h_court:{r.id}", r.name(ctx.language))
                   for r in (courts.regions if courts else [])]
        return View(text=_("🏛 Which court? First choose the region or city, or type your "
                           "town."),
                    options=[*options, _type_court(ctx)])

    @registry.text_input("h_region")
    async def typed_region(ctx: Context, text: str) -> bool:
        """A town or region typed instead of pressed: "Шымкент", "Жезқазған", "караганда"."""
        courts = ctx.services.content.courts
        found = courts.regions_for(text) if courts else []
        if len(found) == 1:
            ctx.go(f"h_court:{found[0].id}")
        elif found:
            ctx.go("h_regions:" + "+".join(region.id for region in found))
        else:
            ctx.notice(ctx.gettext("I don't know that town. Choose the region below, or type "
                                   "the court's name."))
        return True

    @registry.screen("h_regions", access=personal,
                     accepts=lambda s, a: bool(s.content.courts and a and all(
                         s.content.courts.region(r) for r in a.split("+"))))
    def some_regions(ctx: Context, argument: str) -> View:
        _ = ctx.gettext
        courts = ctx.services.content.courts
        options = [Choice(f"go:h_court:{r}", courts.region(r).name(ctx.language))
                   for r in argument.split("+")]
        return View(text=_("🏛 Which of these?"), options=[*options, _type_court(ctx)])

    @registry.screen("h_court", access=personal,
                     accepts=lambda s, a: bool(s.content.courts and s.content.courts.region(a)))
    def court(ctx: Context, region_id: str) -> View:
        _ = ctx.gettext
        region = ctx.services.content.courts.region(region_id)
        if not region.courts:
            return View(text=_("🏛 {region}: I don't have this region's courts in my list yet. "
                               "Type the court's name as it is on your summons.").format(
                region=region.name(ctx.language)), options=[_type_court(ctx)])
        options = [Choice(f"hcourt:{c.id}", c.name(ctx.language), c.label(ctx.language))
                   for c in region.courts]
        return View(text=_("🏛 Choose the court named on your summons."),
                    options=[*options, _type_court(ctx)])

    @registry.action("hcourt")
    async def chose_court(ctx: Context, court_id: str) -> None:
        courts = ctx.services.content.courts
        if not courts or not courts.court(court_id) or DRAFT not in ctx.place.data:
            ctx.go("hearings")
            return
        _draft(ctx).update(court_id=court_id, court_name=None)
        _next(ctx, "h_date")

    @registry.screen("h_court_typed", access=personal)
    def ask_court(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("✍️ Type the court's name as it is on the summons."))

    @registry.text_input("h_court_typed")
    async def typed_court(ctx: Context, text: str) -> bool:
        name = " ".join(text.split())
        if not 3 <= len(name) <= 200 or DRAFT not in ctx.place.data:
            ctx.notice(ctx.gettext("Please type the court's name (3 to 200 letters)."))
            return True
        _draft(ctx).update(court_id=None, court_name=name)
        _next(ctx, "h_date")
        return True

    @registry.screen("h_date", access=personal, accepts=_month_or_nothing)
    def pick_date(ctx: Context, month: str) -> View:
        return _calendar(ctx, month)

    @registry.action("hmonth")
    async def turn_month(ctx: Context, month: str) -> None:
        ctx.place.screen = f"h_date:{month}" if _month_or_nothing(None, month) else "h_date"

    @registry.action("noop")
    async def nothing(_ctx: Context, _argument: str) -> None:
        """A calendar cell that is not a day (a weekday name, a past day)."""

    @registry.action("hdate")
    async def chose_date(ctx: Context, argument: str) -> None:
        try:
            day = date.fromisoformat(argument)
        except ValueError:
            day = None
        if DRAFT not in ctx.place.data:
            ctx.go("hearings")
            return
        if day is None or not _bookable(ctx, day):  # an old calendar, pressed days later
            ctx.notice(ctx.gettext("That day has passed. Please choose another."))
            ctx.place.screen = "h_date"
            return
        _draft(ctx)["date"] = day.isoformat()
        ctx.go("h_time")

    @registry.text_input("h_date")
    async def typed_date(ctx: Context, text: str) -> bool:
        today = _today(ctx)
        day = read_date(text, today)
        if day is not None and day < today and not re.search(r"\d{4}", text):
            day = day.replace(year=day.year + 1)  # "5.01" in November means next January
        if day is None or not _bookable(ctx, day) or DRAFT not in ctx.place.data:
            ctx.notice(ctx.gettext("Please press a day in the calendar, or type a date from "
                                   "today on, like 12.12.2026."))
            return True
        _draft(ctx)["date"] = day.isoformat()
        ctx.go("h_time")
        return True

    @registry.screen("h_time", access=personal)
    def pick_time(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("🕘 What time does it start? If your time is not here, type it, "
                           "like 14:15."),
                    options=[Choice(f"htime:{t:%H%M}", f"{t:%H:%M}") for t in TIMES], columns=4)

    @registry.action("htime")
    async def chose_time(ctx: Context, argument: str) -> None:
        await _set_time(ctx, argument[:2] + ":" + argument[2:])

    @registry.text_input("h_time")
    async def typed_time(ctx: Context, text: str) -> bool:
        if not await _set_time(ctx, text.strip().replace(".", ":").replace(" ", ":")):
            ctx.notice(ctx.gettext("Please press a time, or type it like 14:15."))
        return True

    @registry.screen("h_mode", access=personal)
    def pick_mode(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("Will you go to the court, or take part online by video?"),
                    options=[Choice("hmode:in", _("👣 In person, at the court")),
                             Choice("hmode:online", _("💻 Online, by video"), _("💻 Online"))])

    @registry.action("hmode")
    async def chose_mode(ctx: Context, mode: str) -> None:
        if DRAFT not in ctx.place.data:
            ctx.go("hearings")
            return
        _draft(ctx)["online"] = mode == "online"
        if mode == "online":
            ctx.go("h_link")
        else:
            _draft(ctx)["link"] = None
            _next(ctx, "h_room")

    @registry.screen("h_link", access=personal)
    def ask_link(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("🔗 If the court sent you a link to the video hearing, paste it "
                           "here. No link yet? Press “Skip”."),
                    options=[Choice("hskip:link", _("➡ Skip"))])

    @registry.text_input("h_link")
    async def typed_link(ctx: Context, text: str) -> bool:
        link = text.strip()
        if not LINK.match(link) or DRAFT not in ctx.place.data:
            ctx.notice(ctx.gettext("That is not a link. A link starts with https://. Paste it "
                                   "again or press “Skip”."))
            return True
        _draft(ctx)["link"] = link
        _next(ctx, "h_room")
        return True

    @registry.screen("h_room", access=personal)
    def ask_room(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        return View(text=_("🚪 Do you know the room (hall) number? Type it, or press “Skip”."),
                    options=[Choice("hskip:room", _("➡ Skip"))])

    @registry.text_input("h_room")
    async def typed_room(ctx: Context, text: str) -> bool:
        room = " ".join(text.split())[:40]
        if not room or DRAFT not in ctx.place.data:
            return False
        _draft(ctx)["room"] = room
        ctx.go("h_confirm")
        return True

    @registry.action("hskip")
    async def skip(ctx: Context, what: str) -> None:
        if DRAFT not in ctx.place.data:
            ctx.go("hearings")
            return
        if what == "link":
            _draft(ctx)["link"] = None
            _next(ctx, "h_room")
        else:
            _draft(ctx)["room"] = None
            ctx.go("h_confirm")

    @registry.screen("h_confirm", access=personal)
    def confirm(ctx: Context, _argument: str) -> View:
        _ = ctx.gettext
        draft = _complete_draft(ctx)
        if draft is None:
            return View(text=_("Something is missing. Let us start again."),
                        options=[Choice("go:h_case", _("➕ Add a hearing"))])
        _draft(ctx)["ready"] = True
        now = ctx.services.clock.now()
        times = reminder_times(draft.starts_at, draft.reminders_on,
                               ctx.services.hearings.quiet, now)
        reminders = "\n".join(f"• {format_moment(due, ctx.language)}" for _k, due in times) \
            or _("• none: the hearing is too soon. Please note the time yourself.")
        return View(
            text=_("Please check:") + "\n\n" + describe(ctx, draft) + "\n\n"
            + _("I will remind you:") + "\n" + reminders,
            options=[Choice("hsave", _("✅ Save and remind me")),
                     Choice("go:h_date", _("📅 Change the date or time"), _("📅 Date or time")),
                     Choice("go:h_region", _("🏛 Change the court")),
                     Choice("go:h_mode", _("💻 Change: in person or online"),
                            _("💻 In person or online")),
                     Choice("hcancel", _("❌ Cancel"))])

    @registry.action("hsave")
    async def save(ctx: Context, _argument: str) -> None:
        _ = ctx.gettext
        draft = _complete_draft(ctx)
        owner = await ensure_owner(ctx)
        if draft is None or owner is None:
            ctx.go("hearings")
            return
        book = ctx.services.hearings
        editing = _draft(ctx).get("edit")
        if editing:
            changed = await book.change(owner, int(editing), **_changes(draft))
            hearing_id = int(editing) if changed else None
        else:
            hearing_id = await book.add(owner, draft)
        ctx.place.data.pop(DRAFT, None)
        ctx.home()
        ctx.go("hearings")
        if hearing_id is None:
            return
        ctx.notice(_("✅ Saved. I will send the reminders here."))
        ctx.go(f"hearing:{hearing_id}")

    @registry.action("hcancel")
    async def cancel(ctx: Context, _argument: str) -> None:
        ctx.place.data.pop(DRAFT, None)
        ctx.home()
        ctx.go("hearings")

    @registry.action("hedit")
    async def edit(ctx: Context, argument: str) -> None:
        """Change a saved hearing: the form, filled in, opens at the date."""
        owner = await owner_id(ctx)
        hearing = await ctx.services.hearings.get(owner, int(argument)) \
            if owner and argument.isdigit() else None
        if hearing is None:
            ctx.go("hearings")
            return
        ctx.place.data[DRAFT] = _as_data(HearingDraft(
            case_number=hearing.case_number, starts_at=hearing.starts_at,
            court_id=hearing.court_id, court_name=hearing.court_name, online=hearing.online,
            video_link=hearing.video_link, room=hearing.room,
            reminders_on=list(hearing.reminders_on), schedule_id=hearing.schedule_id,
        )) | {"ready": True, "edit": hearing.id}
        ctx.go("h_confirm")


# --- who owns the hearings ---------------------------------------------------------------------

async def owner_id(ctx: Context) -> int | None:
    """The person's row id, when they agreed to be stored and are."""
    if not ctx.consented or not ctx.visit.stored:
        return None
    return await ctx.services.hearings.user_id(ctx.visit.channel, ctx.visit.user_id)


async def ensure_owner(ctx: Context) -> int | None:
    """As `owner_id`, saving the person first if they agreed only during this event."""
    if not ctx.consented:
        return None
    if not ctx.visit.stored:
        await ctx.services.store.save(ctx.visit, CONSENT_VERSION)
    return await ctx.services.hearings.user_id(ctx.visit.channel, ctx.visit.user_id)


# --- the draft --------------------------------------------------------------------------------

def _draft(ctx: Context) -> dict[str, Any]:
    return ctx.place.data.setdefault(DRAFT, {})


def _next(ctx: Context, screen: str) -> None:
    """The next step, or straight back to the summary when the person is changing one thing."""
    ctx.go("h_confirm" if _draft(ctx).get("ready") else screen)


async def _set_time(ctx: Context, text: str) -> bool:
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or DRAFT not in ctx.place.data or "date" not in _draft(ctx):
        return False
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return False
    starts = as_utc(datetime.combine(date.fromisoformat(_draft(ctx)["date"]),
                                     time(hour, minute), KAZAKHSTAN_TIME))
    if starts <= ctx.services.clock.now():
        ctx.notice(ctx.gettext("That time has already passed. Please choose a later one."))
        return True
    _draft(ctx)["starts_at"] = starts.isoformat()
    _next(ctx, "h_mode")
    return True


def _complete_draft(ctx: Context) -> HearingDraft | None:
    data = ctx.place.data.get(DRAFT) or {}
    if not data.get("case") or not data.get("starts_at") or not (
            data.get("court_id") or data.get("court_name")):
        return None
    return HearingDraft(
        case_number=data["case"], starts_at=datetime.fromisoformat(data["starts_at"]),
        court_id=data.get("court_id"), court_name=data.get("court_name"),
        online=bool(data.get("online")), video_link=data.get("link"), room=data.get("room"),
        reminders_on=list(data.get("reminders", ["7d", "1d", "2h"])),
        schedule_id=data.get("schedule_id"))


def _as_data(draft: HearingDraft) -> dict[str, Any]:
    return {"case": draft.case_number, "starts_at": draft.starts_at.isoformat(),
            "date": to_local(draft.starts_at).date().isoformat(),
            "court_id": draft.court_id, "court_name": draft.court_name,
            "online": draft.online, "link": draft.video_link, "room": draft.room,
            "reminders": list(draft.reminders_on), "schedule_id": draft.schedule_id}


def _changes(draft: HearingDraft) -> dict[str, Any]:
    return {"starts_at": draft.starts_at, "court_id": draft.court_id,
            "court_name": draft.court_name, "online": draft.online,
            "video_link": draft.video_link, "room": draft.room}


def _schedule_draft(row: Any, number: str) -> HearingDraft:
    return HearingDraft(case_number=number, starts_at=row.starts_at, court_id=row.court_id,
                        court_name=row.court_name, online=row.online, room=row.room,
                        schedule_id=row.id)


def _type_court(ctx: Context) -> Choice:
    _ = ctx.gettext
    return Choice("go:h_court_typed", _("✏️ Type the court's name"), _("✏️ Type the name"))


# --- the calendar ----------------------------------------------------------------------------

def _today(ctx: Context) -> date:
    return to_local(ctx.services.clock.now()).date()


def _bookable(ctx: Context, day: date) -> bool:
    today = _today(ctx)
    return today <= day <= today + timedelta(days=31 * MONTHS_AHEAD)


def _month_or_nothing(_services: Services | None, argument: str) -> bool:
    if argument == "":
        return True
    match = re.fullmatch(r"(\d{4})-(\d{2})", argument)
    return bool(match) and 1 <= int(match[2]) <= 12


def _calendar(ctx: Context, month: str) -> View:
    """A month as a grid of days, Monday first; past days and blanks do nothing."""
    _ = ctx.gettext
    today = _today(ctx)
    first = date.fromisoformat(month + "-01") if month else today.replace(day=1)
    first = min(max(first, today.replace(day=1)), _add_months(today.replace(day=1),
                                                               MONTHS_AHEAD))
    locale = BABEL_LOCALES[ctx.language]
    names = get_day_names("short", context="stand-alone", locale=locale)
    cells = [Choice(f"noop:w{i}", names[i][:2].capitalize()) for i in range(7)]
    cells += [Choice(f"noop:b{i}", BLANK) for i in range(first.weekday())]
    for number in range(1, calendar.monthrange(first.year, first.month)[1] + 1):
        day = first.replace(day=number)
        cells.append(Choice(f"hdate:{day.isoformat()}", str(number)) if _bookable(ctx, day)
                     else Choice(f"noop:d{number}", BLANK))
    cells += [Choice(f"noop:e{i}", BLANK) for i in range(-len(cells) % 7)]
    weeks = [cells[start:start + 7] for start in range(7, len(cells), 7)]
    weeks = [week for index, week in enumerate(weeks)  # no rows of days already gone
             if index == len(weeks) - 1 or any(c.id.startswith("hdate:") for c in week)]
    cells = cells[:7] + [cell for week in weeks for cell in week]
    previous, following = _add_months(first, -1), _add_months(first, 1)
    turn = [Choice(f"hmonth:{previous:%Y-%m}", "◀ " + _month_name(previous, locale))
            if previous >= today.replace(day=1) else Choice("noop:p", BLANK),
            *[Choice(f"noop:m{i}", BLANK) for i in range(5)],
            Choice(f"hmonth:{following:%Y-%m}", _month_name(following, locale) + " ▶")]
    return View(text=_("📅 Which day is the hearing? {month}\nPress the day, or type the date "
                       "(for example 12.12.2026).").format(
                           month=format_date(first, "LLLL yyyy", locale=locale)),
                options=cells + turn, columns=7)


def _month_name(day: date, locale: str) -> str:
    return format_date(day, "LLL", locale=locale)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
