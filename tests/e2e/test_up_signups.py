"""``game-scheduler up`` on SQLite under simultaneous clicks: no 5xx, exact seats, right DMs.

Real sign-ins: the process signs users in through the fake Discord OAuth2 (the console bot
stays: no bot token), so 20 different players act at once over HTTP.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
from datetime import timedelta

import httpx
import pytest

from game_scheduler.models import utcnow
from game_scheduler.services.auth.demo import DEMO_CHANNEL_ID, DEMO_GUILD_ID
from tests.e2e.test_up import BIN, _free_port, _Output
from tests.fakes.discord_oauth import CLIENT_ID, CLIENT_SECRET, FakeDiscordOAuth
from tests.support.api import sign_in

pytestmark = pytest.mark.slow

PLAYERS = [600_000_000_000_100_001 + n for n in range(20)]
SEATS = 10


def _start(command: list[str], cwd: object, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()


async def _signed_in(base: str, fake: FakeDiscordOAuth, user_id: int) -> httpx.AsyncClient:
    # No keep-alive: signing 20 players in takes longer than the server keeps an idle connection
    # (uvicorn: 5 s), and a request sent as the server closes one is lost ("Server
    # disconnected without sending a response").
    client = httpx.AsyncClient(
        base_url=base, timeout=60, limits=httpx.Limits(max_keepalive_connections=0)
    )
    response = await sign_in(client, fake, user_id)
    assert response.status_code == 303, response.text
    return client


async def test_twenty_simultaneous_joins_then_five_leaves(tmp_path):
    fake = FakeDiscordOAuth()
    await fake.start()
    for user_id in PLAYERS:
        fake.add_user(user_id, f"player{user_id % 100}")
        fake.join(user_id, DEMO_GUILD_ID, "Demo Server")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env |= {
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        "DISCORD_CLIENT_ID": CLIENT_ID,
        "DISCORD_CLIENT_SECRET": CLIENT_SECRET,
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_OAUTH_URL": fake.authorize_url,
        "PUBLIC_URL": base,
    }
    process = _start([str(BIN), "up", "--demo", "--port", str(port)], tmp_path, env)
    output = _Output(process)
    clients: list[httpx.AsyncClient] = []
    try:
        await asyncio.to_thread(output.wait_for, rf"up at http://127\.0\.0\.1:{port}/", 60)
        clients = [await _signed_in(base, fake, user_id) for user_id in PLAYERS]
        starts = (utcnow() + timedelta(days=1)).isoformat()
        draft = {"channel_id": str(DEMO_CHANNEL_ID), "title": "Rush", "scheduled_at": starts}
        created = await clients[0].post("/api/v1/games", json=draft | {"max_players": SEATS})
        assert created.status_code == 201, created.text
        game_id = created.json()["id"]

        joins = await asyncio.gather(*(c.post(f"/api/v1/games/{game_id}/join") for c in clients))

        assert [r.status_code for r in joins] == [200] * len(clients), [r.text for r in joins]
        game = (await clients[0].get(f"/api/v1/games/{game_id}")).json()
        confirmed = [int(p["id"]) for p in game["confirmed"]]
        waitlist = [int(p["id"]) for p in game["waitlist"]]
        assert len(confirmed) == SEATS
        assert sorted(confirmed + waitlist) == sorted(PLAYERS)

        leaving = [clients[PLAYERS.index(user_id)] for user_id in confirmed[:5]]
        leaves = await asyncio.gather(*(c.post(f"/api/v1/games/{game_id}/leave") for c in leaving))

        assert [r.status_code for r in leaves] == [200] * 5, [r.text for r in leaves]
        promoted = set(waitlist[:5])
        for user_id in promoted:
            pattern = rf"\[console dm to user {user_id}\]\s*\n.*a seat freed up.*Rush"
            await asyncio.to_thread(output.wait_for, pattern, 60)
        told = re.findall(r"\[console dm to user (\d+)\]\s*\n.*a seat freed up", output.text)
        assert sorted(int(t) for t in told) == sorted(promoted)
    finally:
        for client in clients:
            await client.aclose()
        print(output.text[-20000:])  # shown only when the test fails
        code = await asyncio.to_thread(_stop, process)
        await fake.stop()
    assert code == 0, output.text
