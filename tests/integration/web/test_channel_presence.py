"""Channels the bot no longer sees: not offered for new games, and the host is told why."""

from datetime import timedelta

from game_scheduler.database import get_db_session
from game_scheduler.models import utcnow
from game_scheduler.services import games, guild_sync
from tests.support.factories import (
    CHANNEL_ID,
    GUILD_ID,
    create_game,
    member,
    player_id,
    seed_channel,
)
from tests.support.web import all_games, csrf_for, field_error, web_client

GONE_CHANNEL = 900_000_000_000_000_104


async def _drop(channel_id: int) -> None:
    async with get_db_session() as db:
        await guild_sync.drop_channel(db, channel_id)


async def test_a_deleted_channel_is_not_offered_and_the_pages_say_why(app, host):
    await seed_channel(channel_id=GONE_CHANNEL)
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert f'<option value="{GONE_CHANNEL}"' in page.text
    assert "data-unseen-channels" not in page.text
    await _drop(GONE_CHANNEL)
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert page.status_code == 200
    assert f'<option value="{CHANNEL_ID}"' in page.text
    assert f'<option value="{GONE_CHANNEL}"' not in page.text
    assert "the bot can no longer see it" in page.text
    async with await web_client(app, member(player_id(), manage=True)) as manager:
        settings_page = await manager.get(f"/servers/{GUILD_ID}/settings")
    assert settings_page.status_code == 200
    assert settings_page.text.count("The bot can no longer see this channel") == 1


async def test_posting_in_a_deleted_channel_is_refused_beside_the_field(host):
    await seed_channel(channel_id=GONE_CHANNEL)
    await _drop(GONE_CHANNEL)
    csrf = await csrf_for(host)
    start = (utcnow() + timedelta(days=3)).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")
    form = {
        "csrf_token": csrf,
        "channel_discord_id": str(GONE_CHANNEL),
        "title": "Board games",
        "scheduled_at": start,
        "tz_offset": "0",
        "min_players": "1",
    }
    page = await host.post(f"/servers/{GUILD_ID}/games", data=form)
    assert page.status_code == 422
    assert field_error(page.text, "channel_discord_id")
    assert "the bot can no longer see it" in page.text
    assert await all_games() == []


async def test_an_announcement_failure_is_shown_to_the_host_only(host, player):
    game = await create_game()
    page = await host.get(f"/games/{game.id}")
    assert "data-announcement-error" not in page.text
    await games.record_announcement_failure(game.id, "Missing Access (50001)")
    page = await host.get(f"/games/{game.id}")
    assert "The bot could not post this game in Discord: Missing Access (50001)" in page.text
    assert "data-announcement-error" not in (await player.get(f"/games/{game.id}")).text
    await games.record_announcement_failure(game.id, None)
    assert "data-announcement-error" not in (await host.get(f"/games/{game.id}")).text
