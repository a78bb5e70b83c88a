"""Liveness for load balancers: can this replica reach its database and its broker?"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from fastapi import APIRouter, Response
from sqlalchemy import text

from game_scheduler.api.schemas.accounts import HealthOut
from game_scheduler.config import get_settings
from game_scheduler.database import get_db_session

log = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

TIMEOUT = 2.0
AMQP_HEADER = b"AMQP\x00\x00\x09\x01"


async def database_reachable() -> bool:
    """Run ``SELECT 1``."""
    try:
        async with asyncio.timeout(TIMEOUT), get_db_session() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        log.warning("health: database unreachable", exc_info=True)
        return False
    return True


async def broker_reachable(url: str) -> bool:
    """Open an AMQP connection far enough to see the broker's greeting (no login needed)."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    writer = None
    try:
        async with asyncio.timeout(TIMEOUT):
            reader, writer = await asyncio.open_connection(
                host, port, ssl=parts.scheme == "amqps" or None
            )
            writer.write(AMQP_HEADER)
            await writer.drain()
            frame = await reader.read(1)
    except (OSError, TimeoutError):
        return False
    finally:
        if writer is not None:
            writer.close()
    # Frame type 1 is a method frame: the broker's Connection.Start.
    return frame == b"\x01"


@router.get(
    "/healthz",
    responses={503: {"model": HealthOut, "description": "The database is unreachable"}},
)
async def health(response: Response) -> HealthOut:
    """200 while the database answers; ``broker: false`` alone only delays events (the outbox)."""
    database, broker = await asyncio.gather(
        database_reachable(), broker_reachable(get_settings().rabbitmq_url)
    )
    body = HealthOut(
        status="ok" if database and broker else "degraded", database=database, broker=broker
    )
    if not database:
        response.status_code = 503
    return body
