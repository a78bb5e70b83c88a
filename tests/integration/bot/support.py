"""Feed the bot the events the services wrote, as the consumer would, and read what it did."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import DmDelivery, Game, GameStatus, OutboxEvent
from game_scheduler.services.game_events import stage_game_event
from game_scheduler.services.loading import load_game


async def outbox(event_type: EventType | None = None) -> list[Envelope]:
    """Every event the services staged, oldest first (optionally of one type)."""
    stmt = select(OutboxEvent.payload).order_by(OutboxEvent.id)
    if event_type is not None:
        stmt = stmt.where(OutboxEvent.event_type == event_type.value)
    async with get_db_session() as session:
        return [Envelope.model_validate(p) for p in (await session.scalars(stmt)).all()]


async def deliver_all(bot: DiscordBot, *, together: bool = False) -> None:
    """Handle every staged event once, one after another or all at the same time."""
    handlers = bot.handlers.mapping()
    envelopes = await outbox()
    if together:
        await asyncio.gather(*(handle_once(e, handlers) for e in envelopes))
    else:
        for envelope in envelopes:
            await handle_once(envelope, handlers)


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
    return [c for row in message["components"] for c in row["components"]]


async def move_game(game_id: int, status: GameStatus, event_type: EventType) -> None:
    """Change a game's status and stage its event, as the scheduler does."""
    async with get_db_session() as session:
        game = await load_game(session, game_id)
        game.status = status
        stage_game_event(session, event_type, game)
        await session.commit()
