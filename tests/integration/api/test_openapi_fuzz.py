"""schemathesis over /openapi.json against a real uvicorn server: no 500s, answers match the schema.

Signed in as a Manage Server member of a seeded server with a channel and a game; generated ids
are often swapped for the seeded ones so the happy paths are exercised, not only 404s.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from game_scheduler.models import utcnow
from game_scheduler.services.auth.cookies import COOKIE_NAME
from tests.support.api import CSRF_HEADER, SignedIn, open_session
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)
from tests.support.members import seed_member

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Served:
    base_url: str
    cookie: str
    csrf_token: str
    game_id: int
    doomed_game_id: int
    member_id: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def seeded(pg_db_url) -> tuple[SignedIn, int, int, int]:
    await seed_channel()
    admin = member(player_id(), manage=True)
    game = await create_game(admin, max_players=2)
    doomed = await create_game(admin, title="To be cancelled")
    someone = player_id()
    await seed_member(someone)
    return await open_session(admin), game.id, doomed.id, someone


@pytest.fixture
def served(seeded) -> Iterator[Served]:
    """The app under uvicorn in its own process, on the test database."""
    signed_in, game_id, doomed_game_id, member_id = seeded
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "game_scheduler.api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=os.environ
        | {
            "DISCORD_CLIENT_ID": "fuzz",
            "DISCORD_CLIENT_SECRET": "fuzz",
            "DISCORD_API_BASE": "http://127.0.0.1:1/api/v10",
            # The fuzzer toggles one user on one game far faster than the throttle allows.
            "SIGNUP_CHANGES_PER_MINUTE": "0",
        },
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        # Up to a minute, then fail plainly: a loaded machine can take more than the ten
        # seconds the old loop gave (it then fuzzed a server that was not listening yet).
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base_url}/healthz", timeout=5)
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the API server did not start")
                time.sleep(0.1)
        yield Served(
            base_url, signed_in.cookie, signed_in.csrf_token, game_id, doomed_game_id, member_id
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def _aim_at_seeded(case, served: Served) -> None:
    """Point about half the generated ids at things that exist, so success paths run too."""
    path = case.path_parameters or {}
    if "game_id" in path and len(str(path["game_id"])) % 2:
        cancels = case.operation.path.endswith("/cancel")
        path["game_id"] = served.doomed_game_id if cancels else served.game_id
    if "guild_id" in path and len(str(path["guild_id"])) % 2:
        path["guild_id"] = str(GUILD_ID)
    if "channel_id" in path and len(str(path["channel_id"])) % 2:
        path["channel_id"] = str(CHANNEL_ID)
    if "user_id" in path and len(str(path["user_id"])) % 2:
        path["user_id"] = str(served.member_id)
    if isinstance(case.body, dict) and "channel_id" in case.body and len(case.body) % 2:
        case.body["channel_id"] = str(CHANNEL_ID)
        case.body["scheduled_at"] = (utcnow() + timedelta(days=1)).isoformat()
    if isinstance(case.body, dict) and "user_id" in case.body and len(case.body) % 2:
        case.body["user_id"] = str(served.member_id)  # hosts may only add server members


EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _fuzz(operation, served: Served, succeeded: set[str]) -> None:
    """One Hypothesis run over an operation, with valid and invalid inputs."""
    # Logging out would end the session every other operation runs in.
    cookies = {COOKIE_NAME: served.cookie} if operation.path != "/auth/logout" else {}

    @settings(
        max_examples=15,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: the counts below cannot depend on luck
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )
    )
    def exercise(case) -> None:
        _aim_at_seeded(case, served)
        case.cookies = cookies
        case.headers[CSRF_HEADER] = served.csrf_token
        response = case.call_and_validate(base_url=served.base_url, checks=CHECKS)
        if response.status_code < 400:
            succeeded.add(operation.label)

    exercise()


def test_api_never_fails_and_matches_its_schema(served):
    # Each operation gets its own Hypothesis run here, because schemathesis' pytest plugin and
    # pytest 9 disagree about node ids.
    schema = schemathesis.openapi.from_url(f"{served.base_url}/openapi.json")
    failures: dict[str, str] = {}
    tested = []
    succeeded: set[str] = set()
    for result in schema.get_all_operations():
        operation = result.ok()
        tested.append(operation.label)
        try:
            _fuzz(operation, served, succeeded)
        except (Exception, BaseExceptionGroup) as error:
            failures[operation.label] = str(error)[:2000]
    assert len(tested) >= 19
    # Signed in and aimed at seeded ids, most operations must have succeeded at least once.
    assert len(succeeded) >= 16, sorted(set(tested) - succeeded)
    # They send the session's X-CSRF-Token, so the writes get past the CSRF check and succeed.
    writes = {label for label in succeeded if label.split()[0] in {"POST", "PATCH", "DELETE"}}
    assert len({label for label in writes if "/api/v1/" in label}) >= 8, sorted(writes)
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
