"""Settings: the one place that reads the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    secret_key: SecretStr = SecretStr("dev-insecure-change-me")
    public_url: str = "http://127.0.0.1:8000"

    default_reminder_offsets: list[int] = Field(default_factory=lambda: [60, 15])
    default_max_players: int = 10
    default_duration_minutes: int = 120

    check_notifications_interval: float = 60.0
    notification_lookahead: float = 120.0
    update_status_interval: float = 15.0
    relay_outbox_interval: float = 5.0

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once per process; tests call ``get_settings.cache_clear()``."""
    return Settings()
