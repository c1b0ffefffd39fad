"""Sending reminders: rows claimed from the database, sent within the messengers' limits."""
