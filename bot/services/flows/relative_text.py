"""How a copy for a relative is told: in the relative's language, with the hearing's when and
where, whose it is only by the name the citizen gave the link, and buttons of the relative's
own (stop the copies, a person) — never the owner's buttons, which open the owner's hearing."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from bot.services.clock import format_moment
from bot.services.conversation.context import Context
from bot.services.conversation.registry import View
from bot.services.conversation.screens import Choice
from bot.services.flows.hearing_text import describe, reminder_template
from bot.services.reminders.dispatcher import DueReminder

# The buttons of a copy: "rem:" so that channels answer below and the copy stays readable
# (bot/services/flows/hearings.py hands these to bot/services/flows/relatives.py).
COPY_BUTTONS = ("copy", "copystop", "copyhelp")


def copy_view(ctx: Context, item: DueReminder, late: bool) -> View:
    """A relative's copy of a reminder, or of the news that the hearing moved or was cancelled."""
    _ = ctx.gettext
    hearing = item.hearing
    parts = [_("⚠️ Sorry, this reminder is late: the bot was not working for a while.")] \
        if late else []
    if item.kind == "cancelled":
        parts.append(_("👪 A copy for you: the court's schedule no longer lists this hearing "
                       "(case № {number}, {date}). A new date comes by summons or SMS.").format(
            number=hearing.case_number, date=format_moment(hearing.starts_at, ctx.language)))
    elif item.kind == "moved":
        was = datetime.fromisoformat((item.detail or {}).get("was", hearing.starts_at.isoformat()))
        parts.append(_("👪 A copy for you: the court hearing has moved.\nWas: {was}\nNow: {now}")
                     .format(was=format_moment(was, ctx.language),
                             now=format_moment(hearing.starts_at, ctx.language)))
    else:
        parts.append(_("👪 A copy for you: a reminder of a court hearing."))
    if item.link_name:
        parts[-1] += "\n" + _("👤 Whose: «{name}»").format(name=item.link_name)
    if item.kind != "cancelled":
        parts.append(describe(ctx, hearing))
    parts.append(_("Your relative asked me to send you copies. You can stop them here."))
    return View(text="\n\n".join(parts), options=copy_choices(ctx, item.link_id or 0),
                back=False, human=False, template=copy_template(ctx, item))


def copy_choices(ctx: Context, link_id: int) -> list[Choice]:
    _ = ctx.gettext
    return [Choice(f"rem:copystop/{link_id}", _("🔕 Stop these copies"), _("🔕 Stop copies")),
            Choice(f"rem:copyhelp/{link_id}", _("👤 Person"))]


def copy_template(ctx: Context, item: DueReminder):
    """The owner's template (its texts say nothing of "you", so they fit a relative too), with
    buttons that open the relative's own screens."""
    template = reminder_template(ctx, item)
    link = item.link_id or 0
    buttons = (f"rem:copy/{link}", f"rem:copystop/{link}")
    return dataclasses.replace(template, buttons=buttons[:len(template.buttons)])
