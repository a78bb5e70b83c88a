"""The app around the routes: health, OpenAPI, the publisher's lifetime, the command line."""

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import select

from game_scheduler import database
from game_scheduler.api.app import create_app
from game_scheduler.app import http as api_main
from game_scheduler.database import get_db_session
from game_scheduler.messaging import outbox
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import OutboxEvent
from tests.support.amqp import tap
from tests.support.api import client_for, open_session
from tests.support.factories import create_game, member, player_id, seed_channel


class RecordingPublisher:
    """Takes envelopes as a broker would; remembers whether it was connected and closed."""

    def __init__(self) -> None:
        self.published: list[Envelope] = []
        self.connected = False
        self.closed = False
        self.gate = asyncio.Event()  # closed by a test to hold publishing
        self.gate.set()
        self.called = asyncio.Event()

    async def connect(self) -> None:
        self.connected = True

    async def publish_many(self, envelopes: Sequence[Envelope]) -> None:
        assert self.connected
        assert not self.closed
        self.called.set()
        await self.gate.wait()
        self.published.extend(envelopes)

    async def close(self) -> None:
        self.closed = True


async def test_health_reports_database_and_broker(client, pg_db_url, configure):
    healthy = await client.get("/healthz")
    assert healthy.status_code == 200
    assert healthy.json() == {"status": "ok", "database": True, "broker": True}
    configure(rabbitmq_url="amqp://guest:guest@127.0.0.1:1/")
    degraded = await client.get("/healthz")
    assert degraded.status_code == 200
    assert degraded.json() == {"status": "degraded", "database": True, "broker": False}


async def test_health_is_503_without_database(client, configure):
    await database.dispose_engines()
    configure(database_url="postgresql://postgres@127.0.0.1:1/nowhere")
    try:
        response = await client.get("/healthz")
    finally:
        await database.dispose_engines()
    assert response.status_code == 503
    assert response.json()["database"] is False


async def test_openapi_is_served_and_docs_only_when_asked_for(client):
    schema = (await client.get("/openapi.json")).json()
    assert "/api/v1/games/{game_id}/join" in schema["paths"]
    assert "/calendar/{token}.ics" in schema["paths"]
    assert schema["components"]["securitySchemes"]["APIKeyCookie"]["name"] == "gs_session"
    assert (await client.get("/docs")).status_code == 404  # CDN scripts: only with API_DOCS=1


async def test_events_are_published_after_commit_while_the_app_runs(pg_db_url):
    publisher = RecordingPublisher()
    app = create_app(event_publisher=publisher)
    await seed_channel()
    game = await create_game()
    player = member(player_id())
    async with app.router.lifespan_context(app):
        assert publisher.connected
        async with client_for(app, await open_session(player)) as client:
            assert (await client.post(f"/api/v1/games/{game.id}/join")).status_code == 200
    assert publisher.closed
    assert outbox._async_publisher is None
    [joined] = publisher.published
    assert joined.event_type == "game.player_joined"
    assert joined.data["user_discord_id"] == str(player.discord_id)
    async with get_db_session() as db:
        row = (
            await db.execute(
                select(OutboxEvent).where(OutboxEvent.event_id == str(joined.event_id))
            )
        ).scalar_one()
    assert row.published_at is not None


async def test_a_write_answers_before_its_events_are_published_unless_told_otherwise(pg_db_url):
    await seed_channel()
    game = await create_game()
    cookie = await open_session(member(player_id()))
    for after_response in (True, False):
        publisher = RecordingPublisher()
        publisher.gate.clear()
        app = create_app(event_publisher=publisher, publish_after_response=after_response)
        async with app.router.lifespan_context(app), client_for(app, cookie) as client:
            path = f"/api/v1/games/{game.id}/{'join' if after_response else 'leave'}"
            request = asyncio.create_task(client.post(path))
            if after_response:  # answered with the broker still silent
                assert (await asyncio.wait_for(request, 120)).status_code == 200
            else:  # the publish is under way, and the write has not answered
                await publisher.called.wait()
                assert not request.done()
            publisher.gate.set()
            assert (await request).status_code == 200
        assert len(publisher.published) == 1


def test_command_line_arguments():
    args = api_main.build_parser("api").parse_args(
        ["--host", "0.0.0.0", "--port", "9000", "--workers", "4"]
    )
    assert (args.host, args.port, args.workers) == ("0.0.0.0", 9000, 4)
    with pytest.raises(SystemExit) as exit_info:
        api_main.main("api", ["--workers", "0"])
    assert exit_info.value.code == 2


async def test_production_app_publishes_to_rabbitmq(pg_db_url, rabbitmq_url, configure):
    configure(rabbitmq_url=rabbitmq_url)
    app = api_main.production_app()
    await seed_channel()
    game = await create_game()
    player = member(player_id())
    cookie = await open_session(player)
    with tap(rabbitmq_url, "game.#") as events:
        async with app.router.lifespan_context(app), client_for(app, cookie) as client:
            assert (await client.post(f"/api/v1/games/{game.id}/join")).status_code == 200
        [received] = events.drain()
    assert received.routing_key == "game.player_joined"
    envelope = Envelope.from_bytes(received.body)
    assert envelope.data["user_discord_id"] == str(player.discord_id)
    async with get_db_session() as db:
        row = (
            await db.execute(
                select(OutboxEvent).where(OutboxEvent.event_id == str(envelope.event_id))
            )
        ).scalar_one()
    assert row.published_at is not None
