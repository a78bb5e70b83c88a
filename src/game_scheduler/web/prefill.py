"""The new-game form filled from a template or from a game being duplicated."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.errors import NotFound
from game_scheduler.models import utcnow
from game_scheduler.services import game_defaults
from game_scheduler.services.auth.principal import Principal
from game_scheduler.services.game_defaults import GameDefaults
from game_scheduler.services.loading import load_game
from game_scheduler.web.forms import local_value, offsets_value
from game_scheduler.web.game_form import GameForm, setting_values


def form_of_defaults(defaults: GameDefaults, channel_ids: set[str], zone: str = "") -> GameForm:
    """A new game's form with these fields; a channel the viewer may not post in is left out.

    A start (a duplicate's) is in UTC until the browser's script localises it, as on edit;
    without one the form starts in ``zone`` (blank: the browser's).
    """
    channel = "" if defaults.channel_discord_id is None else str(defaults.channel_discord_id)
    preset = zone if defaults.scheduled_at is None else ""
    form = GameForm.blank(channel if channel in channel_ids else "", preset)
    values = form.values
    values.update(
        title=defaults.title,
        description=defaults.description,
        location=defaults.location,
        signup_instructions=defaults.signup_instructions,
        min_players=str(defaults.min_players),
        reminder_offsets=offsets_value(defaults.reminder_offsets),
        **setting_values(defaults),
    )
    if defaults.duration_minutes is not None:
        values["duration_minutes"] = str(defaults.duration_minutes)
    if defaults.max_players is not None:
        values["max_players"] = str(defaults.max_players)
    if defaults.scheduled_at is None:
        return form
    values.update(scheduled_at=local_value(defaults.scheduled_at), tz_offset="0")
    return GameForm(values, from_utc=True)


async def prefilled(
    db: AsyncSession,
    principal: Principal,
    guild_id: int,
    template: str,
    from_game: str,
    channel_ids: set[str],
    zone: str = "",
) -> GameForm | None:
    """The form from ``?template=<id>`` or ``?from=<game id>`` (a game of this server), if any."""
    actor = principal.actor
    if re.fullmatch(r"\d{1,18}", template):
        defaults = await game_defaults.game_fields_from_template(db, actor, guild_id, int(template))
        return form_of_defaults(defaults, channel_ids, zone)
    if re.fullmatch(r"\d{1,18}", from_game):
        game = await load_game(db, int(from_game), actor)
        if game.guild.discord_id != guild_id:
            raise NotFound(f"game {from_game} not found in this server")
        return form_of_defaults(game_defaults.defaults_of_game(game, utcnow()), channel_ids)
    return None
