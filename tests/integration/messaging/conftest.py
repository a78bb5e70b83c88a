"""The bot's fixtures (a fake Discord, settings pointing at it) for end-to-end consumer tests."""

from tests.integration.bot.conftest import fake_discord, point_bot_at

__all__ = ["fake_discord", "point_bot_at"]
