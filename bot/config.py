"""Configuration from the environment (and an optional `.env`), validated at start.

Every setting an operator may change lives here, with its environment name. A wrong value stops
the bot at start with a message that names the variable, never later in the middle of a chat.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'bot.sqlite3'}"
CONTENT_DIR = PROJECT_ROOT / "bot" / "content"


class TelegramMode(StrEnum):
    polling = "polling"
    webhook = "webhook"


class LocalChatMode(StrEnum):
    """Whether the local web chat is served: `auto` means only when no messenger is configured."""

    auto = "auto"
    on = "on"
    off = "off"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = Field(default="", description="Bot token from @BotFather")
    telegram_api_base: str = Field(
        default="https://api.telegram.org",
        description="Bot API server; the bot calls {base}/bot{token}/{method}",
    )
    telegram_mode: TelegramMode = TelegramMode.polling
    telegram_webhook_url: str = ""
    telegram_webhook_secret: str = ""

    # WhatsApp Cloud API (see README "WhatsApp"): all four of token, phone number id, app secret
    # and verify token, or none.
    whatsapp_token: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_app_secret: str = ""  # signs each webhook (X-Hub-Signature-256)
    whatsapp_verify_token: str = ""  # answers Meta's GET when the webhook is registered
    whatsapp_api_base: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v26.0"
    whatsapp_interactive: bool = True  # False: options as numbered lines, answered by number
    # Approved utility templates for reminders outside the 24-hour window (texts in
    # docs/whatsapp-templates.md), each in Kazakh (kk) and Russian (ru).
    whatsapp_template_reminder: str = "hearing_reminder"
    whatsapp_template_moved: str = "hearing_moved"
    whatsapp_template_cancelled: str = "hearing_cancelled"
    whatsapp_rate_per_second: float = Field(default=50, gt=0)  # Meta's default is 80 a second
    whatsapp_chat_interval_seconds: float = Field(default=6, ge=0)  # pair rate: 1 per 6 s
    whatsapp_backoff_seconds: float = Field(default=1.0, gt=0)  # first wait after a limit

    # SMS reminders (README "SMS reminders"): the provider (only "mobizon" for now), its API
    # key, the sender name registered with it (empty: the provider's common one), the pace, and
    # the secret that signs the inbound webhook (STOP). No SMS_PROVIDER: no SMS at all.
    sms_provider: str = ""
    sms_api_key: str = ""
    sms_api_base: str = "https://api.mobizon.kz"
    sms_sender: str = ""
    sms_rate_per_second: float = Field(default=5, gt=0)
    sms_inbound_secret: str = ""

    database_url: str = DEFAULT_DATABASE_URL
    database_busy_timeout_ms: int = Field(default=5000, ge=0)
    migrate_on_start: bool = True

    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    local_chat: LocalChatMode = LocalChatMode.auto

    log_level: str = "INFO"

    default_language: str = "ru"
    # A court call centre's phone and hours are shown on the "talk to a person" screen only when
    # an operator sets them: no number is built in, because none could be confirmed (see README).
    call_centre_phone: str = ""
    call_centre_hours: str = ""
    call_centre_checked: str = ""

    # The staff console (README "Call-centre console") and chats with operators.
    staff_console: bool = True  # serve /staff/ on the HTTP server
    # When operators answer chats: on Kazakhstan's working days, in Kazakhstan's time, or
    # "always". Outside them a citizen can leave a message for when the centre opens.
    handoff_hours: str = "09:00-18:00"
    enrolment_days: int = Field(default=14, ge=1, le=90)  # how long a caller's code is valid
    # How long a citizen's invitation for a relative (copies of reminders) can be opened.
    relative_code_hours: float = Field(default=72, gt=0, le=720)
    staff_session_hours: float = Field(default=8, gt=0)  # a console login lasts a work day
    staff_cookie_secure: bool = False  # True behind https (nginx): the cookie goes only there
    staff_login_attempts: int = Field(default=5, ge=1)  # wrong passwords before a pause
    staff_login_window_minutes: float = Field(default=15, gt=0)
    # Shown to an operator enrolling a caller, to make links: the bot's @username (without @)
    # and the WhatsApp number people write to (digits, with the country code).
    telegram_bot_username: str = ""
    whatsapp_public_number: str = ""

    # Keys that encrypt personal fields at rest (README "Keys"): Fernet keys, newest first,
    # separated by commas. Empty: stored unencrypted, with a warning at start.
    data_keys: str = ""

    # Pathways, sources, drafts, contacts: a lawyer may check an edited copy with
    # `CONTENT_DIR=/path/to/copy python -m bot content check` before it goes live.
    content_dir: Path = CONTENT_DIR

    # More messages than this from one person in a minute: one "slow down", then silence
    # (0: no limit, for the content check's walk and for tests of other things).
    flood_messages_per_minute: int = Field(default=40, ge=0)

    # People who did not consent are remembered only in memory; this caps how many at once.
    memory_state_limit: int = Field(default=50_000, ge=100)
    # Stored people whose place is also kept in memory between their events, so an event costs
    # no database read (README "Performance"); the least recent are dropped first. 0: none.
    place_cache_people: int = Field(default=10_000, ge=0)
    # The trained classifier is kept here, named by a hash of its examples, so a restart with
    # the same content need not train it again. Empty: trained at every start.
    classifier_cache_dir: str = str(PROJECT_ROOT / "data" / "cache")

    # Several instances (README "Deploying"): Redis holds what they must share and nothing
    # lasting: conversation locks, flood counts, webhook ids seen, the send pace, and where
    # people who have not consented are (for PRE_CONSENT_HOURS). Empty: one instance, in memory.
    redis_url: str = ""  # redis://host:6379/0
    redis_prefix: str = "adilet"  # keys start with this, so one Redis can serve several bots
    pre_consent_hours: float = Field(default=24, gt=0)
    # nginx's addresses, whose X-Real-IP header is believed (the console's login throttling
    # counts by address). Loopback when nginx runs on the same machine as the instance.
    trusted_proxies: str = "127.0.0.1,::1"

    # Hearing reminders (see README "Hearing reminders").
    reminders_enabled: bool = True  # False: this instance answers chats but sends no reminders
    reminder_poll_seconds: float = Field(default=15, gt=0)
    reminder_batch_size: int = Field(default=100, ge=1, le=10_000)
    reminder_concurrency: int = Field(default=16, ge=1, le=256)
    reminder_rate_per_second: float = Field(default=30, gt=0)  # Telegram: about 30 overall
    reminder_chat_interval_seconds: float = Field(default=1.0, ge=0)  # and 1 a second per chat
    reminder_lease_seconds: int = Field(default=300, ge=1)
    reminder_backoff_seconds: float = Field(default=1.0, gt=0)
    reminder_quiet_hours: str = "22:00-08:00"  # Kazakhstan time; "off" for none
    hearing_keep_days: int = Field(default=30, ge=1)  # past hearings are deleted after this
    handoff_keep_days: int = Field(default=90, ge=1)  # closed chats with operators
    inactive_user_days: int = Field(default=365, ge=30)  # nobody wrote, no hearing to come
    instance_name: str = ""  # who claimed a reminder; defaults to host and process id

    # Screens read aloud (README "Listening to screens"): espeak-ng and opusenc or ffmpeg.
    speech_enabled: bool = True  # False: "🔊 Listen" says listening is not available
    speech_cache_dir: Path = PROJECT_ROOT / "data" / "voice"  # shared by instances on one disk
    speech_cache_mb: float = Field(default=200, gt=0)  # oldest voices go beyond this
    speech_words_per_minute: int = Field(default=150, ge=80, le=450)  # espeak-ng's -s

    @field_validator("telegram_api_base", "whatsapp_api_base", "sms_api_base")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("reminder_quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        from bot.services.hearings.timing import QuietHours

        try:
            QuietHours.parse(value)
        except ValueError:
            raise ValueError("use HH:MM-HH:MM (e.g. 22:00-08:00) or off") from None
        return value

    @field_validator("handoff_hours")
    @classmethod
    def _working_hours(cls, value: str) -> str:
        from bot.services.handoffs import WorkingHours

        try:
            WorkingHours.parse(value)
        except ValueError:
            raise ValueError("use HH:MM-HH:MM (e.g. 09:00-18:00) or always") from None
        return value

    @field_validator("data_keys")
    @classmethod
    def _fernet_keys(cls, value: str) -> str:
        from bot.storage.sealing import valid_key

        keys = [key.strip() for key in value.split(",") if key.strip()]
        if not all(valid_key(key) for key in keys):
            raise ValueError("each key must be a Fernet key: make one with "
                             "python -m bot keys new")
        return ",".join(keys)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return value

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in ("kk", "ru"):
            raise ValueError("must be kk or ru")
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+asyncpg://" + value.split("://", 1)[1]
        if value.startswith("sqlite://") and not value.startswith("sqlite+aiosqlite://"):
            return "sqlite+aiosqlite://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///path or postgresql+asyncpg://user@host/db")
        return value

    @model_validator(mode="after")
    def _webhook_needs_url_and_secret(self) -> Settings:
        if self.telegram_bot_token and self.telegram_mode is TelegramMode.webhook:
            missing = [
                name
                for name, value in (
                    ("TELEGRAM_WEBHOOK_URL", self.telegram_webhook_url),
                    ("TELEGRAM_WEBHOOK_SECRET", self.telegram_webhook_secret),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"TELEGRAM_MODE=webhook needs {' and '.join(missing)}")
            if not self.telegram_webhook_url.startswith("https://"):
                raise ValueError("TELEGRAM_WEBHOOK_URL must be an https:// address")
        return self

    @model_validator(mode="after")
    def _whatsapp_all_or_nothing(self) -> Settings:
        given = {name: value for name, value in self._whatsapp_credentials().items() if value}
        if given and len(given) < 4:
            missing = [name for name in self._whatsapp_credentials() if name not in given]
            raise ValueError(f"WhatsApp needs all four settings; missing {' and '.join(missing)}")
        return self

    @model_validator(mode="after")
    def _sms_complete(self) -> Settings:
        if not self.sms_provider:
            return self
        if self.sms_provider != "mobizon":
            raise ValueError("SMS_PROVIDER must be mobizon (or empty for no SMS)")
        missing = [name for name, value in (("SMS_API_KEY", self.sms_api_key),
                                            ("SMS_INBOUND_SECRET", self.sms_inbound_secret))
                   if not value]
        if missing:
            raise ValueError(f"SMS_PROVIDER=mobizon needs {' and '.join(missing)}")
        return self

    @property
    def sms_enabled(self) -> bool:
        return bool(self.sms_provider and self.sms_api_key and self.sms_inbound_secret)

    def _whatsapp_credentials(self) -> dict[str, str]:
        return {"WHATSAPP_TOKEN": self.whatsapp_token,
                "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp_phone_number_id,
                "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
                "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token}

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def whatsapp_enabled(self) -> bool:
        return all(self._whatsapp_credentials().values())

    @property
    def serves_local_chat(self) -> bool:
        if self.local_chat is LocalChatMode.auto:
            return not (self.telegram_enabled or self.whatsapp_enabled)
        return self.local_chat is LocalChatMode.on

    @property
    def data_key_list(self) -> list[str]:
        return [key for key in self.data_keys.split(",") if key]

    @property
    def trusted_proxy_set(self) -> frozenset[str]:
        return frozenset(address.strip() for address in self.trusted_proxies.split(",")
                         if address.strip())

    @property
    def shared(self) -> bool:
        """Several instances coordinate through Redis."""
        return bool(self.redis_url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


class ConfigError(SystemExit):
    """Raised at start when the environment is wrong; the message names each bad variable."""


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = ["The bot's configuration is not valid:"]
        for problem in error.errors():
            where = "_".join(str(part) for part in problem["loc"]).upper() or "configuration"
            lines.append(f"  {where}: {problem['msg']}")
        lines.append("See the configuration table in README.md.")
        raise ConfigError("\n".join(lines)) from None
