"""Dashboard pages as a member sees them: servers, upcoming games with filters, a game."""

import re

from game_scheduler.app.http import create_http_app
from game_scheduler.database import get_db_session
from game_scheduler.models import GameStatus
from game_scheduler.services import games
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    HOST_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)
from tests.support.web import csrf_for, web_client

OTHER_CHANNEL = 900_000_000_000_000_102
OTHER_GUILD = 900_000_000_000_000_777


async def test_pages_need_sign_in_and_come_back_after(anonymous, pg_db_url):
    response = await anonymous.get("/servers/123?channel=5")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/servers/123%3Fchannel%3D5"
    root = await anonymous.get("/")
    assert root.headers["location"] == "/signin?next=/"


async def test_sign_in_page_links_to_discord_when_configured(anonymous, pg_db_url, configure):
    configure(discord_client_id="abc")
    page = await anonymous.get("/signin", params={"next": "/games/7"})
    assert page.status_code == 200
    assert 'href="/auth/login?next=/games/7"' in page.text
    assert "demo" not in page.text.lower()
    offsite = await anonymous.get("/signin", params={"next": "//evil.example/"})
    assert 'href="/auth/login?next=/"' in offsite.text


async def test_servers_lists_the_viewers_servers(host):
    page = await host.get("/servers")
    assert page.status_code == 200
    assert f'href="/servers/{GUILD_ID}"' in page.text
    assert "Server 9" in page.text  # open_session names servers "Server <id>"


async def test_server_page_lists_upcoming_games_soonest_first(host):
    await create_game(title="Later game", minutes_ahead=600)
    await create_game(title="Sooner game", minutes_ahead=60)
    cancelled = await create_game(title="Called off")
    async with get_db_session() as db:
        await games.cancel_game(db, member(HOST_ID), cancelled.id)
    page = await host.get(f"/servers/{GUILD_ID}")
    assert page.status_code == 200
    titles = re.findall(r'<h3><a href="/games/\d+">([^<]+)</a></h3>', page.text)
    assert titles == ["Sooner game", "Later game"]
    assert "2 upcoming games" in page.text
    assert f'href="/servers/{GUILD_ID}/games/new"' in page.text
    assert "/settings" not in page.text  # a plain member does not configure


async def test_server_page_filters_by_channel_and_mine(app, host, seeded):
    await seed_channel(channel_id=OTHER_CHANNEL)
    await create_game(title="Mine here")
    await create_game(title="Elsewhere", channel_discord_id=OTHER_CHANNEL)
    other_host = member(player_id())
    await create_game(other_host, title="Not mine")

    def titles(text: str) -> list[str]:
        return re.findall(r'<h3><a href="/games/\d+">([^<]+)</a></h3>', text)

    by_channel = await host.get(f"/servers/{GUILD_ID}", params={"channel": str(CHANNEL_ID)})
    assert titles(by_channel.text) == ["Mine here", "Not mine"]
    mine = await host.get(f"/servers/{GUILD_ID}", params={"mine": "1"})
    assert sorted(titles(mine.text)) == ["Elsewhere", "Mine here"]
    both = await host.get(
        f"/servers/{GUILD_ID}", params={"mine": "1", "channel": str(OTHER_CHANNEL)}
    )
    assert titles(both.text) == ["Elsewhere"]
    junk = await host.get(f"/servers/{GUILD_ID}", params={"channel": "x", "offset": "-1"})
    assert junk.status_code == 200
    assert len(titles(junk.text)) == 3


async def test_another_servers_pages_are_not_found(app, host):
    await seed_channel(guild_id=OTHER_GUILD, channel_id=OTHER_CHANNEL)
    game = await create_game(
        member(player_id(), OTHER_GUILD), channel_discord_id=OTHER_CHANNEL, title="Secret"
    )
    for url in (f"/servers/{OTHER_GUILD}", f"/games/{game.id}", f"/games/{game.id}/edit"):
        page = await host.get(url)
        assert page.status_code == 404, url
        assert "Secret" not in page.text
        assert "<h1>Not found</h1>" in page.text
    for url in ("/games/abc", "/games/0", "/servers/99999999999999999999999"):
        assert (await host.get(url)).status_code == 404, url


async def test_game_page_shows_lineup_waitlist_and_calendar_links(app, host):
    game = await create_game(title="Catan <night>", max_players=1, location="Table 2")
    first, second = member(player_id()), member(player_id())
    for actor in (first, second):
        async with await web_client(app, actor) as client:
            joined = await client.post(
                f"/games/{game.id}/join",
                data={"csrf_token": await csrf_for(client)},
            )
            assert joined.status_code == 303
    page = await host.get(f"/games/{game.id}")
    assert page.status_code == 200
    text = page.text
    assert "Catan &lt;night&gt;" in text
    assert "Catan <night>" not in text
    players = text.split('id="players-heading"')[1].split("</ol>")[0]
    waiting = text.split('id="waitlist-heading"')[1].split("</ol>")[0]
    assert first.username in players
    assert second.username not in players
    assert second.username in waiting
    assert "Players (1/1)" in text
    assert "Waitlist (1)" in text
    assert f'href="/api/v1/games/{game.id}.ics"' in text
    assert re.search(r'value="http://127\.0\.0\.1:8000/calendar/[\w-]+\.ics"', text)
    assert f'href="/games/{game.id}/edit"' in text  # the host manages it
    assert "Join the waitlist" in text
    assert f'datetime="{game.scheduled_at.strftime("%Y-%m-%dT%H:%M:%SZ")}"' in text
    assert "1 h, 15 min before" in text
    assert game.status is GameStatus.SCHEDULED


async def test_players_see_no_manage_actions(host, player):
    game = await create_game()
    page = await player.get(f"/games/{game.id}")
    assert f'href="/games/{game.id}/edit"' not in page.text
    assert (await player.get(f"/games/{game.id}/edit")).status_code == 403
    assert (await player.get(f"/games/{game.id}/cancel")).status_code == 403


async def test_console_page_shows_the_console_bots_messages(host):
    page = await host.get("/console")
    assert page.status_code == 200
    assert page.text.index("&lt;b&gt;Reminder&lt;/b&gt;") < page.text.index("First")
    assert 'datetime="2030-01-02T18:00:00Z"' in page.text
    assert 'href="/console"' in page.text


async def test_console_page_is_absent_without_a_console_bot(seeded):
    async with await web_client(create_http_app(), member(HOST_ID)) as client:
        assert (await client.get("/console")).status_code == 404
        assert 'href="/console"' not in (await client.get("/servers")).text


async def test_pages_carry_security_headers(host):
    page = await host.get("/servers")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
