"""What citizens need, in numbers: the dashboard's figures, read from the database.

Everything here is a count. The Solution Explorer's events are anonymous by design; where
people stop is read from how many reached each question of a pathway (the first question
reached by many and the next by few is where they drop out).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from sqlalchemy import func, select

from bot.services.content import Content
from bot.storage.db import SessionFactory
from bot.storage.models import ExplorerEvent, FollowUp, Handoff, Reminder, SmsUsage, User

SMS_DAYS = 14  # the dashboard shows the last two weeks of SMS, each part being paid for


@dataclass
class PathwayFigures:
    pathway: str
    started: int = 0
    finished: int = 0  # reached a plan
    up: int = 0
    down: int = 0
    reached: dict[str, int] = field(default_factory=dict)  # question id -> times reached


@dataclass
class Dashboard:
    users: dict[tuple[str, str], int]  # (channel, language) -> people
    pathways: list[PathwayFigures]
    reminders: dict[str, int]  # status -> count
    handoffs: dict[str, int]  # waiting / open / callback / closed / answered
    first_answer_minutes: float | None  # median, for handoffs that got an answer
    ratings: dict[str, int]
    follow_ups_open: int
    sms_days: list[tuple[str, int, int]] = field(default_factory=list)  # day, SMS, parts


async def read_dashboard(sessions: SessionFactory, content: Content) -> Dashboard:
    async with sessions() as session:
        users = {(channel, language): count for channel, language, count in (await session.execute(
            select(User.channel, User.language, func.count()).group_by(
                User.channel, User.language))).all()}
        events = (await session.execute(
            select(ExplorerEvent.pathway, ExplorerEvent.kind, ExplorerEvent.detail, func.count())
            .where(ExplorerEvent.kind.in_(("started", "question", "plan", "feedback")))
            .group_by(ExplorerEvent.pathway, ExplorerEvent.kind, ExplorerEvent.detail))).all()
        reminders = dict((await session.execute(
            select(Reminder.status, func.count()).group_by(Reminder.status))).all())
        handoffs = dict((await session.execute(
            select(Handoff.status, func.count()).group_by(Handoff.status))).all())
        answered = (await session.execute(
            select(Handoff.created_at, Handoff.first_answer_at)
            .where(Handoff.first_answer_at.is_not(None)))).all()
        ratings = dict((await session.execute(
            select(Handoff.rating, func.count()).where(Handoff.rating.is_not(None))
            .group_by(Handoff.rating))).all())
        follow_ups = await session.scalar(select(func.count()).select_from(FollowUp).where(
            FollowUp.resolved_at.is_(None)))
        sms_days = [tuple(row) for row in (await session.execute(
            select(SmsUsage.day, SmsUsage.messages, SmsUsage.parts)
            .order_by(SmsUsage.day.desc()).limit(SMS_DAYS))).all()]
    handoffs["answered"] = len(answered)
    waits = [(answer - asked).total_seconds() / 60 for asked, answer in answered]
    return Dashboard(users, _pathways(events, content), reminders, handoffs,
                     round(median(waits), 1) if waits else None, ratings, follow_ups or 0,
                     sms_days)


def _pathways(events: list, content: Content) -> list[PathwayFigures]:
    figures: dict[str, PathwayFigures] = {}
    for pathway, kind, detail, count in events:
        if pathway not in content.pathways:
            continue  # typed-text statistics use the same table with topic ids
        item = figures.setdefault(pathway, PathwayFigures(pathway))
        if kind == "started":
            item.started += count
        elif kind == "plan":
            item.finished += count
        elif kind == "question" and detail:
            item.reached[detail] = item.reached.get(detail, 0) + count
        elif kind == "feedback" and detail in ("up", "down"):
            setattr(item, detail, getattr(item, detail) + count)
    for item in figures.values():
        order = list(content.pathways[item.pathway].questions)
        item.reached = dict(sorted(item.reached.items(),
                                   key=lambda pair: order.index(pair[0])
                                   if pair[0] in order else len(order)))
    return sorted(figures.values(), key=lambda item: -item.started)
