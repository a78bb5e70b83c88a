"""Feed the bot the events the services wrote, as the consumer would, and read what it did."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind, Envelope, EventType, SendDm, make_event
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import DmDelivery, Game, GameStatus, OutboxEvent
from game_scheduler.services import signups
from game_scheduler.services.game_events import stage_game_event
from game_scheduler.services.loading import load_game
from tests.support.factories import CHANNEL_ID, GUILD_ID, member, player_id


async def outbox(event_type: EventType | None = None) -> list[Envelope]:
    """Every event the services staged, oldest first (optionally of one type)."""
    stmt = select(OutboxEvent.payload).order_by(OutboxEvent.id)
    if event_type is not None:
        stmt = stmt.where(OutboxEvent.event_type == event_type.value)
    async with get_db_session() as session:
        return [Envelope.model_validate(p) for p in (await session.scalars(stmt)).all()]


async def deliver_all(bot: DiscordBot, *, together: bool = False) -> None:
    """Handle every staged event once, one after another or all at the same time.

    Returns once the announcements have caught up with what the events asked for.
    """
    handlers = bot.handlers.mapping()
    envelopes = await outbox()
    if together:
        await asyncio.gather(*(handle_once(e, handlers) for e in envelopes))
    else:
        for envelope in envelopes:
            await handle_once(envelope, handlers)
    await asyncio.wait_for(bot.handlers.keeper.wait_idle(), 30)


async def stored_game(game_id: int) -> Game:
    async with get_db_session() as session:
        game = await session.get(Game, game_id)
        assert game is not None
        return game


async def deliveries() -> list[DmDelivery]:
    async with get_db_session() as session:
        return list((await session.scalars(select(DmDelivery).order_by(DmDelivery.id))).all())


def embed_of(message: dict[str, Any]) -> dict[str, Any]:
    [embed] = message["embeds"]
    return embed


def field(message: dict[str, Any], prefix: str) -> tuple[str, str]:
    """The (name, value) of the embed field whose name starts with ``prefix``."""
    found = [f for f in embed_of(message)["fields"] if f["name"].startswith(prefix)]
    assert found, f"no field {prefix!r} in {embed_of(message)['fields']}"
    return found[0]["name"], found[0]["value"]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer buttons (those with a custom id), not the link buttons."""
    return [c for row in message["components"] for c in row["components"] if "custom_id" in c]


def link_buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """The (label, url) of each link button."""
    return [
        (c["label"], c["url"])
        for row in message["components"]
        for c in row["components"]
        if "url" in c
    ]


async def move_game(game_id: int, status: GameStatus, event_type: EventType) -> None:
    """Change a game's status and stage its event, as the scheduler does."""
    async with get_db_session() as session:
        game = await load_game(session, game_id)
        game.status = status
        stage_game_event(session, event_type, game)
        await session.commit()


def dm_event(game: Game, recipient: int, kind: DmKind = DmKind.REMINDER) -> Envelope:
    """A ``notification.send_dm`` about ``game``, as the services or the scheduler stage it."""
    return make_event(
        EventType.SEND_DM,
        SendDm(
            recipient_discord_id=str(recipient),
            kind=kind,
            game_id=game.id,
            title=game.title,
            starts_at=int(game.scheduled_at.timestamp()),
            offset_minutes=60 if kind is DmKind.REMINDER else None,
            guild_discord_id=str(GUILD_ID),
            channel_discord_id=str(CHANNEL_ID),
        ),
    )


async def seated_player(game: Game) -> int:
    """A new player who joins ``game`` (and holds a seat if one is free)."""
    player = player_id()
    async with get_db_session() as session:
        await signups.join_game(session, member(player, game.guild.discord_id), game.id)
    return player
