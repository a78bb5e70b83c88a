"""The bot's /metrics and /healthz: lateness, DM outcomes, Discord requests, JSON log context."""

import asyncio
import io
import json
import logging
import time

import httpx
import pytest
from sqlalchemy import select

from game_scheduler.bot.instrumentation import instrument_handlers, route_template, start_monitoring
from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import DmKind, EventType, SendDm, make_event
from game_scheduler.messaging.handling import handle_once
from game_scheduler.models import ProcessHeartbeat
from game_scheduler.observability.logs import make_handler
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game
from tests.support.metrics import scrape, value

DM_ROUTE = "POST /channels/{id}/messages"
SEND_DM = EventType.SEND_DM.value


def _reminder(game, recipient: int, offset: int = 60):
    return make_event(
        EventType.SEND_DM,
        SendDm(
            recipient_discord_id=str(recipient),
            kind=DmKind.REMINDER,
            game_id=game.id,
            title=game.title,
            starts_at=int(game.scheduled_at.timestamp()),
            offset_minutes=offset,
            guild_discord_id=str(GUILD_ID),
            channel_discord_id=str(CHANNEL_ID),
        ),
    )


@pytest.fixture
def monitored(bot, configure):
    """The bot's metrics endpoint on a free port; its base URL."""
    monitoring = start_monitoring(bot, configure(bot_metrics_port="0"))
    assert monitoring.server is not None
    yield f"http://127.0.0.1:{monitoring.server.port}"
    monitoring.stop()


async def _scrape(base: str):
    return await asyncio.to_thread(scrape, base + "/metrics")


async def test_a_reminder_dm_raises_the_lateness_count_by_its_measured_lateness(
    bot, fake_discord, monitored
):
    game = await create_game(minutes_ahead=60)  # its 60-minute reminder is due now
    event = _reminder(game, HOST_ID)  # a DM is checked at the effect: send to one who gets it
    due = int(game.scheduled_at.timestamp()) - 3600
    before = await _scrape(monitored)

    started = time.time()
    assert await handle_once(event, instrument_handlers(bot.handlers.mapping()))
    finished = time.time()

    after = await _scrape(monitored)
    kind = {"kind": "reminder"}
    count = value(after, "reminder_lateness_seconds_count", **kind) - value(
        before, "reminder_lateness_seconds_count", **kind
    )
    lateness = value(after, "reminder_lateness_seconds_sum", **kind) - value(
        before, "reminder_lateness_seconds_sum", **kind
    )
    assert count == 1
    # Observed when Discord took the DM: between the handler's start and end.
    assert started - due <= lateness <= finished - due
    assert (
        value(after, "dm_delivery_total", outcome="sent")
        == value(before, "dm_delivery_total", outcome="sent") + 1
    )
    assert (
        value(after, "bot_events_handled_total", type=SEND_DM, outcome="ok")
        == value(before, "bot_events_handled_total", type=SEND_DM, outcome="ok") + 1
    )
    assert value(after, "bot_event_handling_seconds_count", type=SEND_DM) >= 1
    assert value(after, "discord_requests_total", route=DM_ROUTE, status="200") > value(
        before, "discord_requests_total", route=DM_ROUTE, status="200"
    )
    assert value(after, "bot_gateway_connected") == 1


async def test_a_429_from_discord_is_counted_and_the_event_fails(bot, fake_discord, monitored):
    game = await create_game()
    fake_discord.state.fail_next("POST", "/channels/*/messages", status=429, code=0)
    before = await _scrape(monitored)

    with pytest.raises(Exception):  # noqa: B017, PT011 (discord.py's HTTPException)
        await handle_once(_reminder(game, HOST_ID), instrument_handlers(bot.handlers.mapping()))

    after = await _scrape(monitored)
    assert (
        value(after, "discord_requests_total", route=DM_ROUTE, status="429")
        == value(before, "discord_requests_total", route=DM_ROUTE, status="429") + 1
    )
    assert (
        value(after, "bot_events_handled_total", type=SEND_DM, outcome="error")
        == value(before, "bot_events_handled_total", type=SEND_DM, outcome="error") + 1
    )
    assert (
        value(after, "dm_delivery_total", outcome="error")
        == value(before, "dm_delivery_total", outcome="error") + 1
    )


async def test_closed_dms_are_counted_and_json_logs_carry_the_event_id(
    bot, fake_discord, monitored, configure
):
    game = await create_game()
    recipient = HOST_ID
    fake_discord.state.closed_dms.add(recipient)
    event = _reminder(game, recipient)
    stream = io.StringIO()
    handler = make_handler(configure(log_format="json"), stream)
    logger = logging.getLogger("game_scheduler")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    before = await _scrape(monitored)
    try:
        await handle_once(event, instrument_handlers(bot.handlers.mapping()))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)

    after = await _scrape(monitored)
    for outcome in ("dm_closed", "fallback_sent"):
        assert (
            value(after, "dm_delivery_total", outcome=outcome)
            == value(before, "dm_delivery_total", outcome=outcome) + 1
        )
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    fallback = [line for line in lines if "channel_fallback" in line["message"]]
    assert fallback, lines
    assert fallback[0]["event_id"] == str(event.event_id)
    assert fallback[0]["game_id"] == str(game.id)
    assert fallback[0]["guild_id"] == str(GUILD_ID)


async def test_health_reports_the_gateway_and_a_heartbeat_is_recorded(bot, monitored):
    response = await asyncio.to_thread(httpx.get, monitored + "/healthz", timeout=30)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "gateway": True}

    async def beats() -> list[ProcessHeartbeat]:
        async with get_db_session() as session:
            rows = await session.scalars(
                select(ProcessHeartbeat).where(ProcessHeartbeat.kind == "bot")
            )
            return list(rows.all())

    found: list[ProcessHeartbeat] = []

    async def seen() -> bool:
        found[:] = await beats()
        return bool(found)

    deadline = time.monotonic() + 60  # a guard, not a measure: a loaded machine is slow
    while not await seen():
        assert time.monotonic() < deadline, "no heartbeat row within 60 s"
        await asyncio.sleep(0.05)

    await bot.client.close()
    response = await asyncio.to_thread(httpx.get, monitored + "/healthz", timeout=30)
    assert response.status_code == 503
    assert response.json()["gateway"] is False


def test_route_templates_hide_ids():
    assert route_template("POST", "/api/v10/channels/123456789012345678/messages") == DM_ROUTE
    assert route_template("GET", "/api/v10/users/@me") == "GET /users/@me"
