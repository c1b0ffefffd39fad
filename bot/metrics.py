"""Prometheus metrics at /metrics: what an operator running the bot watches (see README
"What to monitor"). Counts and timings only: no user id, no text, no case number.

Each BotApp has its own registry, so several bots in one process (the tests) do not collide.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import exposition as _exposition

CONTENT_TYPE = _exposition.CONTENT_TYPE_LATEST


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter("bot_events", "Events from citizens, by channel and kind",
                              ["channel", "kind"], registry=self.registry)
        self.answer_seconds = Histogram(
            "bot_answer_seconds", "Time to work out the answer to one event", ["channel"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry)
        self.faults = Counter("bot_faults", "Events answered with 'try again' (busy database, "
                              "a bug)", ["reason"], registry=self.registry)
        self.flood = Counter("bot_flood_held_back", "Events not answered because one person "
                             "sent too many", registry=self.registry)
        self.reminders = Counter("bot_reminders", "Reminder outcomes (sent, failed, blocked, "
                                 "unknown, retry_later…)", ["outcome"], registry=self.registry)
        self.handoffs_waiting = Gauge("bot_handoffs_waiting", "Citizens waiting for an "
                                      "operator (read at scrape time)", registry=self.registry)
        self.reminders_due = Gauge("bot_reminders_overdue", "Reminders due more than 5 minutes "
                                   "ago and not yet sent (read at scrape time)",
                                   registry=self.registry)

        self.redis_up = Gauge("bot_redis_up", "1 when this instance reaches Redis, 0 when not "
                              "(with REDIS_URL; read at scrape time)", registry=self.registry)
        self.unshared_events = Gauge("bot_events_without_shared_lock", "Events handled while "
                                     "Redis was away, under this instance's own lock only",
                                     registry=self.registry)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
