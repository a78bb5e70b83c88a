"""What ``game-scheduler up`` prints once it serves: where it is, and what to do next."""

from __future__ import annotations

from game_scheduler.services.auth.demo import DEMO_USER_NAME


def start_banner(url: str, *, discord_bot: bool, discord_login: bool, demo: bool) -> str:
    """The lines a new user reads first; each names a next step they can take."""
    bot = "the Discord bot" if discord_bot else "the console bot (no DISCORD_TOKEN)"
    lines = [f"Game Scheduler is up at {url} with {bot}; Ctrl-C stops it."]
    if discord_login:
        lines.append(f"Next: open {url}signin and sign in with Discord.")
    else:
        lines.append(
            f"Next: open {url}signin and sign in as {DEMO_USER_NAME} (manages the demo server)"
            " or as a plain player."
        )
    if demo and not discord_bot:
        lines.append(
            f"The Bot console ({url}console) shows what the bot would post; the demo game's"
            " reminder DM appears there about a minute after start."
        )
    elif not demo:
        lines.append("Add --demo to seed a demo server with a few games to try.")
    if not discord_bot:
        lines.append('To talk to real Discord, see "Going live on Discord" in the README.')
    return "\n".join(lines)
