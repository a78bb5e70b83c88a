"""The dashboard says what is true: who hosts, why no game can be posted, where times are."""

from game_scheduler.database import get_db_session
from game_scheduler.services import settings
from game_scheduler.services.settings import ChannelSettingsChanges
from tests.support.factories import CHANNEL_ID, GUILD_ID, create_game, member

TIME_ZONE_NOTE = "Times are shown in your browser's time zone."


async def test_the_host_reads_that_they_are_hosting(host, player):
    game = await create_game()
    own = await host.get(f"/games/{game.id}")
    assert "You are hosting this game." in own.text
    assert "You have not joined this game." not in own.text
    assert "You are hosting</span>" in (await host.get(f"/servers/{GUILD_ID}")).text
    other = await player.get(f"/games/{game.id}")
    assert "You are hosting" not in other.text
    assert "You have not joined this game." in other.text


async def test_a_server_without_an_enabled_channel_says_so(host):
    async with get_db_session() as db:
        await settings.update_channel_settings(
            db,
            member(1, manage=True),
            GUILD_ID,
            CHANNEL_ID,
            ChannelSettingsChanges(enabled=False),
        )
    server = await host.get(f"/servers/{GUILD_ID}")
    assert "No channel in this server accepts games yet" in server.text
    assert "host role" not in server.text
    refused = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert refused.status_code == 403
    assert "no channel in this server accepts games yet" in refused.text
    assert "host role" not in refused.text


async def test_the_time_zone_note_is_only_where_times_are_shown(host):
    game = await create_game()
    assert TIME_ZONE_NOTE in (await host.get(f"/games/{game.id}")).text
    assert TIME_ZONE_NOTE in (await host.get(f"/servers/{GUILD_ID}")).text
    assert TIME_ZONE_NOTE not in (await host.get("/servers")).text
    assert TIME_ZONE_NOTE not in (await host.get("/me/calendar")).text


async def test_min_players_says_when_it_is_enforced(host):
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert "not enforced yet" not in page.text
    assert "a game still short of this many at the deadline is cancelled" in page.text
