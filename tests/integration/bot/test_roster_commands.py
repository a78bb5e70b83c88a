"""/game players through the real bot: the host adds, moves and removes; others are refused."""

from game_scheduler.database import get_db_session
from game_scheduler.services.loading import load_game
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member, player_id
from tests.support.members import seed_member


async def _order(game_id: int) -> list[int]:
    async with get_db_session() as session:
        return [p.user.discord_id for p in (await load_game(session, game_id)).participants]


async def test_host_adds_moves_and_removes_players(bot, fake_discord, configure):
    configure(removal_dm_grace_minutes="0")
    game = await create_game(max_players=1)
    first, second = player_id(), player_id()
    for discord_id in (first, second):
        fake_discord.state.add_member(GUILD_ID, discord_id)
    await seed_member(first, second)

    async def players(**options):
        users = {"user": options.pop("user")} if "user" in options else None
        return await fake_discord.subcommand(
            HOST_ID, GUILD_ID, CHANNEL_ID, "game", "players", game=game.id, users=users, **options
        )

    added = await players(action="add", user=first)
    assert added.ephemeral
    assert added.text.splitlines()[0] == f"Added <@{first}>: a seat."
    waiting = await players(action="add", user=second)
    assert waiting.text.splitlines()[0] == f"Added <@{second}>: #1 on the waitlist."
    moved = await players(action="move", user=second, to="seat")
    assert moved.text.splitlines()[0] == f"Moved <@{second}>: a seat."
    assert f"Players (1/1): <@{second}>" in moved.text
    assert f"Waitlist (1): <@{first}>" in moved.text
    assert await _order(game.id) == [second, first]
    removed = await players(action="remove", user=first)
    assert removed.text.splitlines()[0] == f"Removed <@{first}>; they will be told."
    assert await _order(game.id) == [second]


async def test_every_problem_with_the_options_is_listed_at_once(bot, fake_discord):
    game = await create_game()
    answer = await fake_discord.subcommand(
        HOST_ID, GUILD_ID, CHANNEL_ID, "game", "players", game=game.id, action="move"
    )
    assert answer.ephemeral
    assert answer.text == "Choose the player to move; say where to move them: seat or waitlist."


async def test_non_host_and_non_member_are_refused(bot, fake_discord):
    game = await create_game()
    stranger, player = player_id(), player_id()
    fake_discord.state.add_member(GUILD_ID, player)
    refused = await fake_discord.subcommand(
        player,
        GUILD_ID,
        CHANNEL_ID,
        "game",
        "players",
        game=game.id,
        action="add",
        users={"user": player},
    )
    assert refused.ephemeral
    assert refused.text == "Only the host or a bot manager can change this game."
    outsider = await fake_discord.subcommand(
        HOST_ID,
        GUILD_ID,
        CHANNEL_ID,
        "game",
        "players",
        game=game.id,
        action="add",
        users={"user": stranger},
    )
    assert outsider.text == "User_id is not a member of this game's server."
    assert await _order(game.id) == []


async def test_the_game_option_offers_the_hosts_upcoming_games(bot, fake_discord):
    mine = await create_game(title="Gloomhaven", minutes_ahead=60)
    later = await create_game(title="Catan", minutes_ahead=120)
    await create_game(member(player_id()), title="Someone else's")
    [command] = [c for c in fake_discord.state.commands if c["name"] == "game"]
    [players] = [o for o in command["options"] if o["name"] == "players"]
    assert [o["name"] for o in players["options"] if o.get("autocomplete")] == ["game"]

    async def choices(typed: str) -> list[dict]:
        data = {
            "id": command["id"],
            "name": "game",
            "type": 1,
            "options": [
                {
                    "name": "players",
                    "type": 1,
                    "options": [{"name": "game", "type": 4, "value": typed, "focused": True}],
                }
            ],
        }
        interaction = await fake_discord._interact(4, GUILD_ID, CHANNEL_ID, HOST_ID, data)
        await fake_discord.wait_for(lambda: interaction.callbacks)
        [callback] = interaction.callbacks
        assert callback["type"] == 8
        return callback["data"]["choices"]

    every = await choices("")
    assert [c["value"] for c in every] == [mine.id, later.id]
    assert every[0]["name"].startswith("Gloomhaven · ")
    assert every[0]["name"].endswith(f" UTC · #{mine.id}")
    assert [c["value"] for c in await choices("cat")] == [later.id]
