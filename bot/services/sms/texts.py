"""The SMS a reminder becomes: what, when, where, the case number and how to stop, in the
person's language, in at most two parts.

Cyrillic and Kazakh letters make every such SMS UCS-2, so two parts hold 134 characters. Only
the court's name may give way, by rule and in this order: the full name; the name with the
standard abbreviations ("межрайонный" → "МР", "қаласының" → "қ."); the court's short name from
courts.yaml; the abbreviated name cut with "…". The date, the case number and the stop word are
never shortened; a text that still does not fit drops the court altogether. A name is cut
at a word first, then at a letter.

A relative's copy begins "Копия (мама):" / "Көшірме (мама):" with the name the citizen gave
the link; the court gives way first, then the name is cut, then only "Копия:" is left.
"""

from __future__ import annotations

import re
from datetime import datetime

from bot.services.clock import to_local
from bot.services.content import Content
from bot.services.conversation.screens import Screen
from bot.services.i18n import gettext_for
from bot.services.sms.parts import fits

MOST_PARTS = 2
WHOSE_LONGEST = 20  # letters of the link's name an SMS copy may show
WHOSE_SHORT = 10
# Word-level abbreviations as courts and lawyers write them, longest first.
ABBREVIATIONS = {
    "ru": (("Специализированный", "Спец."), ("специализированный", "спец."),
           ("Межрайонный", "МР"), ("межрайонный", "МР"), ("экономический", "экон."),
           ("гражданским", "гражд."), ("уголовным", "уголовн."),
           ("несовершеннолетних", "несоверш."), ("административным", "адм."),
           ("административный", "адм."), ("районный", "р-н"), ("города", "г."),
           ("области", "обл."), ("делам", "д.")),
    "kk": (("мамандандырылған", "мам."), ("ауданаралық", "АА"), ("экономикалық", "экон."),
           ("азаматтық", "аз."), ("қылмыстық", "қылм."), ("кәмелетке толмағандар", "кәм."),
           ("әкімшілік", "әкімш."), ("қаласының", "қ."), ("облысының", "обл."),
           ("ауданының", "ауд."), ("істері", "іс."), ("істер", "іс."), ("жөніндегі", "ж.")),
}


def abbreviate(name: str, language: str) -> str:
    for long, short in ABBREVIATIONS.get(language, ()):
        name = re.sub(rf"(?<!\w){re.escape(long)}(?!\w)", short, name)
    return re.sub(r"\s+", " ", name).strip()


def court_names(content: Content, court_id: str | None, typed: str | None,
                language: str) -> list[str]:
    """The court's name, from the longest way to say it to the shortest."""
    court = content.courts.court(court_id) if content.courts and court_id else None
    full = court.name(language) if court else (typed or "")
    names = [full, abbreviate(full, language)]
    short = getattr(court, "short", None) if court else None
    if short:
        names.append(short(language))
    return [name for i, name in enumerate(names) if name and name not in names[:i]]


def _moment(moment: datetime) -> str:
    return f"{to_local(moment):%d.%m.%Y %H:%M}"


def _cut(name: str, letters: int) -> str:
    return name if len(name) <= letters else name[:letters].rstrip(" ,.") + "…"


def compose(kind: str, language: str, *, case_number: str, starts_at: datetime,
            courts: list[str], room: str | None = None, online: bool = False,
            was: datetime | None = None, copy: bool = False, whose: str | None = None) -> str:
    """The SMS for one reminder (`7d`, `1d`, `2h`, `moved`, `cancelled`); with `copy`, a
    relative's copy of it, saying whose it is by `whose` (the link's name) if given."""
    _ = gettext_for(language)
    when = _moment(starts_at)

    def text(where: str, who: str | None = None) -> str:
        place = where
        if room:
            place = _("SMS: {court}, room {room}").format(court=where, room=room) if where \
                else _("SMS: room {room}").format(room=room)
        if online:
            place = _("SMS: {court}, online").format(court=where) if where else _("SMS: online")
        values = {"when": when, "where": place, "case": case_number,
                  "was": f"{to_local(was):%d.%m %H:%M}" if was else ""}
        if kind == "cancelled":
            body = _("SMS: The hearing {when}, case No {case}, is no longer in the court's "
                     "list. Check with the court.").format(**values)
        elif kind == "moved":
            body = _("SMS: Hearing moved: now {when}, {where}. Was {was}. Case No {case}."
                     ).format(**values)
        else:
            lead = {"7d": _("SMS: in 7 days"), "1d": _("SMS: tomorrow"),
                    "2h": _("SMS: in 2 hours")}.get(kind, _("SMS: soon"))
            body = _("SMS: Court {lead}: {when}, {where}. Case No {case}.").format(
                lead=lead, **values)
        stop = _("SMS: To stop, reply STOP")
        if copy:
            whose_lead = _("SMS: Copy ({name}):").format(name=who) if who else _("SMS: Copy:")
            body = f"{whose_lead} {body}"
        body = re.sub(r",\s*\.", ".", body)  # no court: "10:00, ." → "10:00."
        body = re.sub(r"(?<!\.)\.\.(?!\.)", ".", body.replace("….", "…"))  # "каб.."
        return " ".join(f"{body} {stop}".split())

    candidates = list(courts)
    if candidates:
        last = abbreviate(candidates[0], language)
        if last not in candidates:
            candidates.append(last)
        words = last.split()
        cuts = (" ".join(words[:n]).rstrip(" ,.") for n in range(len(words) - 1, 0, -1))
        candidates += [cut + "…" for cut in cuts if len(cut) >= 8]
        candidates += [last[:cut].rstrip(" ,.") + "…" for cut in range(len(last) - 1, 7, -1)]
    name = " ".join((whose or "").split()) if copy else ""
    names = list(dict.fromkeys(n for n in (_cut(name, WHOSE_LONGEST), _cut(name, WHOSE_SHORT))
                               if n)) or [None]
    tries = [(where, who) for who in names for where in candidates] + \
        [("", who) for who in names] + ([("", None)] if names != [None] else [])
    for where, who in tries:
        message = text(where, who)
        if fits(message, MOST_PARTS):
            return message
    return message  # nothing shorter can be said; never happens with a real case number


def confirmation(language: str) -> str:
    """The one answer to STOP."""
    _ = gettext_for(language)
    return _("SMS: Done: no more SMS reminders will come. To start again, ask in the bot's "
             "chat or call the court's call centre.")


def sms_screen(content: Content, item, now: datetime) -> Screen:
    """A due reminder as the Screen the SMS delivery sends: text only. Its name carries how
    many minutes the provider may keep trying, until the hearing begins."""
    hearing = item.hearing
    was = (item.detail or {}).get("was")
    text = compose(item.kind, item.language, case_number=hearing.case_number,
                   starts_at=hearing.starts_at,
                   courts=court_names(content, hearing.court_id, hearing.court_name,
                                      item.language),
                   room=hearing.room, online=hearing.online,
                   was=datetime.fromisoformat(was) if was else None,
                   copy=item.is_copy, whose=item.link_name)
    minutes = max(1, int((hearing.starts_at - now).total_seconds() // 60))
    return Screen(name=f"sms:{item.kind}@{minutes}", language=item.language, text=text)
