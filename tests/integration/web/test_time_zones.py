"""Time zones on the dashboard: your zone, the server's zone, and the game form's zone picker."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Guild, User, utcnow
from tests.integration.web.test_game_forms import _form
from tests.support.factories import GUILD_ID, HOST_ID, create_game, member
from tests.support.web import (
    all_games,
    csrf_for,
    field_error,
    input_value,
    stored_game,
    web_client,
)


def selected_zone(page: str, name: str = "timezone") -> str:
    """The option the page's zone picker has selected ("" for the blank one)."""
    start = page.index(f'<select id="{name}"')
    picker = page[start : page.index("</select>", start)]
    found = re.search(r'<option value="([^"]*)" selected>', picker)
    assert found, "no option selected"
    return found.group(1)


async def saved_zone(discord_id: int) -> str | None:
    async with get_db_session() as session:
        return await session.scalar(select(User.timezone).where(User.discord_id == discord_id))


async def server_zone() -> str | None:
    async with get_db_session() as session:
        return await session.scalar(select(Guild.timezone).where(Guild.discord_id == GUILD_ID))


async def test_my_time_zone_page_saves_refuses_and_clears(host):
    csrf = await csrf_for(host)

    saved = await host.post("/me/timezone", data={"csrf_token": csrf, "timezone": "Asia/Tokyo"})
    page = await host.get("/me/timezone")
    refused = await host.post("/me/timezone", data={"csrf_token": csrf, "timezone": "Mars/Base"})

    assert saved.status_code == 303
    assert selected_zone(page.text) == "Asia/Tokyo"
    assert await saved_zone(HOST_ID) == "Asia/Tokyo"
    assert refused.status_code == 422
    assert "is not an IANA time zone name" in (field_error(refused.text, "timezone") or "")
    assert await saved_zone(HOST_ID) == "Asia/Tokyo"
    await host.post("/me/timezone", data={"csrf_token": csrf, "timezone": ""})
    assert await saved_zone(HOST_ID) is None


async def test_my_time_zone_needs_the_csrf_token(host):
    response = await host.post("/me/timezone", data={"timezone": "Asia/Tokyo"})
    assert response.status_code in (400, 403)
    assert await saved_zone(HOST_ID) is None


async def test_server_settings_set_the_servers_zone(app, seeded):
    async with await web_client(app, member(HOST_ID, manage=True)) as admin:
        csrf = await csrf_for(admin)
        saved = await admin.post(
            f"/servers/{GUILD_ID}/settings",
            data={"csrf_token": csrf, "timezone": "America/New_York", "reminder_offsets": ""},
        )
        refused = await admin.post(
            f"/servers/{GUILD_ID}/settings",
            data={"csrf_token": csrf, "timezone": "Nowhere", "default_max_players": "x"},
        )
        page = await admin.get(f"/servers/{GUILD_ID}/settings")

    assert saved.status_code == 303
    assert refused.status_code == 422
    assert field_error(refused.text, "timezone")
    assert field_error(refused.text, "default_max_players")  # every problem at once
    assert selected_zone(page.text) == "America/New_York"
    assert await server_zone() == "America/New_York"


async def test_the_form_starts_in_my_zone_then_the_servers_then_the_browsers(host):
    blank = await host.get(f"/servers/{GUILD_ID}/games/new")
    async with get_db_session() as session:
        guild = await session.scalar(select(Guild).where(Guild.discord_id == GUILD_ID))
        assert guild is not None
        guild.timezone = "America/New_York"
        await session.commit()
    servers = await host.get(f"/servers/{GUILD_ID}/games/new")
    csrf = await csrf_for(host)
    await host.post("/me/timezone", data={"csrf_token": csrf, "timezone": "Europe/Berlin"})
    mine = await host.get(f"/servers/{GUILD_ID}/games/new")

    assert selected_zone(blank.text) == ""  # the browser's script picks its own zone
    assert "data-browser-default" in blank.text
    assert selected_zone(servers.text) == "America/New_York"
    assert selected_zone(mine.text) == "Europe/Berlin"


async def test_a_time_is_read_in_the_chosen_zone_across_dst(host):
    csrf = await csrf_for(host)
    zone = ZoneInfo("Europe/Berlin")
    day = (utcnow() + timedelta(days=3)).date()
    # Summer and winter time alike: the chosen zone decides the offset, not tz_offset.
    for offset_days in (0, 120):
        when = day + timedelta(days=offset_days)
        form = _form(
            csrf,
            title=f"Zoned {offset_days}",
            scheduled_at=f"{when.isoformat()}T20:00",
            tz_offset="300",
            timezone="Europe/Berlin",
        )
        response = await host.post(f"/servers/{GUILD_ID}/games", data=form)
        assert response.status_code == 303, response.text
    games = {g.title: g for g in await all_games()}
    for offset_days in (0, 120):
        when = day + timedelta(days=offset_days)
        expected = datetime.combine(when, time(20, 0), zone).astimezone(UTC)
        assert games[f"Zoned {offset_days}"].scheduled_at == expected


def spring_change(zone: ZoneInfo, year: int) -> date:
    """The day in ``year`` whose 02:30 the clocks skip in ``zone``."""
    day = date(year, 1, 1)
    while True:
        naive = datetime.combine(day, time(2, 30))
        there = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        if there.replace(tzinfo=None) != naive:
            return day
        day += timedelta(days=1)


async def test_a_bad_zone_and_a_skipped_hour_are_named_beside_their_fields(host):
    csrf = await csrf_for(host)
    bad_zone = await host.post(
        f"/servers/{GUILD_ID}/games", data=_form(csrf, timezone="Mars/Base", title="")
    )
    skipped_day = spring_change(ZoneInfo("Europe/Berlin"), utcnow().year + 1)
    skipped = await host.post(
        f"/servers/{GUILD_ID}/games",
        data=_form(csrf, timezone="Europe/Berlin", scheduled_at=f"{skipped_day}T02:30"),
    )

    assert bad_zone.status_code == 422
    assert "is not an IANA time zone name" in (field_error(bad_zone.text, "timezone") or "")
    assert field_error(bad_zone.text, "title")
    assert skipped.status_code == 422
    assert "the clocks skip that hour" in (field_error(skipped.text, "scheduled_at") or "")
    assert await all_games() == []


async def test_the_edit_form_shows_the_start_in_my_zone_and_keeps_it(host):
    csrf = await csrf_for(host)
    await host.post("/me/timezone", data={"csrf_token": csrf, "timezone": "America/New_York"})
    game = await create_game(title="Edited", minutes_ahead=5 * 24 * 60)
    shown_at = game.scheduled_at.astimezone(ZoneInfo("America/New_York"))

    page = await host.get(f"/games/{game.id}/edit")

    assert input_value(page.text, "scheduled_at") == shown_at.strftime("%Y-%m-%dT%H:%M")
    assert selected_zone(page.text) == "America/New_York"
    assert "data-utc" not in page.text
    form = _form(
        csrf,
        title="Edited again",
        scheduled_at=shown_at.strftime("%Y-%m-%dT%H:%M"),
        timezone="America/New_York",
        duration_minutes=str(game.duration_minutes),
        max_players=str(game.max_players),
        version=str(game.version),
    )
    response = await host.post(f"/games/{game.id}/edit", data=form)
    assert response.status_code == 303, response.text
    stored = await stored_game(game.id)
    assert stored.title == "Edited again"
    assert stored.scheduled_at == game.scheduled_at  # same minute: not moved
