"""``game-scheduler bot`` as a real process: refuses a bad token, stops cleanly on SIGTERM."""

import asyncio
import os
import signal
import sys
from pathlib import Path

COMMAND = str(Path(sys.executable).parent / "game-scheduler")


async def _start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        COMMAND,
        "bot",
        *args,
        env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def test_a_token_discord_refuses_exits_with_an_error(fake_discord, pg_url, rabbitmq_url):
    process = await _start(
        {
            "DATABASE_URL": pg_url,
            "RABBITMQ_URL": rabbitmq_url,
            "DISCORD_TOKEN": "not-the-token",
            "DISCORD_API_BASE": fake_discord.api_base,
            "DISCORD_GATEWAY_URL": fake_discord.gateway_url,
        }
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1, output.decode()
    assert b"Discord refused the token in DISCORD_TOKEN" in output
    assert b"not-the-token" not in output  # secrets are never logged


async def test_without_a_token_console_mode_runs_until_sigterm(pg_url, rabbitmq_url, empty_queues):
    process = await _start(
        {"DATABASE_URL": pg_url, "RABBITMQ_URL": rabbitmq_url, "DISCORD_TOKEN": " "}
    )
    assert process.stdout is not None
    seen = b""
    async with asyncio.timeout(60):
        while b"console mode" not in seen:
            line = await process.stdout.readline()
            assert line, f"the bot ended early: {seen.decode()}"
            seen += line
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0


async def test_concurrency_at_or_above_the_pool_is_refused_at_start(pg_url, rabbitmq_url):
    process = await _start(
        {
            "DATABASE_URL": pg_url,
            "RABBITMQ_URL": rabbitmq_url,
            "BOT_CONCURRENCY": "15",
            "DB_POOL_SIZE": "5",
            "DB_MAX_OVERFLOW": "10",
        },
        "--console",
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2, output.decode()
    assert output.decode().strip().splitlines() == [
        "game-scheduler bot: BOT_CONCURRENCY (15) must be below the database pool capacity "
        "DB_POOL_SIZE + DB_MAX_OVERFLOW (15): lower it or raise the pool"
    ]
