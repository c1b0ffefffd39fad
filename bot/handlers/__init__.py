"""aiogram routers: they translate Telegram updates to Events and Screens back; no legal logic."""
