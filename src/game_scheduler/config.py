"""Settings: the one place that reads the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-change-me"  # noqa: S105 - public on purpose; refused in production
SECRET_KEY_MIN_LENGTH = 32


class Settings(BaseSettings):
    """Every setting comes from an environment variable of the same name (upper case)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    database_url: str = "sqlite:///game_scheduler.db"
    rabbitmq_url: str = "amqp://guest:guest@127.0.0.1:5672/"

    discord_token: SecretStr | None = None
    discord_client_id: str | None = None
    discord_client_secret: SecretStr | None = None
    discord_api_base: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg"
    discord_oauth_url: str = "https://discord.com/oauth2/authorize"

    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    public_url: str = "http://127.0.0.1:8000"

    default_reminder_offsets: list[int] = Field(default_factory=lambda: [60, 15])
    default_max_players: int = 10
    default_duration_minutes: int = 120

    # Quorum (issue 16): no deadline unless a game, channel or server sets one.
    default_quorum_deadline_minutes: int | None = None
    default_quorum_action: Literal["cancel", "ask_host"] = "ask_host"
    default_quorum_nudge_minutes: int = 360
    quorum_check_interval: float = 1.0

    dispatch_interval: float = 1.0
    check_notifications_interval: float = 60.0
    notification_lookahead: float = 120.0
    update_status_interval: float = 15.0
    relay_outbox_interval: float = 5.0
    retention_days: float = 30.0
    retention_interval: float = 3600.0
    # How often series occurrences are materialised ahead (the window is 2 games or 14 days).
    series_interval: float = 300.0

    # Where ``game-scheduler beat`` keeps its schedule state; by default under the XDG state
    # directory ($XDG_STATE_HOME, else ~/.local/state), never the working directory.
    beat_schedule_path: Path | None = None
    xdg_state_home: Path | None = None

    # The bot's event consumer: concurrent handlers (also the prefetch), kept below the pool.
    bot_concurrency: int = 8
    # Delays (seconds) of the retry queues a failed event waits in, one step per attempt.
    bot_retry_delays: list[float] = Field(default_factory=lambda: [1.0, 5.0, 30.0, 120.0, 300.0])
    # Deterministic handler failures retried before an event goes to the dead-letter queue.
    bot_max_failures: int = 5
    # How long a claim on an event protects it before another consumer may take it over.
    claim_lease_seconds: float = 120.0
    # The async and sync engines' connection pools (PostgreSQL).
    db_pool_size: int = 5
    db_max_overflow: int = 10

    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    bot_metrics_port: int | None = None
    worker_metrics_port: int | None = None
    metrics_host: str = "0.0.0.0"  # noqa: S104 (scraped from another host; firewall it)
    heartbeat_interval: float = 15.0

    signup_changes_per_minute: int = 5
    login_attempts_per_minute: int = 20
    removal_dm_grace_minutes: int = 10
    # Seat offers (issue 16): defaults where neither game, channel nor server sets them.
    seat_mode: Literal["offer", "instant"] = "instant"
    offer_window_minutes: int = 30
    reconfirm_window_minutes: int = 720
    reconfirm_frees_seat: bool = False
    offer_expiry_interval: float = 1.0
    max_body_bytes: int = 1024 * 1024
    api_docs: bool = False
    discord_members_intent: bool = False

    def beat_schedule_file(self) -> Path:
        """BEAT_SCHEDULE_PATH, else $XDG_STATE_HOME/game-scheduler/celerybeat-schedule."""
        if self.beat_schedule_path is not None:
            return self.beat_schedule_path
        state = self.xdg_state_home or Path.home() / ".local" / "state"
        return state / "game-scheduler" / "celerybeat-schedule"


def secret_key_problem(settings: Settings) -> str | None:
    """Why SECRET_KEY is unsafe for a public (https) or PostgreSQL deployment; None when fine."""
    public = settings.public_url.lower().startswith("https://")
    shared = settings.database_url.lower().startswith("postgresql")
    key = settings.secret_key.get_secret_value()
    if not (public or shared) or (key != DEFAULT_SECRET_KEY and len(key) >= SECRET_KEY_MIN_LENGTH):
        return None
    where = "PUBLIC_URL is https" if public else "DATABASE_URL is PostgreSQL"
    return (
        f"SECRET_KEY must be a random value of at least {SECRET_KEY_MIN_LENGTH} characters"
        f" when {where} (it encrypts stored Discord tokens); generate one with:"
        " python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; tests call ``get_settings.cache_clear()``."""
    return Settings()
