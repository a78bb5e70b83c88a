"""The host's roster page over HTTP: search, add, remove, move, cancel reason; others refused."""

import re

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope, EventType
from game_scheduler.models import GameStatus, OutboxEvent
from game_scheduler.services import registry, signups
from game_scheduler.services.loading import load_game
from tests.support.factories import HOST_ID, create_game, member, player_id
from tests.support.members import seed_member
from tests.support.web import csrf_for, flash_text, stored_game


async def _dms() -> list[tuple[str, str, int | None, str | None]]:
    async with get_db_session() as session:
        rows = await session.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == EventType.SEND_DM.value)
            .order_by(OutboxEvent.id)
        )
        data = [Envelope.model_validate(p).data for p in rows.scalars()]
    return [
        (d["recipient_discord_id"], d["kind"], d["waitlist_position"], d["reason"]) for d in data
    ]


async def _order(game_id: int) -> list[int]:
    async with get_db_session() as session:
        return [p.user.discord_id for p in (await load_game(session, game_id)).participants]


async def _named_member(name: str) -> int:
    discord_id = player_id()
    async with get_db_session() as session:
        await registry.ensure_user(session, discord_id, name)
        await session.commit()
    await seed_member(discord_id)
    return discord_id


async def _flash_after(client, response) -> str | None:
    assert response.status_code == 303, response.text
    return flash_text((await client.get(response.headers["location"])).text)


async def test_host_finds_and_adds_a_member_then_moves_and_removes(host, configure):
    configure(removal_dm_grace_minutes="0")  # a removal right after the add is told too
    game = await create_game(max_players=1)
    seated = player_id()
    async with get_db_session() as session:
        await signups.join_game(session, member(seated), game.id)
    morgan = await _named_member("Morgan")
    await _named_member("Zed")
    csrf = await csrf_for(host)

    page = await host.get(f"/games/{game.id}")
    assert f'href="/games/{game.id}/roster"' in page.text
    found = await host.get(f"/games/{game.id}/roster", params={"q": "morg"})
    assert found.status_code == 200
    assert re.findall(
        r'<button type="submit" class="button primary">Add ([^<]+)</button>', found.text
    ) == ["Morgan"]

    added = await host.post(
        f"/games/{game.id}/roster/add", data={"csrf_token": csrf, "user_id": str(morgan)}
    )
    assert await _flash_after(host, added) == "Player added: waitlist place 1."
    assert await _order(game.id) == [seated, morgan]

    moved = await host.post(
        f"/games/{game.id}/roster/{morgan}/move", data={"csrf_token": csrf, "to": "seat"}
    )
    assert (await _flash_after(host, moved)).startswith("Moved: the player now has a seat")
    assert await _order(game.id) == [morgan, seated]
    assert await _dms() == [
        (str(morgan), "waitlist_promotion", None, None),
        (str(seated), "demoted", 1, None),
    ]

    removed = await host.post(f"/games/{game.id}/roster/{morgan}/remove", data={"csrf_token": csrf})
    assert await _flash_after(host, removed) == "Player removed; they will be told."
    assert await _order(game.id) == [seated]
    assert (await _dms())[2:] == [
        (str(seated), "waitlist_promotion", None, None),
        (str(morgan), "removed", None, None),
    ]


async def test_bad_fields_are_named_and_change_nothing(host):
    game = await create_game(max_players=2)
    stranger = player_id()
    csrf = await csrf_for(host)
    bad_id = await host.post(
        f"/games/{game.id}/roster/add", data={"csrf_token": csrf, "user_id": "alice"}
    )
    assert await _flash_after(host, bad_id) == "user_id must be a Discord user id"
    outsider = await host.post(
        f"/games/{game.id}/roster/add", data={"csrf_token": csrf, "user_id": str(stranger)}
    )
    assert await _flash_after(host, outsider) == "user_id is not a member of this game's server"
    await seed_member(stranger)
    async with get_db_session() as session:
        await signups.add_player(session, member(HOST_ID), game.id, stranger)
    nowhere = await host.post(
        f"/games/{game.id}/roster/{stranger}/move", data={"csrf_token": csrf, "to": "bench"}
    )
    assert await _flash_after(host, nowhere) == "to must be 'seat' or 'waitlist'"
    assert await _order(game.id) == [stranger]


async def test_players_cannot_see_or_use_the_roster(host, player):
    game = await create_game(max_players=2)
    victim = player_id()
    await seed_member(victim)
    async with get_db_session() as session:
        await signups.add_player(session, member(HOST_ID), game.id, victim)
    page = await player.get(f"/games/{game.id}/roster")
    assert page.status_code == 403
    assert "Manage players" not in (await player.get(f"/games/{game.id}")).text
    csrf = await csrf_for(player)
    for path, data in (
        ("roster/add", {"user_id": str(player_id())}),
        (f"roster/{victim}/remove", {}),
        (f"roster/{victim}/move", {"to": "waitlist"}),
    ):
        response = await player.post(f"/games/{game.id}/{path}", data={"csrf_token": csrf, **data})
        assert response.status_code == 403, path
    assert await _order(game.id) == [victim]


async def test_cancel_reason_reaches_the_dms_and_the_page(host):
    game = await create_game(max_players=2)
    seated = player_id()
    async with get_db_session() as session:
        await signups.join_game(session, member(seated), game.id)
    csrf = await csrf_for(host)
    confirm = await host.get(f"/games/{game.id}/cancel")
    assert 'name="reason"' in confirm.text
    too_long = await host.post(
        f"/games/{game.id}/cancel", data={"csrf_token": csrf, "reason": "x" * 501}
    )
    assert too_long.status_code == 422
    assert 'id="reason-error">reason must be at most 500 characters' in too_long.text
    assert (await stored_game(game.id)).status is GameStatus.SCHEDULED

    done = await host.post(
        f"/games/{game.id}/cancel", data={"csrf_token": csrf, "reason": "Snowed in"}
    )
    assert await _flash_after(host, done) == "The game is cancelled; its players will be told."
    assert (await stored_game(game.id)).cancel_reason == "Snowed in"
    assert await _dms() == [(str(seated), "cancellation", None, "Snowed in")]
    assert "Cancelled: Snowed in" in (await host.get(f"/games/{game.id}")).text
