"""/game create template:… and from:… through the real bot: choices, prefilled modal, refusals."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Game
from game_scheduler.services import templates
from game_scheduler.services.templates import TemplateDraft
from tests.fakes.discord.server import MODAL
from tests.integration.bot.test_hosting import games_titled, set_zones
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)

OTHER_GUILD_ID = 900_000_000_000_000_003
OTHER_GUILD_CHANNEL_ID = 900_000_000_000_000_301


async def save_template(name: str, **fields: object) -> int:
    draft = TemplateDraft(name=name, **fields)  # type: ignore[arg-type]
    async with get_db_session() as session:
        saved = await templates.create_template(
            session, member(player_id(), manage=True), GUILD_ID, draft
        )
        return saved.id


async def test_a_template_prefills_the_modal_and_gives_the_rest_of_the_game(bot, fake_discord):
    await set_zones()
    template_id = await save_template(
        "Weekly Catan",
        title="Catan night",
        description="Bring snacks",
        location="Table 2",
        max_players=5,
        min_players=3,
        duration_minutes=150,
        reminder_offsets=[90],
    )
    await save_template("Poker", title="Poker")

    offered = await fake_discord.autocomplete(
        HOST_ID, GUILD_ID, CHANNEL_ID, ("game", "create"), "template", "cat", int
    )
    opened = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "create", template=template_id
    )
    fields = opened.modal_fields()
    submitted = await fake_discord.submit_modal(
        HOST_ID, GUILD_ID, CHANNEL_ID, opened, {"When": "in 3h"}
    )

    assert offered.choices == [{"name": "Weekly Catan", "value": template_id}]
    assert fields["Title"]["value"] == "Catan night"
    assert fields["Seats"]["value"] == "5"
    assert fields["Description"]["value"] == "Bring snacks"
    assert not fields["When"].get("value")
    assert submitted.text.startswith("Posted **Catan night**")
    [game] = await games_titled("Catan night")
    assert (game.location, game.max_players, game.min_players) == ("Table 2", 5, 3)
    assert (game.duration_minutes, game.reminder_offsets) == (150, [90])


async def test_the_commands_own_options_win_over_the_template(bot, fake_discord):
    await set_zones()
    template_id = await save_template(
        "Raid", title="Raid night", location="Voice 1", reminder_offsets=[90]
    )

    opened = await fake_discord.subcommand(
        HOST_ID,
        GUILD_ID,
        CHANNEL_ID,
        "game",
        "create",
        template=template_id,
        place="Voice 2",
        reminders="none",
    )
    await fake_discord.submit_modal(HOST_ID, GUILD_ID, CHANNEL_ID, opened, {"When": "in 3h"})

    [game] = await games_titled("Raid night")
    assert (game.location, game.reminder_offsets) == ("Voice 2", [])


async def test_from_copies_one_of_my_games_a_week_on_in_my_zone(bot, fake_discord):
    await set_zones(user_zone="Europe/Berlin")
    source = await create_game(
        title="Wingspan",
        minutes_ahead=600,
        location="Cafe",
        max_players=4,
        description="Birds",
        reminder_offsets=[30],
        duration_minutes=120,
    )
    await create_game(member(player_id()), title="Wingspan of someone else", minutes_ahead=600)

    offered = await fake_discord.autocomplete(
        HOST_ID, GUILD_ID, CHANNEL_ID, ("game", "create"), "from", "wing", int
    )
    opened = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "create", **{"from": source.id}
    )
    fields = opened.modal_fields()
    await fake_discord.submit_modal(HOST_ID, GUILD_ID, CHANNEL_ID, opened, {})

    assert [c["value"] for c in offered.choices] == [source.id]
    week_on = source.scheduled_at + timedelta(days=7)
    local = week_on.astimezone(ZoneInfo("Europe/Berlin"))
    assert fields["When"]["value"] == f"{local:%Y-%m-%d %H:%M}"
    assert (fields["Title"]["value"], fields["Seats"]["value"]) == ("Wingspan", "4")
    async with get_db_session() as session:
        copies = (
            await session.scalars(
                select(Game).where(Game.title == "Wingspan", Game.id != source.id)
            )
        ).all()
    [copy] = copies
    assert copy.scheduled_at == week_on.replace(second=0, microsecond=0)
    assert (copy.location, copy.description, copy.max_players) == ("Cafe", "Birds", 4)
    assert (copy.reminder_offsets, copy.duration_minutes) == ([30], 120)


async def test_an_unknown_template_or_a_game_i_cannot_see_is_refused_privately(bot, fake_discord):
    await seed_channel(guild_id=OTHER_GUILD_ID, channel_id=OTHER_GUILD_CHANNEL_ID)
    elsewhere = await create_game(
        member(player_id(), OTHER_GUILD_ID),
        title="Elsewhere",
        channel_discord_id=OTHER_GUILD_CHANNEL_ID,
    )

    unknown = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "create", template=987_654
    )
    hidden = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "create", **{"from": elsewhere.id}
    )
    both = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "create", template=1, **{"from": elsewhere.id}
    )

    for answer in (unknown, hidden, both):
        assert answer.ephemeral
        assert all(c["type"] != MODAL for c in answer.callbacks)
        assert answer.text.startswith("Can't start from that:")
    assert "not found" in unknown.text
    assert "not found" in hidden.text
    assert "not both" in both.text
    assert len(await games_titled("Elsewhere")) == 1
