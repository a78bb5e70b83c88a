"""Template services on both databases: defaults for the form, duplicates, a name race."""

import asyncio
from datetime import timedelta

import pytest

from game_scheduler.database import get_db_session
from game_scheduler.errors import NotAllowed, ValidationError
from game_scheduler.models import utcnow
from game_scheduler.services import game_defaults, templates
from game_scheduler.services.templates import TemplateDraft
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member, seed_channel

MANAGER = member(500_000_000_000_000_444, manage=True)
DRAFT = TemplateDraft(
    name="Weekly",
    title="Board games",
    max_players=6,
    duration_minutes=150,
    reminder_offsets=[30],
    channel_discord_id=CHANNEL_ID,
    ping_role_id=123,
)


async def test_template_fields_are_the_form_defaults(db_url):
    await seed_channel()
    async with get_db_session() as db:
        saved = await templates.create_template(db, MANAGER, GUILD_ID, DRAFT)
    async with get_db_session() as db:
        defaults = await game_defaults.game_fields_from_template(
            db, member(HOST_ID), GUILD_ID, saved.id
        )
    assert defaults == game_defaults.GameDefaults(
        title="Board games",
        channel_discord_id=CHANNEL_ID,
        duration_minutes=150,
        max_players=6,
        reminder_offsets=[30],
        ping_role_id=123,
    )
    async with get_db_session() as db:
        with pytest.raises(NotAllowed):
            await templates.create_template(db, member(HOST_ID), GUILD_ID, DRAFT)


async def test_a_duplicate_is_a_new_game_without_players(db_url):
    await seed_channel()
    original = await create_game(title="Raid", max_players=3)
    async with get_db_session() as db:
        fields = await game_defaults.game_fields_from_game(db, member(HOST_ID), original.id)
    assert fields.scheduled_at == original.scheduled_at + timedelta(days=7)
    async with get_db_session() as db:
        copy = await game_defaults.duplicate_game(db, member(HOST_ID), original.id)
    assert (copy.title, copy.max_players, copy.participants) == ("Raid", 3, [])
    assert copy.scheduled_at == original.scheduled_at + timedelta(days=7)
    assert copy.id != original.id
    async with get_db_session() as db:
        with pytest.raises(ValidationError):
            await game_defaults.duplicate_game(
                db, member(HOST_ID), original.id, utcnow() - timedelta(minutes=1)
            )


async def test_two_saves_of_one_name_at_once_keep_one(pg_db_url):
    await seed_channel()

    async def save() -> str:
        async with get_db_session() as db:
            try:
                await templates.create_template(db, MANAGER, GUILD_ID, DRAFT)
            except ValidationError as error:
                return str(error)
            return "saved"

    results = await asyncio.gather(save(), save())
    assert sorted(results) == ["saved", "this server already has a template of that name"]
    async with get_db_session() as db:
        assert len(await templates.list_templates(db, MANAGER, GUILD_ID)) == 1


async def test_a_duplicate_keeps_the_games_own_rules(db_url):
    await seed_channel()
    original = await create_game(
        quorum_deadline_minutes=0,
        seat_mode="offer",
        offer_window_minutes=12,
        reconfirm_frees_seat=True,
        remind_maybe=False,
    )
    async with get_db_session() as db:
        copy = await game_defaults.duplicate_game(db, member(HOST_ID), original.id)
    assert (copy.quorum_deadline_minutes, copy.seat_mode, copy.offer_window_minutes) == (
        0,
        "offer",
        12,
    )
    assert (copy.reconfirm_frees_seat, copy.remind_maybe) == (True, False)
    inherits = await create_game(title="Inherits")
    async with get_db_session() as db:
        plain = await game_defaults.duplicate_game(db, member(HOST_ID), inherits.id)
    assert plain.quorum_deadline_minutes is None
    assert plain.seat_mode is None
    assert plain.remind_maybe is None
