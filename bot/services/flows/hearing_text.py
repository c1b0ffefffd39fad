"""How a hearing is told: when and where in a few lines, the reminder messages, the calendar
file. Shared by the hearing screens and the reminder sender, so both say it the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from bot.services.clock import format_moment, to_local
from bot.services.content import Content
from bot.services.conversation.context import Context
from bot.services.conversation.registry import View
from bot.services.conversation.screens import Attachment, Choice, TemplateMessage
from bot.services.reminders.dispatcher import DueReminder


class HearingLike(Protocol):
    """A stored hearing or one still being filled in."""

    case_number: str
    court_id: str | None
    court_name: str | None
    starts_at: datetime
    online: bool
    video_link: str | None
    room: str | None


def court_name(content: Content, hearing: HearingLike, language: str) -> str:
    court = content.courts.court(hearing.court_id) if content.courts and hearing.court_id \
        else None
    return court.name(language) if court else (hearing.court_name or "—")


def court_address(content: Content, hearing: HearingLike, language: str) -> str | None:
    court = content.courts.court(hearing.court_id) if content.courts and hearing.court_id \
        else None
    return court.address(language) if court and court.address else None


def when(ctx: Context, starts_at: datetime) -> str:
    """"завтра, 24 ноября 2026 г., 10:00" — today and tomorrow said in words."""
    _ = ctx.gettext
    today = to_local(ctx.services.clock.now()).date()
    day = to_local(starts_at).date()
    moment = format_moment(starts_at, ctx.language)
    if day == today:
        return _("today, {moment}").format(moment=moment)
    if day == today + timedelta(days=1):
        return _("tomorrow, {moment}").format(moment=moment)
    return moment


def describe(ctx: Context, hearing: HearingLike) -> str:
    """The hearing in four or five short lines: when, where, room, how, case number."""
    _ = ctx.gettext
    content = ctx.services.content
    lines = [_("📅 {when} (Kazakhstan time)").format(when=when(ctx, hearing.starts_at))]
    where = court_name(content, hearing, ctx.language)
    address = court_address(content, hearing, ctx.language)
    lines.append(f"🏛 {where}" + (f", {address}" if address else ""))
    if hearing.room:
        lines.append(_("🚪 Room: {room}").format(room=hearing.room))
    if hearing.online:
        lines.append(_("💻 Online, by video"))
        if hearing.video_link:
            lines.append(_("🔗 Link: {link}").format(link=hearing.video_link))
    else:
        lines.append(_("👣 In person, at the court"))
    lines.append(_("📁 Case № {number}").format(number=hearing.case_number))
    return "\n".join(lines)


def short_label(ctx: Context, hearing: HearingLike) -> str:
    """A button for one hearing: "📅 24.11 10:00 · 2-123/2026"."""
    local = to_local(hearing.starts_at)
    return f"📅 {local:%d.%m %H:%M} · {hearing.case_number}"


def tiny_label(hearing: HearingLike) -> str:
    """The same within WhatsApp's 24 characters: "01.12 10:00 2-1234/2026", the case number
    cut from the left when long (its end tells cases apart)."""
    local = to_local(hearing.starts_at)
    return f"{local:%d.%m %H:%M} {hearing.case_number[-12:]}"


# --- reminder messages --------------------------------------------------------------------------

def reminder_view(ctx: Context, item: DueReminder, late: bool) -> View:
    """A reminder, or news that a hearing moved or was cancelled, with its buttons."""
    _ = ctx.gettext
    hearing = item.hearing
    parts = [_("⚠️ Sorry, this reminder is late: the bot was not working for a while.")] \
        if late else []
    if item.kind == "cancelled":
        parts.append(_(
            "❌ The court's schedule no longer lists your hearing on {date} (case № {number}). "
            "Please check with the court: a new date comes by summons or SMS."
        ).format(date=format_moment(hearing.starts_at, ctx.language), number=hearing.case_number))
        return View(text="\n\n".join(parts),
                    options=[Choice("go:hearings", _("📅 My hearings"))], back=False,
                    template=reminder_template(ctx, item))
    if item.kind == "moved":
        was = datetime.fromisoformat((item.detail or {}).get("was", hearing.starts_at.isoformat()))
        parts.append(_("📅 Your hearing has moved.\nWas: {was}\nNow: {now}\nThe reminders have "
                       "moved with it.").format(was=format_moment(was, ctx.language),
                                                now=format_moment(hearing.starts_at,
                                                                  ctx.language)))
    else:
        parts.append(_("🔔 Reminder: your court hearing."))
    parts.append(describe(ctx, hearing))
    if hearing.online:
        parts.append(_("Before it starts: phone charged, internet working, a quiet place, "
                       "your ID card at hand."))
    else:
        parts.append(_("Take your ID card, the summons and your case papers with copies."))
    # "I need help" is the way to a person here: one such button is enough.
    return View(text="\n\n".join(parts), options=reminder_choices(ctx, hearing.id,
                                                                 hearing.online),
                back=False, human=False, template=reminder_template(ctx, item))


def reminder_template(ctx: Context, item: DueReminder) -> TemplateMessage:
    """The reminder as a template message's parameters (see docs/whatsapp-templates.md for
    the approved texts they fill). One line each: templates refuse line breaks."""
    hearing = item.hearing
    language = ctx.language

    def line(text: str) -> str:
        return " ".join(text.split())

    number = line(hearing.case_number)
    if item.kind == "cancelled":
        return TemplateMessage("hearing_cancelled", language,
                               (number, line(format_moment(hearing.starts_at, language))),
                               ("go:hearings",))
    opened = f"rem:open/{hearing.id}"
    if item.kind == "moved":
        was = datetime.fromisoformat((item.detail or {}).get("was", hearing.starts_at.isoformat()))
        return TemplateMessage("hearing_moved", language,
                               (number, line(format_moment(was, language)),
                                line(format_moment(hearing.starts_at, language))), (opened,))
    where = court_name(ctx.services.content, hearing, language)
    if hearing.room:
        where += ", " + ctx.gettext("room {room}").format(room=hearing.room)
    return TemplateMessage("hearing_reminder", language,
                           (line(when(ctx, hearing.starts_at)), line(where), number),
                           (opened, f"rem:stop/{hearing.id}"))


def reminder_choices(ctx: Context, hearing_id: int, online: bool) -> list[Choice]:
    """The reminder's buttons. They are `rem:` choices, which channels answer with a new message
    below instead of redrawing the reminder: the person keeps the date and place in view."""
    _ = ctx.gettext
    how = Choice(f"rem:guide/{hearing_id}", _("💻 How to join by video"),
                 _("💻 How to join")) if online else \
        Choice(f"rem:bring/{hearing_id}", _("🎒 What to bring"))
    return [
        Choice(f"rem:yes/{hearing_id}", _("✅ I'll be there")),
        Choice(f"rem:cant/{hearing_id}", _("🙁 I can't come")),
        how,
        Choice(f"rem:help/{hearing_id}", _("👤 Person")),
        Choice(f"rem:stop/{hearing_id}", _("🔕 Stop reminders for this case"),
               _("🔕 Stop reminders")),
    ]


# --- calendar file -----------------------------------------------------------------------------

def calendar_file(ctx: Context, hearing: HearingLike, hearing_id: int) -> Attachment:
    """An .ics file: the phone's calendar adds the hearing, with alarms a day and 2 hours
    before (so the person is reminded even offline)."""
    _ = ctx.gettext
    content = ctx.services.content
    where = court_name(content, hearing, ctx.language)
    address = court_address(content, hearing, ctx.language)
    location = ", ".join(part for part in (where, address, hearing.room) if part)
    calendar = Calendar()
    calendar.add("prodid", "-//Adilet court-help bot//kk-ru//")
    calendar.add("version", "2.0")
    event = CalendarEvent()
    event.add("uid", f"hearing-{hearing_id}@adilet-bot")
    event.add("dtstamp", ctx.services.clock.now())
    event.add("dtstart", hearing.starts_at)
    event.add("dtend", hearing.starts_at + timedelta(hours=1))
    event.add("summary", _("Court hearing, case № {number}").format(number=hearing.case_number))
    event.add("location", location)
    if hearing.video_link:
        event.add("url", hearing.video_link)
    for before in (timedelta(days=1), timedelta(hours=2)):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _("Court hearing, case № {number}").format(
            number=hearing.case_number))
        alarm.add("trigger", -before)
        event.add_component(alarm)
    calendar.add_component(event)
    safe_number = "".join(ch if ch.isalnum() else "-" for ch in hearing.case_number)
    return Attachment(filename=f"hearing-{safe_number}.ics", content=calendar.to_ical(),
                      mime_type="text/calendar",
                      caption=_("📲 Open this file: your phone will offer to add the hearing to "
                                "its calendar."))
