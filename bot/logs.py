"""Structured, one-line logs. What a person writes is never logged; only ids of screens,
event kinds and error types — the rule is: nothing a citizen typed reaches a log line."""

from __future__ import annotations

import logging
import sys


class _KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().replace("\n", " ")
        line = f"{self.formatTime(record)} level={record.levelname} logger={record.name} {message}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info).replace("\n", " | ")
        return line


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_KeyValueFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiogram logs every handled update at INFO; keep that for DEBUG only.
    quiet = max(logging.getLevelName(level), logging.WARNING)
    logging.getLogger("aiogram.event").setLevel(quiet)
    logging.getLogger("alembic.runtime.plugins").setLevel(quiet)
    # APScheduler warns each time the reminder job is due while the last run is still sending
    # (by design: one run at a time), and logs every run at INFO. Its errors still show.
    logging.getLogger("apscheduler").setLevel(max(logging.getLevelName(level), logging.ERROR))
