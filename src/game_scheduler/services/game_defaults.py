"""What a new game starts from, so nobody retypes it: a server template or another game.

``game_fields_from_template`` and ``game_fields_from_game`` give the form defaults every
entrypoint (web form, API, ``/game create``) starts from; ``duplicate_game`` and
``create_from_template`` post from them at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from game_scheduler.domain.history import duplicate_start
from game_scheduler.domain.permissions import Actor
from game_scheduler.errors import ValidationError
from game_scheduler.models import Game, GameTemplate, utcnow
from game_scheduler.services import games
from game_scheduler.services.loading import load_game
from game_scheduler.services.templates import get_template


@dataclass(frozen=True)
class GameDefaults:
    """What a new game's form starts with; ``scheduled_at`` None leaves the time to the host."""

    title: str
    description: str = ""
    location: str = ""
    signup_instructions: str = ""
    channel_discord_id: int | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int | None = None
    max_players: int | None = None
    min_players: int = 1
    reminder_offsets: list[int] | None = None
    ping_role_id: int | None = None
    # A game's own rules (None: inherited); a duplicate keeps them, templates have none.
    quorum_deadline_minutes: int | None = None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    remind_maybe: bool | None = None

    def draft(self, channel_discord_id: int, scheduled_at: datetime) -> games.GameDraft:
        """The game to post from these defaults, in that channel at that time."""
        return games.GameDraft(
            channel_discord_id=channel_discord_id,
            title=self.title,
            scheduled_at=scheduled_at,
            description=self.description,
            location=self.location,
            signup_instructions=self.signup_instructions,
            duration_minutes=self.duration_minutes,
            max_players=self.max_players,
            min_players=self.min_players,
            reminder_offsets=self.reminder_offsets,
            quorum_deadline_minutes=self.quorum_deadline_minutes,
            seat_mode=self.seat_mode,
            offer_window_minutes=self.offer_window_minutes,
            reconfirm_frees_seat=self.reconfirm_frees_seat,
            remind_maybe=self.remind_maybe,
        )


def defaults_of_template(template: GameTemplate) -> GameDefaults:
    """A template's fields as form defaults (its channel loaded)."""
    return GameDefaults(
        title=template.title,
        description=template.description,
        location=template.location,
        channel_discord_id=None if template.channel is None else template.channel.discord_id,
        duration_minutes=template.duration_minutes,
        max_players=template.max_players,
        min_players=template.min_players,
        reminder_offsets=template.reminder_offsets,
        ping_role_id=template.ping_role_id,
    )


async def game_fields_from_template(
    db: AsyncSession, actor: Actor, guild_discord_id: int, template_id: int
) -> GameDefaults:
    """The form defaults of a server template, for the web form, the API and ``/game create``."""
    return defaults_of_template(await get_template(db, actor, guild_discord_id, template_id))


def defaults_of_game(game: Game, now: datetime) -> GameDefaults:
    """A game's fields as form defaults, starting a week later (the first such week ahead)."""
    return GameDefaults(
        title=game.title,
        description=game.description,
        location=game.location,
        signup_instructions=game.signup_instructions,
        channel_discord_id=game.channel.discord_id,
        scheduled_at=duplicate_start(game.scheduled_at, now),
        duration_minutes=game.duration_minutes,
        max_players=game.max_players,
        min_players=game.min_players,
        reminder_offsets=game.reminder_offsets,
        quorum_deadline_minutes=game.quorum_deadline_minutes,
        seat_mode=game.seat_mode,
        offer_window_minutes=game.offer_window_minutes,
        reconfirm_frees_seat=game.reconfirm_frees_seat,
        remind_maybe=game.remind_maybe,
    )


async def game_fields_from_game(db: AsyncSession, actor: Actor, game_id: int) -> GameDefaults:
    """The form defaults to duplicate any game the actor can see (also cancelled or past ones)."""
    return defaults_of_game(await load_game(db, game_id, actor), utcnow())


async def duplicate_game(
    db: AsyncSession, actor: Actor, game_id: int, scheduled_at: datetime | None = None
) -> Game:
    """Post a copy of a game (without its players) at ``scheduled_at``, else a week on."""
    game = await load_game(db, game_id, actor)
    defaults = defaults_of_game(game, utcnow())
    start = scheduled_at or duplicate_start(game.scheduled_at, utcnow())
    draft = defaults.draft(game.channel.discord_id, start)
    return await games.create_game(db, actor, draft)


async def create_from_template(
    db: AsyncSession,
    actor: Actor,
    guild_discord_id: int,
    template_id: int,
    scheduled_at: datetime,
    channel_discord_id: int | None = None,
) -> Game:
    """Post a game with a template's fields; the channel given wins over the template's."""
    defaults = await game_fields_from_template(db, actor, guild_discord_id, template_id)
    channel = channel_discord_id or defaults.channel_discord_id
    if channel is None:
        raise ValidationError("this template names no channel; choose one", "channel_id")
    return await games.create_game(db, actor, defaults.draft(channel, scheduled_at))


def with_start(defaults: GameDefaults, scheduled_at: datetime | None) -> GameDefaults:
    """The same defaults at another time."""
    return replace(defaults, scheduled_at=scheduled_at)
