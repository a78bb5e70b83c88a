"""``game-scheduler invite-url``: the link that adds the bot to a server with what it needs."""

from __future__ import annotations

import argparse
import re
import sys
from urllib.parse import urlencode

import discord

from game_scheduler.config import get_settings

# Exactly what the bot uses: it posts and edits announcements (with embeds) and mentions players
# who take no DMs; reading history lets it find its own announcement again; where the settings
# say so it opens a thread on each announcement, adds the players and posts there.
PERMISSIONS = discord.Permissions(
    send_messages=True,
    embed_links=True,
    read_message_history=True,
    create_public_threads=True,
    send_messages_in_threads=True,
)
SCOPES = ("bot", "applications.commands")


def invite_url(client_id: str, authorize_url: str) -> str:
    """Discord's authorize page for adding the bot with these permissions and scopes."""
    query = urlencode(
        {"client_id": client_id, "permissions": PERMISSIONS.value, "scope": " ".join(SCOPES)}
    )
    return f"{authorize_url}?{query}"


def main(command: str, argv: list[str]) -> int:
    """Print the invite URL, or say which setting is missing (exit 2)."""
    argparse.ArgumentParser(
        prog=f"game-scheduler {command}",
        description="Print the URL that invites the bot (DISCORD_CLIENT_ID) to a server.",
    ).parse_args(argv)
    settings = get_settings()
    client_id = (settings.discord_client_id or "").strip()
    if not client_id:
        print(
            "DISCORD_CLIENT_ID is not set: copy the Application ID from the Discord developer"
            " portal (see the README, Going live on Discord)",
            file=sys.stderr,
        )
        return 2
    if not re.fullmatch(r"\d{17,20}", client_id):
        print(f"DISCORD_CLIENT_ID is not an application id: {client_id!r}", file=sys.stderr)
        return 2
    print(invite_url(client_id, settings.discord_oauth_url))
    return 0
