"""SMS reminders: how long a text is in parts, the short texts themselves, phone numbers, and
who gets SMS (enrolled by phone, or copies of their chat reminders) until they send STOP."""
