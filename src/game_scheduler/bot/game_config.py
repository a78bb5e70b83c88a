"""/game-config: show or change a server's or channel's settings through ``services.settings``.

Every option is checked by the same domain rules the service runs, before anything is saved,
so one reply names every bad option; the service then checks them again (and the ping role).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import discord
from discord import app_commands

from game_scheduler.bot import command_text as text
from game_scheduler.bot.interactions import actor_from, reply
from game_scheduler.bot.zone_commands import zone_choices
from game_scheduler.database import get_db_session
from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.offers import check_seat_setting
from game_scheduler.domain.permissions import Actor
from game_scheduler.domain.pings import NO_PING
from game_scheduler.domain.quorum import QuorumAction, validate_deadline
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.domain.zones import check_zone
from game_scheduler.errors import GameSchedulerError, Problem
from game_scheduler.services import settings

Interaction = discord.Interaction[Any]
YES_NO = {"true": True, "false": False}
ON_OFF = {"on": True, "off": False}
# The services' field names as the options name them.
OPTION_OF = {
    "reminder_offsets": "reminders",
    "default_max_players": "max_players",
    "host_role_ids": "host_roles",
    "offer_window_minutes": "offer_window",
    "quorum_deadline_minutes": "quorum_deadline",
    "ping_role_id": "ping_role",
}


@dataclass(frozen=True)
class ConfigOptions:
    """The /game-config options as given (None: not given, left as it is)."""

    reminders: str | None = None
    max_players: int | None = None
    host_roles: str | None = None
    timezone: str | None = None
    remind_maybe: str | None = None
    ping_role: int | None = None
    ping_clear: str | None = None
    threads: str | None = None
    seat_mode: str | None = None
    offer_window: str | None = None
    quorum_deadline: str | None = None
    quorum_action: str | None = None

    def any_given(self) -> bool:
        return any(value is not None for value in asdict(self).values())


class ConfigProblems(GameSchedulerError):
    """Several bad options, one line each; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        lines = [f"• {OPTION_OF.get(f or '', f)}: {m}" if f else f"• {m}" for f, m in problems]
        super().__init__("\n".join(["Nothing was saved:", *lines]))


def _inherit(word: str) -> str | None:
    """None for "default", else the word."""
    return None if word == "default" else word


def _defaults(options: ConfigOptions, checks: Checks) -> dict[str, object]:
    """The server/channel defaults given, in the services' names, each checked by its rule."""
    given: dict[str, object] = {}
    if options.reminders is not None:
        offsets = checks.run(text.parse_offsets, options.reminders)
        if offsets is not None:
            offsets = checks.run(validate_offsets, offsets)
        given["reminder_offsets"] = offsets
    if options.max_players is not None:
        cap = options.max_players or None
        given["default_max_players"] = cap and checks.run(rules.check_max_players, cap)
    if options.remind_maybe is not None:
        given["remind_maybe"] = YES_NO.get(options.remind_maybe)
    if options.seat_mode is not None:
        mode = _inherit(options.seat_mode)
        given["seat_mode"] = checks.run(check_seat_setting, "seat_mode", mode)
    if options.offer_window is not None:
        window = checks.run(text.parse_minutes, options.offer_window, "offer_window_minutes")
        given["offer_window_minutes"] = checks.run(
            check_seat_setting, "offer_window_minutes", window
        )
    if options.quorum_deadline is not None:
        deadline = checks.run(
            text.parse_minutes, options.quorum_deadline, "quorum_deadline_minutes", none=0
        )
        given["quorum_deadline_minutes"] = (
            None if deadline is None else checks.run(validate_deadline, deadline)
        )
    if options.quorum_action is not None:
        action = _inherit(options.quorum_action)
        given["quorum_action"] = None if action is None else QuorumAction(action)
    return given


def _pings(options: ConfigOptions, checks: Checks) -> dict[str, object]:
    """The ping role and threads given; "none" stops the ping, "default" inherits it."""
    given: dict[str, object] = {}
    if options.ping_role is not None and options.ping_clear is not None:
        checks.problems.append(("ping_role", "give ping_role or ping_clear, not both"))
    elif options.ping_role is not None:
        given["ping_role_id"] = options.ping_role
    elif options.ping_clear is not None:
        given["ping_role_id"] = NO_PING if options.ping_clear == "none" else None
    if options.threads is not None:
        given["game_threads"] = ON_OFF.get(options.threads)
    return given


