"""The host's roster in Chromium: find a member by name, add them, give them a seat, remove."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.messaging.events import Envelope
from game_scheduler.models import OutboxEvent
from game_scheduler.services import registry, signups
from tests.e2e.test_dashboard_browser import _sign_in
from tests.support.factories import GUILD_ID, create_game, member, player_id
from tests.support.members import seed_member

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOST_ID = 610_000_000_000_000_011


async def _dm_kinds() -> list[tuple[str, str]]:
    async with get_db_session() as db:
        rows = await db.execute(
            select(OutboxEvent.payload)
            .where(OutboxEvent.event_type == "notification.send_dm")
            .order_by(OutboxEvent.id)
        )
        data = [Envelope.model_validate(p).data for p in rows.scalars()]
    return [(d["recipient_discord_id"], d["kind"]) for d in data]


async def test_host_adds_a_member_by_name_and_moves_them_to_a_seat(context, live, configure):
    configure(removal_dm_grace_minutes="0")
    _, fake = live
    fake.add_user(HOST_ID, "hostess")
    fake.join(HOST_ID, GUILD_ID, "Test Server")
    game = await create_game(member(HOST_ID), max_players=1, title="Gloomhaven")
    seated, morgan = player_id(), player_id()
    async with get_db_session() as session:
        await registry.ensure_user(session, morgan, "Morgan")
        await session.commit()
    await seed_member(morgan)
    async with get_db_session() as session:
        await signups.join_game(session, member(seated), game.id)

    page = await _sign_in(context, live, HOST_ID)
    await page.get_by_role("link", name="Gloomhaven").click()
    await page.get_by_role("link", name="Manage players").click()
    await page.get_by_label("Name").fill("morg")
    await page.get_by_role("button", name="Search").click()
    await page.get_by_role("button", name="Add Morgan").click()
    await expect(page.get_by_role("status")).to_have_text("Player added: waitlist place 1.")
    waitlist = page.locator('[data-list="waitlist"]')
    await expect(waitlist).to_contain_text("Morgan")

    await waitlist.get_by_role("button", name="Give a seat").click()
    await expect(page.get_by_role("status")).to_contain_text("the player now has a seat")
    await expect(page.locator('[data-list="players"]')).to_contain_text("Morgan")
    assert await _dm_kinds() == [(str(morgan), "waitlist_promotion"), (str(seated), "demoted")]

    await page.locator(f'[data-player="{morgan}"]').get_by_role("button", name="Remove").click()
    await expect(page.get_by_role("status")).to_have_text("Player removed; they will be told.")
    await expect(page.locator('[data-list="players"]')).not_to_contain_text("Morgan")
    assert (str(morgan), "removed") in await _dm_kinds()
