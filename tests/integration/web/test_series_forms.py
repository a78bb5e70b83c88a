"""The dashboard's "Repeats" section, the edit scope of a series game, and ending a series."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from game_scheduler.database import get_sync_db_session
from game_scheduler.models import Game, GameSeries, GameStatus, utcnow
from game_scheduler.scheduler.services.series import materialise_all
from tests.integration.web.test_game_forms import _form
from tests.support.factories import GUILD_ID
from tests.support.series import KeepingPublisher
from tests.support.web import csrf_for, field_error, flash_text


def _series() -> list[GameSeries]:
    with get_sync_db_session() as session:
        return list(session.scalars(select(GameSeries).order_by(GameSeries.id)))


def _games() -> list[Game]:
    with get_sync_db_session() as session:
        return list(session.scalars(select(Game).order_by(Game.occurrence_start, Game.id)))


async def _post_series(host: httpx.AsyncClient, **repeat: str | list[str]) -> httpx.Response:
    csrf = await csrf_for(host)
    data: dict[str, str | list[str]] = {
        **_form(csrf, title="Tuesday D&D"),
        "repeat_interval": "1",
        "repeat_end": "never",
        "repeat_zone": "Europe/Berlin",
        "carry_mode": "fresh",
        **repeat,
    }
    return await host.post(f"/servers/{GUILD_ID}/games", data=data)


async def test_new_form_offers_repeats_and_creates_a_series(host):
    page = await host.get(f"/servers/{GUILD_ID}/games/new")
    assert 'name="repeat"' in page.text
    assert 'name="repeat_weekdays" value="TU"' in page.text
    response = await _post_series(
        host, repeat="weekly", repeat_weekdays=["TU", "FR"], carry_mode="carry"
    )
    assert response.status_code == 303, response.text
    [plan] = _series()
    assert "BYDAY=TU,FR" in plan.rrule
    assert (plan.zone, plan.carry_mode) == ("Europe/Berlin", "carry")
    [game] = _games()
    assert game.series_id == plan.id
    page = await host.get(response.headers["location"])
    assert flash_text(page.text) == "Series created: the next games appear ahead of time."
    assert "End the series" in page.text


async def test_bad_repeat_fields_show_beside_the_section_and_nothing_is_made(host):
    response = await _post_series(
        host, repeat="weekly", repeat_zone="Nowhere/Land", repeat_end="count", repeat_count=""
    )
    assert response.status_code == 422
    assert field_error(response.text, "timezone")
    assert field_error(response.text, "repeat_count") == "enter a number"
    assert _series() == []
    assert _games() == []


async def test_edit_following_splits_and_the_end_button_cancels_the_rest(host):
    await _post_series(host, repeat="weekly")
    with get_sync_db_session() as session:
        materialise_all(session, utcnow() + timedelta(days=7), KeepingPublisher())
    first, second, third = _games()
    edit = await host.get(f"/games/{second.id}/edit")
    assert 'name="scope" value="following"' in edit.text
    csrf = await csrf_for(host)
    form = _form(
        csrf,
        title="New arc",
        scheduled_at=second.scheduled_at.strftime("%Y-%m-%dT%H:%M"),
        duration_minutes=str(second.duration_minutes),
        max_players=str(second.max_players),
        version=str(second.version),
        scope="following",
    )
    saved = await host.post(f"/games/{second.id}/edit", data=form)
    assert saved.status_code == 303, saved.text
    titles = {g.id: g.title for g in _games()}
    assert titles == {first.id: "Tuesday D&D", second.id: "New arc", third.id: "New arc"}
    new_series = {g.series_id for g in _games() if g.id != first.id}
    assert len(new_series) == 1
    assert new_series != {first.series_id}

    [ended_id] = new_series
    ended = await host.post(f"/series/{ended_id}/end", data={"csrf_token": csrf})
    assert ended.status_code == 303, ended.text
    statuses = {g.id: g.status for g in _games()}
    assert statuses[first.id] is GameStatus.SCHEDULED
    assert statuses[second.id] is statuses[third.id] is GameStatus.CANCELLED