def checked_changes(options: ConfigOptions) -> tuple[dict[str, object], str | None]:
    """Every change in the services' names and the server zone to set ("" clears it).

    Raises one error naming every bad option.
    """
    checks = Checks()
    given = _defaults(options, checks)
    given.update(_pings(options, checks))
    if options.host_roles is not None:
        given["host_role_ids"] = checks.run(text.parse_roles, options.host_roles)
    zone = None
    if options.timezone is not None:
        word = options.timezone.strip().lower()
        zone = "" if word in text.INHERIT_WORDS else checks.run(check_zone, options.timezone)
    if len(checks.problems) > 1:
        raise ConfigProblems(checks.problems)
    checks.raise_any()
    return given, zone


async def config_text(
    actor: Actor, guild_id: int, channel_id: int | None, options: ConfigOptions
) -> str:
    """Show the settings, or change the ones given and show the result."""
    if options.any_given():
        settings.check_configure(actor, guild_id)
        given, zone = checked_changes(options)
        if zone is not None:  # the server's zone, whichever scope is shown
            async with get_db_session() as session:
                changes = settings.GuildSettingsChanges(timezone=zone or None)
                await settings.update_guild_settings(session, actor, guild_id, changes)
        if given:
            await _save_settings(actor, guild_id, channel_id, given)
    async with get_db_session() as session:
        scope = await settings.read_scope(session, actor, guild_id, channel_id)
        view = await settings.get_guild(session, actor, guild_id)
        channel = None if channel_id is None else settings.find_channel(view.channels, channel_id)
        shown = "\n".join(
            [text.settings_text(scope), *text.more_settings_lines(view.guild, channel)]
        )
    return "Saved.\n" + shown if options.any_given() else shown


async def _save_settings(
    actor: Actor, guild_id: int, channel_id: int | None, given: dict[str, object]
) -> None:
    """The same update the dashboard and API make, so inheriting games' reminders follow."""
    async with get_db_session() as session:
        if channel_id is None:
            changes = settings.GuildSettingsChanges.model_validate(given)
            await settings.update_guild_settings(session, actor, guild_id, changes)
        else:
            overrides = settings.ChannelSettingsChanges.model_validate(given)
            await settings.update_channel_settings(session, actor, guild_id, channel_id, overrides)


@app_commands.command(name="game-config", description="Show or change game settings")
@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
@app_commands.describe(
    scope="Settings of this channel or of the whole server",
    reminders='Minutes before the start, e.g. "60, 15"; "none"; or "default" to inherit',
    max_players="Player cap for new games; 0 to inherit",
    host_roles='Roles that may host, e.g. "@Host @GM"; "anyone"; or "default" to inherit',
    timezone='The server\'s time zone, e.g. Europe/Berlin; "default" for UTC',
    remind_maybe='Whether players who answered "maybe" get reminders too',
    ping_role="The role mentioned when a game is posted",
    ping_clear='"none": mention no role here; "default": follow the server',
    threads="A thread for each game",
    seat_mode="A freed seat: offered to the next player with a claim window, or given at once",
    offer_window='Minutes a player has to claim an offered seat; "default" to inherit',
    quorum_deadline='Minutes before the start when the minimum must be met; "none"; "default"',
    quorum_action="At the deadline, if short of players: cancel, or ask the host",
)
@app_commands.autocomplete(timezone=zone_choices)
async def game_config_command(
    interaction: Interaction,
    scope: Literal["channel", "server"] = "channel",
    reminders: str | None = None,
    max_players: app_commands.Range[int, 0, 1000] | None = None,
    host_roles: str | None = None,
    timezone: app_commands.Range[str, 1, 64] | None = None,
    remind_maybe: Literal["true", "false", "default"] | None = None,
    ping_role: discord.Role | None = None,
    ping_clear: Literal["none", "default"] | None = None,
    threads: Literal["on", "off", "default"] | None = None,
    seat_mode: Literal["offer", "instant", "default"] | None = None,
    offer_window: app_commands.Range[str, 1, 20] | None = None,
    quorum_deadline: app_commands.Range[str, 1, 20] | None = None,
    quorum_action: Literal["cancel", "ask_host", "default"] | None = None,
) -> None:
    assert interaction.guild_id is not None
    channel_id = interaction.channel_id if scope == "channel" else None
    options = ConfigOptions(
        reminders=reminders,
        max_players=max_players,
        host_roles=host_roles,
        timezone=timezone,
        remind_maybe=remind_maybe,
        ping_role=None if ping_role is None else ping_role.id,
        ping_clear=ping_clear,
        threads=threads,
        seat_mode=seat_mode,
        offer_window=offer_window,
        quorum_deadline=quorum_deadline,
        quorum_action=quorum_action,
    )
    work = config_text(actor_from(interaction), interaction.guild_id, channel_id, options)
    await reply(interaction, work)
