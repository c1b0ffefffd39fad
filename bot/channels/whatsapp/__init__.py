"""WhatsApp Cloud API: the same conversation as on Telegram, drawn within WhatsApp's limits.

- `graph`: a small client for the Graph API calls we make (send a message, upload a file).
- `webhook`: what Meta posts to /whatsapp/webhook, checked (X-Hub-Signature-256) and read.
- `drawing`: a Screen as reply buttons (≤ 3), a list (≤ 10 rows, paged beyond), or numbered
  lines answered by number.
- `channel`: the webhook routes, answering in the background, each message once; and the
  delivery reminders use, with templates outside the 24-hour window.

Why not pywa (which the guide suggests): pywa 4.5 fixes the Graph API address to
graph.facebook.com (we must point it at WHATSAPP_API_BASE), requires a business-scoped user id
in every webhook (we must also take payloads with only a phone number), and remembers handled
updates per process by a hash of the whole body (we must skip a redelivered message id on any
instance). What we need of the API is four JSON calls on the aiohttp we already use.
"""

CHANNEL = "whatsapp"
WEBHOOK_PATH = "/whatsapp/webhook"
