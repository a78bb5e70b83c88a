"""Seat offers in Discord: the DM carries Accept / Pass, only the offered player may answer,
and a DM whose offer closed before it went out is not sent."""

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import SeatOffer
from game_scheduler.services import signups
from game_scheduler.services.loading import load_game
from tests.integration.bot.support import buttons, deliver_all, deliveries
from tests.support.factories import create_game, member, player_id


async def _offered_game(players: int = 3):
    """One seat in offer mode; the seated player leaves, so the first waitlisted is offered it."""
    game = await create_game(max_players=1, seat_mode="offer")
    actors = [member(player_id()) for _ in range(players)]
    async with get_db_session() as session:
        for actor in actors:
            await signups.join_game(session, actor, game.id)
        await signups.leave_game(session, actors[0], game.id)
    return game, actors


async def _offers() -> list[SeatOffer]:
    async with get_db_session() as session:
        return list((await session.scalars(select(SeatOffer).order_by(SeatOffer.id))).all())


async def test_offer_dm_has_accept_and_pass_and_only_the_offered_player_may_answer(
    bot, fake_discord
):
    game, (_a, b, c) = await _offered_game()
    await deliver_all(bot)
    [dm] = fake_discord.state.dms_to(b.discord_id)
    assert "it's yours if you want it" in dm["content"]
    [offer] = await _offers()
    assert [(x["label"], x["custom_id"]) for x in buttons(dm)] == [
        ("Accept", f"gs:offer:{offer.id}:yes"),
        ("Pass", f"gs:offer:{offer.id}:no"),
    ]

    intruder = await fake_discord.click_in_dm(
        c.discord_id, int(dm["id"]), f"gs:offer:{offer.id}:yes"
    )
    assert intruder.text == "This offer is for another player."
    assert intruder.ephemeral

    answer = await fake_discord.click_in_dm(b.discord_id, int(dm["id"]), f"gs:offer:{offer.id}:yes")
    assert answer.text.startswith("You're in!")
    [offer] = await _offers()
    assert offer.outcome == "accepted"
    again = await fake_discord.click_in_dm(b.discord_id, int(dm["id"]), f"gs:offer:{offer.id}:no")
    assert again.text == "This offer has lapsed or was already answered."
    async with get_db_session() as session:
        roster = [p.user.discord_id for p in (await load_game(session, game.id)).participants]
    assert roster == [b.discord_id, c.discord_id]


async def test_an_offer_closed_before_its_dm_went_out_is_not_sent(bot, fake_discord):
    game, (_a, b, c) = await _offered_game()
    [offer] = await _offers()
    async with get_db_session() as session:
        await signups.leave_game(session, b, game.id)  # b leaves before the DM is delivered
    await deliver_all(bot)
    assert fake_discord.state.dms_to(b.discord_id) == []
    [dm] = fake_discord.state.dms_to(c.discord_id)  # the seat went on to c, with buttons
    assert len(buttons(dm)) == 2
    offer_dm = next(d for d in await deliveries() if d.recipient_discord_id == b.discord_id)
    assert (offer_dm.route, offer_dm.detail) == ("expired", "the offer is no longer open")
    assert offer.id != (await _offers())[1].id
