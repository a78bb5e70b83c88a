"""``/stats`` through the real bot on the fake Discord, and the host's attendance prompt DM."""

from typing import Any

from game_scheduler.database import get_db_session, get_sync_db_session
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.handling import handle_once
from game_scheduler.messaging.outbox import take_staged
from game_scheduler.models import utcnow
from game_scheduler.scheduler.services.game_status import stage_status_changes
from game_scheduler.services import history
from tests.integration.bot.support import deliveries
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, member
from tests.support.history import past_game


async def _mark(game_id: int, marks: dict[int, str]) -> None:
    async with get_db_session() as session:
        await history.mark_attendance(session, member(HOST_ID), game_id, marks)


async def _stats_for(fake_discord: Any, caller: int, target: int) -> Any:
    """``/stats user:<target>`` (the fake's ``command`` sends no user options; built here)."""
    command = next(c for c in fake_discord.state.commands if c["name"] == "stats")
    data = {
        "id": command["id"],
        "name": "stats",
        "type": 1,
        "guild_id": str(GUILD_ID),
        "options": [{"name": "user", "type": 6, "value": str(target)}],
    }
    interaction = await fake_discord._interact(2, GUILD_ID, CHANNEL_ID, caller, data)
    await interaction.answered.wait()
    return interaction


async def test_stats_of_me_of_a_member_and_of_the_server(bot, fake_discord):
    first, (alice, bob) = await past_game(member(HOST_ID), 2)
    second, (carol,) = await past_game(member(HOST_ID), 1)
    await past_game(member(HOST_ID), 0, status=GameStatus.CANCELLED)
    await _mark(first, {alice: "attended", bob: "no_show"})

    mine = await fake_discord.command(bob, GUILD_ID, CHANNEL_ID, "stats")
    assert mine.ephemeral
    assert mine.text.splitlines() == [
        f"**Stats of <@{bob}> in this server**",
        "Games played: 0 · No-shows: 1",
    ]

    theirs = await _stats_for(fake_discord, bob, alice)
    assert theirs.ephemeral
    assert "Games played: 1 · No-shows: 0" in theirs.text
    assert f"<@{alice}>" in theirs.text

    server = await fake_discord.command(
        carol, GUILD_ID, CHANNEL_ID, "stats", server=True, public=True
    )
    assert not server.ephemeral
    lines = server.text.splitlines()
    assert lines[1] == "Games run: 2 · Cancelled: 1"
    assert lines[2] == "Players per game: 1 · No-shows: 1 (attendance marked for 1 game)"
    assert lines[3] == "Top players:"
    # A tie on games played goes to the lower user id: alice joined first.
    assert lines[4:] == [f"1. <@{alice}> — 1 game", f"2. <@{carol}> — 1 game"]
    assert second != first


async def test_the_host_gets_one_attendance_prompt_when_the_game_completes(bot, fake_discord):
    game_id, _ = await past_game(member(HOST_ID), 2, status=GameStatus.IN_PROGRESS)
    with get_sync_db_session() as session:
        stage_status_changes(session, utcnow())
        staged = take_staged(session)
        session.commit()
    prompts = [e for e in staged if e.event_type is EventType.SEND_DM]
    assert len(prompts) == 1

    for envelope in prompts:
        assert await handle_once(envelope, bot.handlers.mapping())
        assert not await handle_once(envelope, bot.handlers.mapping())  # redelivered: dropped

    [dm] = fake_discord.state.dms_to(HOST_ID)
    assert "is over. Mark who came" in dm["content"]
    assert dm["content"].endswith(f"/games/{game_id}/attendance")
    [delivery] = await deliveries()
    assert (delivery.kind, delivery.route) == ("attendance", "dm")
