"""Channel-agnostic logic: nothing here knows Telegram, WhatsApp or the web chat."""
