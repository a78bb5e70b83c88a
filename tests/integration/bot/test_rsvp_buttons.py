"""Maybe and Can't on the announcement, its link buttons, and reminder DMs that link to the
message, name the server and place, and carry a "Can't make it" button that gives up the seat."""

from game_scheduler.bot.runtime import DiscordBot
from game_scheduler.messaging.events import EventType
from game_scheduler.messaging.handling import handle_once
from tests.integration.bot.support import (
    buttons,
    deliver_all,
    dm_event,
    field,
    link_buttons,
    outbox,
)
from tests.support.factories import CHANNEL_ID, GUILD_ID, create_game, player_id


async def test_maybe_and_cant_clicks_are_listed_with_counts(bot, fake_discord, configure):
    configure(public_url="https://games.example.org/")
    game = await create_game(max_players=1)
    await deliver_all(bot)
    [message] = fake_discord.state.channel_messages(CHANNEL_ID)
    message_id = int(message["id"])
    assert link_buttons(message) == [
        ("Game page", f"https://games.example.org/games/{game.id}"),
        ("Add to calendar (.ics)", f"https://games.example.org/api/v1/games/{game.id}.ics"),
    ]
    seated, unsure, out = player_id(), player_id(), player_id()

    await fake_discord.click(seated, message_id, f"gs:join:{game.id}")
    maybe = await fake_discord.click(unsure, message_id, f"gs:maybe:{game.id}")
    cant = await fake_discord.click(out, message_id, f"gs:cant:{game.id}")
    await deliver_all(bot)

    assert maybe.ephemeral
    assert "**maybe**" in maybe.text
    assert cant.ephemeral
    assert "can't make it" in cant.text
    message = fake_discord.state.messages[message_id]
    assert field(message, "Players") == ("Players (1/1)", f"<@{seated}>")
    assert field(message, "Maybe") == ("Maybe (1)", f"<@{unsure}>")
    assert field(message, "Can't") == ("Can't (1)", f"<@{out}>")
    assert not [f for f in message["embeds"][0]["fields"] if f["name"].startswith("Waitlist")]

    # The seated player can't come after all: the seat is free again, the Can't list grows.
    await fake_discord.click(seated, message_id, f"gs:cant:{game.id}")
    await deliver_all(bot)
    message = fake_discord.state.messages[message_id]
    assert field(message, "Players") == ("Players (0/1)", "Nobody yet")
    assert field(message, "Can't") == ("Can't (2)", f"<@{seated}>, <@{out}>")  # signup order


async def test_reminder_dm_links_to_the_message_and_cant_make_it_promotes(bot, fake_discord):
    game = await create_game(max_players=1, location="Table 3", title="Catan night")
    await deliver_all(bot)
    message_id = int(fake_discord.state.channel_messages(CHANNEL_ID)[0]["id"])
    seated, waiting = player_id(), player_id()
    await fake_discord.click(seated, message_id, f"gs:join:{game.id}")
    await fake_discord.click(waiting, message_id, f"gs:join:{game.id}")
    await deliver_all(bot)

    assert await handle_once(dm_event(game, seated), bot.handlers.mapping())

    [dm] = fake_discord.state.dms_to(seated)
    lines = dm["content"].split("\n")
    assert lines[-1] == f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{message_id}"
    assert "Server: **Test Server**" in lines[1]
    assert "Place: Table 3" in lines[1]
    assert [(b["label"], b["custom_id"]) for b in buttons(dm)] == [
        ("Can't make it", f"gs:dmcant:{game.id}")
    ]

    click = await fake_discord.click_in_dm(seated, int(dm["id"]), f"gs:dmcant:{game.id}")
    await deliver_all(bot)

    assert click.ephemeral
    assert "can't make it to **Catan night**" in click.text
    [promoted] = [e.payload() for e in await outbox(EventType.WAITLIST_PROMOTED)]
    assert promoted.user_discord_id == str(waiting)  # type: ignore[attr-defined]
    message = fake_discord.state.messages[message_id]
    assert field(message, "Players") == ("Players (1/1)", f"<@{waiting}>")
    assert field(message, "Can't") == ("Can't (1)", f"<@{seated}>")
    [promotion] = fake_discord.state.dms_to(waiting)
    assert "you're now confirmed" in promotion["content"]

    again = await fake_discord.click_in_dm(seated, int(dm["id"]), f"gs:dmcant:{game.id}")
    assert "can't make it" in again.text  # the same answer twice changes nothing


async def test_a_dm_button_from_someone_not_signed_up_changes_nothing(bot, fake_discord):
    game = await create_game(max_players=2)
    await deliver_all(bot)
    seated = player_id()
    message_id = int(fake_discord.state.channel_messages(CHANNEL_ID)[0]["id"])
    await fake_discord.click(seated, message_id, f"gs:join:{game.id}")
    await handle_once(dm_event(game, seated), bot.handlers.mapping())
    [dm] = fake_discord.state.dms_to(seated)
    stranger = player_id()
    fake_discord.state.dm_channels[stranger] = int(dm["channel_id"])

    click = await fake_discord.click_in_dm(stranger, int(dm["id"]), f"gs:dmcant:{game.id}")

    assert click.text == "You're not signed up for this game any more."
    assert await outbox(EventType.PLAYER_RESPONDED) == []


async def test_the_dm_button_works_after_a_bot_restart(bot, fake_discord, point_bot_at):
    game = await create_game(max_players=1)
    await deliver_all(bot)
    message_id = int(fake_discord.state.channel_messages(CHANNEL_ID)[0]["id"])
    seated = player_id()
    await fake_discord.click(seated, message_id, f"gs:join:{game.id}")
    await handle_once(dm_event(game, seated), bot.handlers.mapping())
    [dm] = fake_discord.state.dms_to(seated)
    await bot.close()

    settings = point_bot_at()
    restarted = DiscordBot(
        settings.discord_token.get_secret_value(), settings=settings, guild_ready_timeout=0.1
    )
    await restarted.start()
    try:
        await restarted.wait_ready(within=10)
        click = await fake_discord.click_in_dm(seated, int(dm["id"]), f"gs:dmcant:{game.id}")
    finally:
        await restarted.close()

    assert "can't make it" in click.text
    [left] = [e.payload() for e in await outbox(EventType.PLAYER_LEFT)]
    assert left.response == "declined"  # type: ignore[attr-defined]
