"""Every dashboard form post needs the session's CSRF token; a forged one changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Game, Guild, Participant, User, WebSession, utcnow
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member
from tests.support.web import all_games, csrf_for, web_client

POSTS = [
    "/servers/{guild}/games",
    "/games/{game}/edit",
    "/games/{game}/join",
    "/games/{game}/leave",
    "/games/{game}/cancel",
    "/games/{game}/roster/add",
    "/games/{game}/roster/{user}/remove",
    "/games/{game}/roster/{user}/move",
    "/servers/{guild}/settings",
    "/servers/{guild}/channels/{channel}/settings",
    "/me/calendar/regenerate",
    "/signout",
]
FORM = {
    "title": "Forged",
    "channel_discord_id": str(CHANNEL_ID),
    "scheduled_at": (utcnow() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
    "duration_minutes": "5",
    "max_players": "2",
    "min_players": "1",
    "reminder_offsets": "none",
    "default_max_players": "3",
    "user_id": str(HOST_ID),
    "to": "waitlist",
    "reason": "Forged",
}


async def _snapshot() -> tuple[object, ...]:
    async with get_db_session() as db:
        games = [
            (g.title, g.status, g.max_players, g.version)
            for g in (await db.execute(select(Game).order_by(Game.id))).scalars()
        ]
        players = (await db.execute(select(Participant.user_id))).scalars().all()
        guild = (await db.execute(select(Guild.default_max_players, Guild.reminder_offsets))).all()
        tokens = (await db.execute(select(User.calendar_token))).scalars().all()
        sessions = (await db.execute(select(WebSession.id))).scalars().all()
    return games, sorted(players), guild, sorted(tokens), sorted(sessions)


@pytest.mark.parametrize("path", POSTS)
async def test_posts_without_the_right_token_are_refused(app, seeded, path):
    manager = member(HOST_ID, manage=True)
    game = await create_game(manager)
    url = path.format(guild=GUILD_ID, game=game.id, channel=CHANNEL_ID, user=HOST_ID)
    async with (
        await web_client(app, manager) as client,
        await web_client(app, member(HOST_ID + 1, manage=True)) as other,
    ):
        other_token = await csrf_for(other)
        before = await _snapshot()
        for token in (None, "", "wrong", other_token, await csrf_for(client) + "x"):
            data = dict(FORM) if token is None else {**FORM, "csrf_token": token}
            response = await client.post(url, data=data)
            assert response.status_code == 403, (token, response.text)
            assert "Form rejected" in response.text
        assert await _snapshot() == before


async def test_the_right_token_is_accepted(app, seeded):
    async with await web_client(app, member(HOST_ID)) as client:
        token = await csrf_for(client)
        response = await client.post(
            f"/servers/{GUILD_ID}/games", data={**FORM, "csrf_token": token}
        )
        assert response.status_code == 303
    assert [g.title for g in await all_games()] == ["Forged"]


async def test_posts_without_a_session_change_nothing(anonymous, seeded):
    game = await create_game()
    response = await anonymous.post(f"/games/{game.id}/cancel", data={"csrf_token": "x"})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/"
    assert [g.status.value for g in await all_games()] == ["SCHEDULED"]
