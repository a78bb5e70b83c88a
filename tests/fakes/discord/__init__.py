"""A fake Discord (REST v10 + gateway) served on 127.0.0.1 for the real discord.py client."""

from tests.fakes.discord.server import FakeDiscord, FakeInteraction
from tests.fakes.discord.state import APP_ID, BOT_ID, FakeDiscordState

__all__ = ["APP_ID", "BOT_ID", "FakeDiscord", "FakeDiscordState", "FakeInteraction"]
