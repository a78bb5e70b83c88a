"""Seat offers on the web: the offered player sees Accept / Pass on the game page and answers
there; the host's edit form can ask for re-confirmation when it moves the game."""

from datetime import timedelta

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import SeatOffer
from game_scheduler.services import signups
from tests.support.factories import CHANNEL_ID, create_game, member, player_id
from tests.support.web import csrf_for, web_client


async def _offers() -> list[SeatOffer]:
    async with get_db_session() as session:
        return list((await session.scalars(select(SeatOffer).order_by(SeatOffer.id))).all())


async def test_the_offered_player_accepts_on_the_game_page(app, seeded):
    game = await create_game(max_players=1, seat_mode="offer")
    seated, waiting = member(player_id()), member(player_id())
    async with get_db_session() as session:
        await signups.join_game(session, seated, game.id)
        await signups.join_game(session, waiting, game.id)
        await signups.leave_game(session, seated, game.id)
    [offer] = await _offers()
    async with await web_client(app, waiting) as client:
        page = await client.get(f"/games/{game.id}")
        assert f'action="/offers/{offer.id}/yes"' in page.text
        assert "A seat freed up and it is yours" in page.text
        answered = await client.post(
            f"/offers/{offer.id}/yes", data={"csrf_token": await csrf_for(client)}
        )
        assert answered.status_code == 303
        assert answered.headers["location"] == f"/games/{game.id}"
        after = await client.get(f"/games/{game.id}")
        assert "The seat is yours." in after.text
        assert f'action="/offers/{offer.id}/yes"' not in after.text
    assert (await _offers())[0].outcome == "accepted"


async def test_another_member_cannot_answer_and_a_post_without_csrf_is_refused(app, seeded):
    game = await create_game(max_players=1, seat_mode="offer")
    seated, waiting = member(player_id()), member(player_id())
    async with get_db_session() as session:
        await signups.join_game(session, seated, game.id)
        await signups.join_game(session, waiting, game.id)
        await signups.leave_game(session, seated, game.id)
    [offer] = await _offers()
    async with await web_client(app, member(player_id())) as other:
        refused = await other.post(f"/offers/{offer.id}/yes", data={})
        assert refused.status_code == 403
        answered = await other.post(
            f"/offers/{offer.id}/no", data={"csrf_token": await csrf_for(other)}
        )
        assert answered.status_code == 303
        page = await other.get(answered.headers["location"])
        assert "offer is for another player" in page.text
    assert (await _offers())[0].resolved_at is None


async def test_edit_form_asks_for_reconfirmation_when_ticked(host):
    game = await create_game(max_players=2)
    player = member(player_id())
    async with get_db_session() as session:
        await signups.join_game(session, player, game.id)
    edit = await host.get(f"/games/{game.id}/edit")
    assert 'name="reconfirm"' in edit.text
    new_start = (game.scheduled_at + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "csrf_token": await csrf_for(host),
        "channel_discord_id": str(CHANNEL_ID),
        "title": game.title,
        "scheduled_at": new_start,
        "tz_offset": "0",
        "duration_minutes": str(game.duration_minutes),
        "max_players": "2",
        "min_players": "1",
        "reminder_offsets": "",
        "location": "",
        "description": "",
        "signup_instructions": "",
        "version": str(game.version),
        "reconfirm": "on",
    }
    response = await host.post(f"/games/{game.id}/edit", data=form)
    assert response.status_code == 303, response.text
    [offer] = await _offers()
    assert (offer.user_discord_id, offer.kind) == (player.discord_id, "reconfirm")
