"""The HTTP API (FastAPI): Discord login, games, signups, settings, calendars."""
