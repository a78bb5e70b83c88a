"""Create, update and cancel games; each call is one transaction with its events and reminders."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from game_scheduler.database import get_db_session, lock_for_write
from game_scheduler.domain import games as rules
from game_scheduler.domain import notices as notices_for
from game_scheduler.domain import permissions, status
from game_scheduler.errors import NotAllowed, NotFound, StaleVersion, ValidationError
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.outbox import commit_and_publish
from game_scheduler.models import Channel, Game, GameStatus, Guild, utcnow
from game_scheduler.seats import lineups
from game_scheduler.seats import offers as seat_offers
from game_scheduler.services import game_events
from game_scheduler.services.game_checks import checked_changes, checked_draft
from game_scheduler.services.loading import check_can_manage, load_game
from game_scheduler.services.quorum_rules import reopen_after_move
from game_scheduler.services.registry import ensure_user
from game_scheduler.services.reminders import sync_reminders

ANNOUNCEMENT_ERROR_MAX = 500
CHANNEL_GONE = (
    "the bot can no longer see this channel (it was deleted or the bot lost access to it);"
    " choose another channel"
)


class GameDraft(BaseModel):
    """What a host fills in to post a game; unset caps and offsets are inherited."""

    model_config = ConfigDict(frozen=True)

    channel_discord_id: int
    title: str
    scheduled_at: datetime
    description: str = ""
    location: str = ""
    signup_instructions: str = ""
    duration_minutes: int | None = None
    max_players: int | None = None
    min_players: int = 1
    reminder_offsets: list[int] | None = None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    quorum_deadline_minutes: int | None = None  # None: inherited; 0: no deadline
    remind_maybe: bool | None = None  # None: the channel's, then the server's (default no)


class GameChanges(BaseModel):
    """A partial update: only the fields given are changed (``reminder_offsets=None`` inherits)."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    description: str | None = None
    location: str | None = None
    signup_instructions: str | None = None
    scheduled_at: datetime | None = None
    duration_minutes: int | None = None
    max_players: int | None = None
    min_players: int | None = None
    reminder_offsets: list[int] | None = None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    quorum_deadline_minutes: int | None = None
    remind_maybe: bool | None = None  # None (when given): inherit again


async def _load_channel(
    session: AsyncSession, actor: permissions.Actor, discord_id: int
) -> Channel:
    """The channel and its server, share-locked: their settings cannot change until we commit.

    A settings change waits for the new game, then re-derives its reminders; or the new game
    waits for the settings change and reads the new offsets. Never the old ones.
    """
    await lock_for_write(session)
    channel = (
        await session.execute(
            select(Channel)
            .where(Channel.discord_id == discord_id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if channel is None:
        raise NotFound(f"channel {discord_id} is not known to the bot")
    guild = (
        await session.execute(
            select(Guild)
            .where(Guild.id == channel.guild_id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    set_committed_value(channel, "guild", guild)
    if not permissions.can_see(actor, channel.guild.discord_id):
        raise NotFound(f"channel {discord_id} is not known to the bot")
    if not (channel.bot_present and channel.guild.bot_present):
        raise ValidationError(CHANNEL_GONE, "channel_discord_id")
    if not channel.enabled:
        raise ValidationError("games cannot be posted in this channel", "channel_discord_id")
    return channel


async def create_game(session: AsyncSession, actor: permissions.Actor, draft: GameDraft) -> Game:
    """Post a new game and schedule its reminders."""
    game = await stage_new_game(session, actor, draft)
    await commit_and_publish(session)
    return game


async def stage_new_game(session: AsyncSession, actor: permissions.Actor, draft: GameDraft) -> Game:
    """The new game, its reminders and game.created in the caller's transaction (uncommitted)."""
    now = utcnow()
    channel = await _load_channel(session, actor, draft.channel_discord_id)
    guild = channel.guild
    if not permissions.can_host(
        actor, guild.discord_id, guild.host_role_ids, channel.host_role_ids
    ):
        raise NotAllowed("you need a host role to post games in this channel")
    fields = checked_draft(draft, channel, now)
    host = await ensure_user(session, actor.discord_id, actor.username)
    game = Game(
        guild=guild,
        channel=channel,
        host=host,
        status=GameStatus.SCHEDULED,
        participants=[],
        **fields,
    )
    session.add(game)
    await session.flush()
    await sync_reminders(session, game, now)
    game_events.stage_game_event(session, EventType.GAME_CREATED, game)
    return game


async def update_game(
    session: AsyncSession,
    actor: permissions.Actor,
    game_id: int,
    changes: GameChanges,
    expected_version: int | None = None,
    *,
    reconfirm: bool = False,
) -> Game:
    """Change a game; a new time or new offsets move its reminders in the same transaction.

    ``reconfirm``: a new time asks the confirmed players to Keep or give up their seats.
    """
    now = utcnow()
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    if expected_version is not None and expected_version != game.version:
        raise StaleVersion("the game was changed by someone else; reload it and try again")
    if game.status in status.FINAL:
        raise ValidationError(f"a {game.status.value.lower()} game cannot be edited")
    accepted = checked_changes(game, changes, now)
    changed: list[str] = []

    def assign(field: str, value: object) -> None:
        if getattr(game, field) != value:
            setattr(game, field, value)
            changed.append(field)

    old_max = game.max_players
    for field, value in accepted.items():
        assign(field, value)

    if not changed:
        return game
    if {"scheduled_at", "reminder_offsets"} & set(changed) and game.status is GameStatus.SCHEDULED:
        # Settings read after the game lock: a settings change that held it is seen here.
        await session.refresh(game.channel)
        await session.refresh(game.guild)
        await sync_reminders(session, game, now)
    if {"scheduled_at", "quorum_deadline_minutes"} & set(changed):
        reopen_after_move(game, now)
    await session.flush()
    game_events.stage_game_updated(session, game, changed)
    line = lineups.going(game)
    notices = notices_for.after_cap_change(line, old_max, game.max_players)
    if "scheduled_at" in changed:
        told = (
            notices_for.after_reschedule_with_reconfirm
            if reconfirm
            else notices_for.after_reschedule
        )
        notices += told(line, game.max_players)
    await session.run_sync(seat_offers.stage_seat_notices, game, notices, now)
    await commit_and_publish(session)
    return game


async def record_announcement_failure(game_id: int, reason: str | None) -> None:
    """Note on the game why the bot could not post its announcement (None: it posted since).

    For the bot, when Discord refuses for good (channel deleted or hidden), in a short
    transaction of its own; the host sees the reason on the game's page. Bookkeeping: no
    version bump, no event.
    """
    async with get_db_session() as session:
        await session.execute(
            update(Game)
            .where(Game.id == game_id)
            .values(
                announcement_error=None if reason is None else reason[:ANNOUNCEMENT_ERROR_MAX],
                updated_at=Game.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
        await session.commit()


async def cancel_game(
    session: AsyncSession, actor: permissions.Actor, game_id: int, reason: str | None = None
) -> Game:
    """Cancel a game: reminders stop, every signed-up player is told (with the reason, if any)."""
    game = await load_game(session, game_id, actor, lock=True)
    check_can_manage(actor, game)
    cleaned = rules.clean_cancel_reason(reason)
    status.check_transition(game.status, GameStatus.CANCELLED)
    game.status = GameStatus.CANCELLED
    game.cancel_reason = cleaned
    await sync_reminders(session, game, utcnow())
    await session.flush()
    game_events.stage_game_event(session, EventType.GAME_CANCELLED, game)
    game_events.stage_notices(session, game, notices_for.after_cancel(lineups.answered(game)))
    await commit_and_publish(session)
    return game
