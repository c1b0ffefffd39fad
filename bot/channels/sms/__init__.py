"""SMS: a channel that only sends (reminders) and hears one word back (STOP)."""

CHANNEL = "sms"
