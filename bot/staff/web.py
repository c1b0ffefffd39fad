"""The call-centre console's pages, under /staff/ on the bot's HTTP server.

Pages are plain HTML forms (they work without JavaScript); a small script keeps the queue and
an open chat up to date by listening to /staff/events (server-sent events). Replies and closings
reach the citizen on their own channel through the same delivery and pacers as reminders.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.config import Settings
from bot.services.announcements import Announcements, AnnouncementSender, announcement_view
from bot.services.clock import KAZAKHSTAN_TIME, format_day, to_local
from bot.services.conversation import Conversation
from bot.services.deep_links import DeepLinks
from bot.services.enrolment import normalise_code, shown
from bot.services.explorer.drafts import PDF_MIME
from bot.services.hearings.book import normalise_case_number
from bot.services.i18n import LANGUAGES, gettext_for
from bot.services.personal_data import as_file
from bot.services.posters import (
    POSTER_KINDS,
    CallCentre,
    bot_poster,
    enrolment_links,
    poster_topics,
    render_poster,
    render_slip,
    topic_poster,
)
from bot.services.relatives import normalise_code as normalise_relative_code
from bot.services.reminders.delivery import Delivery, DeliveryError
from bot.services.reminders.service import Pacers
from bot.services.sms.consent import consent_texts, relative_consent_texts
from bot.services.sms.phones import mask, normalise_phone
from bot.staff import audit
from bot.staff.accounts import StaffAccounts, Throttled
from bot.staff.dashboard import read_dashboard
from bot.staff.legal_content import legal_statements
from bot.staff.live import LiveEvents
from bot.staff.security import (
    LOGIN_CSRF_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    STAFF,
    STAFF_KEY,
    client_address,
    current_staff,
    login_csrf,
    require_admin,
    same,
    set_cookie,
    staff_gate,
)
from bot.storage.db import SessionFactory

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


@dataclass
class Console:
    settings: Settings
    sessions: SessionFactory
    conversation: Conversation
    deliveries: Mapping[str, Delivery]
    pacers: Pacers
    accounts: StaffAccounts
    announcements: Announcements
    sender: AnnouncementSender
    # The bot's Telegram @username as getMe told it at start (None: Telegram not running here).
    bot_username: Callable[[], str | None] = lambda: None

    def __post_init__(self) -> None:
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                     autoescape=select_autoescape(["html"]))
        self.live = LiveEvents(self.desk)
        self._tasks: set[asyncio.Task] = set()

    @property
    def desk(self):
        return self.conversation.services.handoffs

    @property
    def content(self):
        return self.conversation.services.content

    @property
    def links(self) -> DeepLinks:
        """Where links open the bot: TELEGRAM_BOT_USERNAME, else what getMe said; and
        WHATSAPP_PUBLIC_NUMBER."""
        return DeepLinks(self.settings.telegram_bot_username or self.bot_username() or None,
                         self.settings.whatsapp_public_number or None)

    @property
    def call_centre(self) -> CallCentre:
        return CallCentre(self.settings.call_centre_phone, self.settings.call_centre_hours)

    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(staff_gate)
        app[STAFF_KEY] = self.accounts
        app.on_shutdown.append(self._shut)
        get, post = app.router.add_get, app.router.add_post
        get(f"{PREFIX}/login", self.login_page)
        post(f"{PREFIX}/login", self.login)
        post(f"{PREFIX}/logout", self.logout)
        post(f"{PREFIX}/language", self.language)
        get(PREFIX, self.to_queue)
        get(f"{PREFIX}/", self.queue)
        get(f"{PREFIX}/queue", self.queue_fragment)
        get(f"{PREFIX}/events", self.live.stream)
        get(f"{PREFIX}/handoffs/{{id:\\d+}}", self.handoff)
        get(f"{PREFIX}/handoffs/{{id:\\d+}}/thread", self.thread_fragment)
        post(f"{PREFIX}/handoffs/{{id:\\d+}}/take", self.take)
        post(f"{PREFIX}/handoffs/{{id:\\d+}}/reply", self.reply)
        post(f"{PREFIX}/handoffs/{{id:\\d+}}/close", self.close)
        get(f"{PREFIX}/enrol", self.enrol_page)
        post(f"{PREFIX}/enrol", self.enrol)
        get(f"{PREFIX}/enrol/relative", self.relative_page)
        post(f"{PREFIX}/enrol/relative", self.enrol_relative)
        get(f"{PREFIX}/sms", self.sms_page)
        post(f"{PREFIX}/sms", self.sms_find)
        post(f"{PREFIX}/sms/{{id:\\d+}}/export", self.sms_export)
        post(f"{PREFIX}/sms/{{id:\\d+}}/delete", self.sms_delete)
        post(f"{PREFIX}/enrol/slip", self.enrol_slip)
        get(f"{PREFIX}/posters", self.posters)
        get(f"{PREFIX}/posters/{{name:[a-z_.]+}}.pdf", self.poster)
        get(f"{PREFIX}/announcements", self.announcements_page)
        post(f"{PREFIX}/announcements", self.announcement_draft)
        get(f"{PREFIX}/announcements/{{id:\\d+}}", self.announcement_preview)
        post(f"{PREFIX}/announcements/{{id:\\d+}}/confirm", self.announcement_confirm)
        get(f"{PREFIX}/dashboard", self.dashboard)
        get(f"{PREFIX}/content", self.legal_content)
        get(f"{PREFIX}/follow-ups", self.follow_ups)
        get(f"{PREFIX}/audit", self.audit_log)
        app.router.add_static(f"{PREFIX}/static/", HERE / "static", show_index=False)

    async def stop(self) -> None:
        self.live.close()
        self.sender.stop()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _shut(self, _app: web.Application) -> None:
        self.live.close()

    def background(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- rendering ----------------------------------------------------------------------------

    def render(self, request: web.Request, name: str, status: int = 200,
               **values: Any) -> web.Response:
        staff = request.get(STAFF)
        language = values.pop("language", None) or (staff.language if staff else "ru")
        _ = gettext_for(language)
        html = self.templates.get_template(name).render(
            _=_, staff=staff, language=language, languages=LANGUAGES, prefix=PREFIX,
            moment=lambda value: _moment(value), day=lambda value: format_day(value, language),
            **values)
        return web.Response(text=html, content_type="text/html", status=status)

    # --- signing in ---------------------------------------------------------------------------

    async def login_page(self, request: web.Request, error: str = "",
                         status: int = 200) -> web.Response:
        token = login_csrf(request)
        language = request.query.get("lang", "ru")
        response = self.render(request, "login.html", status=status, csrf=token, error=error,
                               language=language if language in LANGUAGES else "ru")
        set_cookie(response, LOGIN_CSRF_COOKIE, token, self.settings.staff_cookie_secure)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        if not same(str(form.get("csrf", "")), request.cookies.get(LOGIN_CSRF_COOKIE, "")):
            raise web.HTTPForbidden(text="the form is out of date or forged (CSRF)")
        language = str(form.get("lang", "ru"))
        _ = gettext_for(language if language in LANGUAGES else "ru")
        username = str(form.get("username", ""))
        try:
            token, staff = await self.accounts.sign_in(
                username, str(form.get("password", "")),
                client_address(request, self.settings.trusted_proxy_set))
        except Throttled as error:
            await audit.record(self.sessions, None, "login_throttled")
            return await self.login_page(request, _(
                "Too many wrong attempts. Try again in {minutes} min.").format(
                minutes=error.minutes), status=429)
        except ValueError:
            await audit.record(self.sessions, None, "login_failed")
            return await self.login_page(request, _("Wrong name or password."), status=401)
        await audit.record(self.sessions, staff.id, "login")
        response = web.Response(status=303, headers={"Location": f"{PREFIX}/"})
        set_cookie(response, SESSION_COOKIE, token, self.settings.staff_cookie_secure,
                   max_age=int(self.accounts.session_length.total_seconds()))
        response.del_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
        return response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        await self.accounts.sign_out(request.cookies.get(SESSION_COOKIE, ""))
        await audit.record(self.sessions, current_staff(request).id, "logout")
        response = web.Response(status=303, headers={"Location": f"{PREFIX}/login"})
        response.del_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    async def language(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        language = str(form.get("lang", ""))
        if language in LANGUAGES:
            await self.accounts.set_language(current_staff(request).id, language)
        raise web.HTTPSeeOther(_safe_back(str(form.get("back", ""))))

    # --- the queue and chats ------------------------------------------------------------------

    async def to_queue(self, _request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"{PREFIX}/")

    async def queue(self, request: web.Request) -> web.Response:
        return self.render(request, "queue.html", entries=await self.desk.queue(),
                           hours=self.desk.hours.describe(), topic=self._place_name)

    async def queue_fragment(self, request: web.Request) -> web.Response:
        return self.render(request, "_queue.html", entries=await self.desk.queue(),
                           topic=self._place_name)

    async def handoff(self, request: web.Request) -> web.Response:
        handoff_id = int(request.match_info["id"])
        found = await self.desk.citizen(handoff_id)
        if found is None:
            raise web.HTTPNotFound(text="no such conversation")
        handoff, user = found
        staff = current_staff(request)
        await audit.record(self.sessions, staff.id, "view_handoff", str(handoff_id))
        visit = await self.conversation.services.store.load(user.channel, user.channel_user_id)
        hearings = await self.conversation.services.hearings.upcoming(user.id)
        return self.render(
            request, "handoff.html", handoff=handoff, user=user,
            place=self._place_name(handoff.from_screen, staff.language),
            answers=self._answers(visit.place.data, staff.language), hearings=hearings,
            court=lambda hearing: self._court(hearing, staff.language),
            messages=await self.desk.messages(handoff_id),
            operator=await self.desk.operator_name(handoff))

    async def thread_fragment(self, request: web.Request) -> web.Response:
        handoff_id = int(request.match_info["id"])
        found = await self.desk.citizen(handoff_id)
        if found is None:
            raise web.HTTPNotFound(text="no such conversation")
        return self.render(request, "_thread.html", handoff=found[0],
                           messages=await self.desk.messages(handoff_id))

    async def take(self, request: web.Request) -> web.StreamResponse:
        handoff_id = int(request.match_info["id"])
        staff = current_staff(request)
        if await self.desk.take(handoff_id, staff.id):
            await audit.record(self.sessions, staff.id, "take_handoff", str(handoff_id))
            await self._tell_citizen(handoff_id, "show")
        raise web.HTTPSeeOther(f"{PREFIX}/handoffs/{handoff_id}")

    async def reply(self, request: web.Request) -> web.StreamResponse:
        handoff_id = int(request.match_info["id"])
        staff = current_staff(request)
        text = str((await request.post()).get("text", "")).strip()
        if text:
            message_id = await self.desk.staff_says(handoff_id, staff.id, text)
            if message_id is not None:
                await audit.record(self.sessions, staff.id, "reply", str(handoff_id))
                problem = await self._tell_citizen(handoff_id, "show")
                if problem:
                    await self.desk.undelivered(message_id, problem)
        raise web.HTTPSeeOther(f"{PREFIX}/handoffs/{handoff_id}")

    async def close(self, request: web.Request) -> web.StreamResponse:
        handoff_id = int(request.match_info["id"])
        staff = current_staff(request)
        if await self.desk.close(handoff_id):
            await audit.record(self.sessions, staff.id, "close_handoff", str(handoff_id))
            await self._tell_citizen(handoff_id, f"closed/{handoff_id}")
        raise web.HTTPSeeOther(f"{PREFIX}/")

    async def _tell_citizen(self, handoff_id: int, action: str) -> str | None:
        """Show the citizen their chat (or the closing question) on their own channel.
        Returns why it could not be delivered, or None."""
        found = await self.desk.citizen(handoff_id)
        if found is None:
            return "gone"
        user = found[1]
        delivery = self.deliveries.get(user.channel)
        if delivery is None:
            return f"no {user.channel} channel on this instance"
        screen = await self.conversation.push(user.channel, user.channel_user_id,
                                              f"hand:{action}")
        await self.pacers.for_channel(user.channel).wait_turn(
            f"{user.channel}:{user.channel_user_id}")
        try:
            await delivery.deliver(user.channel_user_id, screen)
        except DeliveryError as error:
            log.warning("a staff message was not delivered: %s", error.code)
            return error.reason
        return None

    # --- enrolling a caller -------------------------------------------------------------------

    async def enrol_page(self, request: web.Request, **values: Any) -> web.Response:
        courts = self.content.courts
        return self.render(request, "enrol.html", regions=courts.regions if courts else [],
                           form=values.pop("form", {}), sms_on=self.sms is not None,
                           consent=consent_texts(), **values)

    @property
    def sms(self):
        return self.conversation.services.sms

    async def enrol(self, request: web.Request) -> web.Response:
        staff = current_staff(request)
        form = await request.post()
        _ = gettext_for(staff.language)
        hearing, problem = self._hearing_from(form, _)
        if problem:
            return await self.enrol_page(request, error=problem, form=dict(form))
        language = str(form.get("citizen_language", "ru"))
        language = language if language in LANGUAGES else "ru"
        if form.get("by") == "sms":
            return await self._enrol_by_sms(request, form, hearing, language)
        code, enrolment_id = await self.conversation.services.enrolments.create(
            hearing, language if language in LANGUAGES else "ru", staff.id)
        await audit.record(self.sessions, staff.id, "enrol", f"enrolment {enrolment_id}")
        return self.render(request, "enrolled.html", code=shown(code),
                           links=enrolment_links(self.links, code), hearing=hearing,
                           days=self.settings.enrolment_days)

    async def _enrol_by_sms(self, request: web.Request, form, hearing: dict[str, Any],
                            language: str) -> web.Response:
        """The operator read the consent out and the caller agreed: reminders go by SMS from
        now on, to the number given, with no code to open."""
        staff = current_staff(request)
        _ = gettext_for(staff.language)
        if self.sms is None:
            problem = _("SMS is not set up (SMS_PROVIDER): give the caller a code instead.")
            return await self.enrol_page(request, error=problem, form=dict(form))
        number = normalise_phone(str(form.get("phone", "")))
        if number is None:
            return await self.enrol_page(request, form=dict(form), error=_(
                "The phone number is not valid: a Kazakhstan mobile, e.g. +7 701 123 45 67."))
        if form.get("consent_read") != "on":
            return await self.enrol_page(request, form=dict(form), error=_(
                "Read the consent text to the caller and tick that they agreed."))
        user_id, hearing_id = await self.sms.enrol(number, language, hearing)
        await audit.record(self.sessions, staff.id, "sms_consent_read", f"sms person {user_id}")
        await audit.record(self.sessions, staff.id, "enrol_sms", f"hearing {hearing_id}")
        return self.render(request, "enrolled_sms.html", phone=mask(number), hearing=hearing)

    # --- a relative without a messenger: copies by SMS ---------------------------------------

    async def relative_page(self, request: web.Request, **values: Any) -> web.Response:
        return self.render(request, "relative_sms.html", sms_on=self.sms is not None,
                           consent=relative_consent_texts(), form=values.pop("form", {}),
                           **values)

    async def enrol_relative(self, request: web.Request) -> web.Response:
        """A relative called with the citizen's invitation code; the operator read them the
        consent and they agreed: the invitation is accepted for their number, and copies of
        the citizen's reminders go there by SMS. Nothing of the citizen's is shown here."""
        staff = current_staff(request)
        _ = gettext_for(staff.language)
        form = await request.post()
        if self.sms is None:
            return await self.relative_page(request, form=dict(form), error=_(
                "SMS is not set up (SMS_PROVIDER): the relative can open the invitation in "
                "Telegram or WhatsApp."))
        code = normalise_relative_code(str(form.get("code", "")))
        if code is None:
            return await self.relative_page(request, form=dict(form), error=_(
                "The code has 12 letters and digits, as in the invitation after “rel-”."))
        number = normalise_phone(str(form.get("phone", "")))
        if number is None:
            return await self.relative_page(request, form=dict(form), error=_(
                "The phone number is not valid: a Kazakhstan mobile, e.g. +7 701 123 45 67."))
        if form.get("consent_read") != "on":
            return await self.relative_page(request, form=dict(form), error=_(
                "Read the consent text to the caller and tick that they agreed."))
        language = str(form.get("relative_language", "ru"))
        link = await self.sms.enrol_relative(code, number,
                                             language if language in LANGUAGES else "ru")
        if link is None:
            return await self.relative_page(request, form=dict(form), error=_(
                "This code does not work: it was used, it is too old, or it was mistyped. Ask "
                "the citizen for a new invitation."))
        await audit.record(self.sessions, staff.id, "sms_consent_read",
                           f"sms person {link.relative_id}")
        await audit.record(self.sessions, staff.id, "enrol_relative_sms",
                           f"relative link {link.id}")
        return self.render(request, "relative_sms_done.html", phone=mask(number),
                           hearing_at=link.hearing_starts_at)

    # --- SMS recipients: what is kept, on the person's request ----------------------------

    async def sms_page(self, request: web.Request, **values: Any) -> web.Response:
        return self.render(request, "sms.html", sms_on=self.sms is not None, **values)

    async def sms_find(self, request: web.Request) -> web.Response:
        staff = current_staff(request)
        _ = gettext_for(staff.language)
        form = await request.post()
        number = normalise_phone(str(form.get("phone", "")))
        if self.sms is None or number is None:
            return await self.sms_page(request, error=_(
                "The phone number is not valid: a Kazakhstan mobile, e.g. +7 701 123 45 67."))
        user_id = await self.sms.find(number)
        await audit.record(self.sessions, staff.id, "sms_lookup",
                           f"sms person {user_id}" if user_id else "not found")
        found = await self.sms.export(user_id) if user_id else None
        return await self.sms_page(request, person=found, person_id=user_id,
                                   phone=mask(number), searched=True)

    async def sms_export(self, request: web.Request) -> web.Response:
        staff = current_staff(request)
        user_id = int(request.match_info["id"])
        document = await self.sms.export(user_id) if self.sms else None
        if document is None:
            raise web.HTTPNotFound()
        await audit.record(self.sessions, staff.id, "sms_export", f"sms person {user_id}")
        return web.Response(body=as_file(document), content_type="application/json", headers={
            "Content-Disposition": 'attachment; filename="sms-data.json"',
            "Cache-Control": "no-store"})

    async def sms_delete(self, request: web.Request) -> web.Response:
        staff = current_staff(request)
        _ = gettext_for(staff.language)
        user_id = int(request.match_info["id"])
        if self.sms is None or not await self.sms.forget(user_id):
            raise web.HTTPNotFound()
        await audit.record(self.sessions, staff.id, "sms_delete", f"sms person {user_id}")
        return await self.sms_page(request, done=_(
            "Deleted: the number, its hearings and reminders."))
    async def enrol_slip(self, request: web.Request) -> web.Response:
        """A printed slip for the caller: the code's QR and the code in large letters. The code
        comes back from the page that showed it (it is never stored), and must still work."""
        staff = current_staff(request)
        code = normalise_code(str((await request.post()).get("code", "")))
        enrolment = await self.conversation.services.enrolments.find(code) if code else None
        if enrolment is None:
            raise web.HTTPNotFound(text="this code is not valid any more")
        links = enrolment_links(self.links, code)
        if not links:
            raise web.HTTPConflict(text="set TELEGRAM_BOT_USERNAME or WHATSAPP_PUBLIC_NUMBER")
        pdf = await asyncio.to_thread(render_slip, code, links,
                                      to_local(enrolment.expires_at).date(), self.call_centre)
        await audit.record(self.sessions, staff.id, "enrol_slip", f"enrolment {enrolment.id}")
        return _pdf(pdf, f"enrolment-slip-{enrolment.id}.pdf")

    def _hearing_from(self, form, _) -> tuple[dict[str, Any], str]:
        case = normalise_case_number(str(form.get("case_number", "")))
        if case is None:
            return {}, _("The case number is not valid (for example 2-1234/2026).")
        try:
            starts = datetime.fromisoformat(f"{form.get('date', '')}T{form.get('time', '')}")
        except ValueError:
            return {}, _("Please give the date and time of the hearing.")
        starts = starts.replace(tzinfo=KAZAKHSTAN_TIME)
        if starts <= self.conversation.services.clock.now():
            return {}, _("The hearing must be in the future.")
        court_id = str(form.get("court_id", "")) or None
        court_name = str(form.get("court_name", "")).strip()[:200] or None
        courts = self.content.courts
        if court_id and (courts is None or courts.court(court_id) is None):
            court_id = None
        if not court_id and not court_name:
            return {}, _("Please choose the court or type its name.")
        return {"case_number": case, "starts_at": starts.isoformat(), "court_id": court_id,
                "court_name": None if court_id else court_name,
                "room": str(form.get("room", "")).strip()[:40] or None,
                "online": form.get("online") == "on"}, ""

    # --- posters ------------------------------------------------------------------------------

    async def posters(self, request: web.Request) -> web.Response:
        language = current_staff(request).language
        links = self.links
        topics = poster_topics(self.content)
        return self.render(
            request, "posters.html", links=links, call_centre=self.call_centre,
            whatsapp_on=self.settings.whatsapp_enabled,
            kinds=[(kind, [(topic.id, topic.title(language)) for topic in topics
                           if topic.kind == kind]) for kind in POSTER_KINDS])

    async def poster(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        topic = self.content.topic(name)
        if name == "bot":
            poster = bot_poster(self.links)
        elif topic is not None and topic in poster_topics(self.content):
            poster = topic_poster(topic, self.links)
        else:
            raise web.HTTPNotFound(text="no such topic")
        if not poster.links:
            raise web.HTTPConflict(text="no messenger is configured: no link to print")
        pdf = await asyncio.to_thread(render_poster, poster, self.call_centre)
        await audit.record(self.sessions, current_staff(request).id, "poster", name)
        return _pdf(pdf, f"poster-{name}.pdf")

    # --- announcements ------------------------------------------------------------------------

    async def announcements_page(self, request: web.Request, **values: Any) -> web.Response:
        require_admin(request)
        courts = self.content.courts
        return self.render(request, "announcements.html",
                           regions=courts.regions if courts else [],
                           recent=await self.announcements.recent(), form=values.pop("form", {}),
                           **values)

    async def announcement_draft(self, request: web.Request) -> web.StreamResponse:
        staff = require_admin(request)
        form = await request.post()
        _ = gettext_for(staff.language)
        languages = [code for code in LANGUAGES if form.get(f"lang_{code}") == "on"]
        texts = {code: str(form.get(f"text_{code}", "")).strip() for code in LANGUAGES}
        if not languages or any(not texts[code] for code in LANGUAGES):
            return await self.announcements_page(request, form=dict(form), error=_(
                "Write the text in both languages and choose at least one language."))
        announcement_id = await self.announcements.draft(
            texts["kk"], texts["ru"], languages, str(form.get("region", "")) or None, staff.id)
        await audit.record(self.sessions, staff.id, "announcement_draft", str(announcement_id))
        raise web.HTTPSeeOther(f"{PREFIX}/announcements/{announcement_id}")

    async def announcement_preview(self, request: web.Request) -> web.Response:
        require_admin(request)
        announcement = await self.announcements.get(int(request.match_info["id"]))
        if announcement is None:
            raise web.HTTPNotFound(text="no such announcement")
        recipients = await self.announcements.recipients(announcement)
        counts: dict[tuple[str, str], int] = {}
        for person in recipients:
            key = (person.channel, person.language)
            counts[key] = counts.get(key, 0) + 1
        previews = {code: self.conversation.compose(
            "preview", "preview", code, lambda ctx, code=code: announcement_view(
                ctx, announcement.text_kk if code == "kk" else announcement.text_ru),
            name="announcement").text for code in LANGUAGES}
        region = self.content.courts.region(announcement.region) \
            if announcement.region and self.content.courts else None
        return self.render(request, "announcement.html", announcement=announcement,
                           previews=previews, counts=counts, total=len(recipients),
                           region=region)

    async def announcement_confirm(self, request: web.Request) -> web.StreamResponse:
        staff = require_admin(request)
        announcement_id = int(request.match_info["id"])
        queued = await self.announcements.confirm(announcement_id)
        await audit.record(self.sessions, staff.id, "announcement_send",
                           f"{announcement_id}: {queued}")
        if queued:
            self.background(self.sender.run())
        raise web.HTTPSeeOther(f"{PREFIX}/announcements")

    # --- what citizens need -------------------------------------------------------------------

    async def dashboard(self, request: web.Request) -> web.Response:
        d = await read_dashboard(self.sessions, self.content)
        _ = gettext_for(current_staff(request).language)
        language = current_staff(request).language

        def title(pathway_id: str) -> str:
            topic = self.content.topic(pathway_id)
            return topic.label(language) if topic else pathway_id

        def question(pathway_id: str, question_id: str) -> str:
            found = self.content.pathways[pathway_id].questions.get(question_id)
            return found.summary(language) if found else question_id

        statuses = {"waiting": _("waiting"), "callback": _("call back"), "open": _("in a chat"),
                    "closed": _("closed"), "answered": _("answered")}
        return self.render(
            request, "dashboard.html", d=d,
            users=[(f"{channel} / {code}", count) for (channel, code), count in d.users.items()],
            progress=[(title(p.pathway), p.started, p.finished) for p in d.pathways],
            feedback=[(title(p.pathway), p.up, p.down) for p in d.pathways if p.up or p.down],
            dropouts=[(title(p.pathway), [(question(p.pathway, q), n)
                                          for q, n in p.reached.items()])
                      for p in d.pathways if p.reached],
            reminders=sorted(d.reminders.items()),
            handoffs=[(statuses.get(k, k), v) for k, v in d.handoffs.items()],
            sms_on=self.sms is not None)

    async def legal_content(self, request: web.Request) -> web.Response:
        language = current_staff(request).language
        return self.render(request, "content.html",
                           statements=legal_statements(self.content, language))

    async def follow_ups(self, request: web.Request) -> web.Response:
        return self.render(request, "follow_ups.html",
                           rows=await audit.follow_ups(self.sessions))

    async def audit_log(self, request: web.Request) -> web.Response:
        require_admin(request)
        return self.render(request, "audit.html", rows=await audit.recent(self.sessions))

    # --- helpers ------------------------------------------------------------------------------

    def _place_name(self, ref: str, language: str) -> str:
        """"path:family.alimony" → the topic's name; other screens by their reference."""
        argument = ref.partition(":")[2].split("/")[0]
        topic = self.content.topic(argument) if argument else None
        return f"{topic.label(language)} ({ref})" if topic else ref

    def _answers(self, data: dict[str, Any], language: str) -> list[tuple[str, list]]:
        found = []
        for pathway_id, state in (data.get("explorer") or {}).items():
            pathway = self.content.pathways.get(pathway_id)
            if pathway is None or not isinstance(state, dict):
                continue
            rows = []
            for question_id, value in (state.get("answers") or {}).items():
                question = pathway.questions.get(question_id)
                if question is None:
                    continue
                label = next((option.label(language) for option in question.options
                              if option.value == value), value)
                rows.append((question.summary(language), label))
            topic = self.content.topic(pathway_id)
            found.append((topic.label(language) if topic else pathway_id, rows))
        return found

    def _court(self, hearing, language: str) -> str:
        courts = self.content.courts
        court = courts.court(hearing.court_id) if courts and hearing.court_id else None
        return court.name(language) if court else (hearing.court_name or "—")


def _moment(value: datetime | None) -> str:
    return to_local(value).strftime("%d.%m.%Y %H:%M") if value else "—"


def _pdf(content: bytes, filename: str) -> web.Response:
    return web.Response(body=content, content_type=PDF_MIME, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _safe_back(path: str) -> str:
    return path if path.startswith(PREFIX + "/") and "//" not in path else f"{PREFIX}/"
