"""Quorum settings and state through the API, and the user's own reminder settings."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Reminder, ReminderStatus, User, utcnow
from tests.support.api import client_for, open_session
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)


async def test_a_game_with_a_quorum_deadline_shows_what_it_still_needs(app, db_url):
    await seed_channel()
    host = member(player_id())
    async with client_for(app, await open_session(host)) as api:
        start = utcnow() + timedelta(days=3)
        created = await api.post(
            "/api/v1/games",
            json={
                "channel_id": str(CHANNEL_ID),
                "title": "Gloomhaven",
                "scheduled_at": start.isoformat(),
                "max_players": 4,
                "min_players": 3,
                "quorum_deadline_minutes": 1440,
            },
        )
        assert created.status_code == 201, created.text
        game = created.json()
        assert game["quorum_deadline_minutes"] == 1440
        assert game["quorum"]["state"] == "needs 3 more"
        assert game["quorum"]["min_players"] == 3
        changed = await api.patch(
            f"/api/v1/games/{game['id']}", json={"quorum_deadline_minutes": 0}
        )
        assert changed.status_code == 200
        assert changed.json()["quorum"] is None  # 0: no deadline, whatever the server says


async def test_bad_quorum_values_are_refused_naming_each_field(app, db_url):
    await seed_channel()
    admin = member(player_id(), manage=True)
    async with client_for(app, await open_session(admin)) as api:
        answer = await api.patch(
            f"/api/v1/guilds/{GUILD_ID}/settings",
            json={"quorum_deadline_minutes": -1, "quorum_action": "shrug"},
        )
        assert answer.status_code == 422
        fields = {tuple(e["loc"])[-1] for e in answer.json()["detail"]}
        assert {"quorum_deadline_minutes", "quorum_action"} <= fields
        ok = await api.patch(
            f"/api/v1/guilds/{GUILD_ID}/settings",
            json={"quorum_deadline_minutes": 720, "quorum_action": "cancel"},
        )
        assert ok.status_code == 200
        settings = ok.json()["settings"]
        assert (settings["quorum_deadline_minutes"], settings["quorum_action"]) == (720, "cancel")
    game = await create_game(minutes_ahead=3 * 24 * 60, min_players=2)
    async with client_for(app, await open_session(member(player_id()))) as api:
        shown = (await api.get(f"/api/v1/games/{game.id}")).json()
    assert shown["quorum"]["deadline_at"].startswith(
        (game.scheduled_at - timedelta(minutes=720)).strftime("%Y-%m-%dT%H:%M")
    )


async def test_my_reminders_are_read_and_replaced_and_my_games_follow(app, db_url):
    await seed_channel()
    me = member(player_id())
    game = await create_game(minutes_ahead=3 * 24 * 60, reminder_offsets=[60])
    async with client_for(app, await open_session(me)) as api:
        assert (await api.post(f"/api/v1/games/{game.id}/join")).status_code == 200
        assert (await api.get("/api/v1/me/reminders")).json() == {
            "reminder_offsets": None,
            "mention_instead_of_dm": False,
        }
        bad = await api.put("/api/v1/me/reminders", json={"reminder_offsets": [0, 99999999]})
        assert bad.status_code == 422
        saved = await api.put(
            "/api/v1/me/reminders",
            json={"reminder_offsets": [5, 1440], "mention_instead_of_dm": True},
        )
        assert saved.status_code == 200
        assert saved.json() == {"reminder_offsets": [1440, 5], "mention_instead_of_dm": True}
    async with get_db_session() as db:
        user_id = await db.scalar(select(User.id).where(User.discord_id == me.discord_id))
        personal = (
            await db.scalars(
                select(Reminder.offset_minutes).where(
                    Reminder.game_id == game.id,
                    Reminder.audience_user_id == user_id,
                    Reminder.status == ReminderStatus.PENDING,
                )
            )
        ).all()
    assert sorted(personal) == [5, 1440]
