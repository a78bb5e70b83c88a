"""The account page for one's own reminder times and delivery; the quorum on a game's page."""

from sqlalchemy import select, update

from game_scheduler.database import get_db_session
from game_scheduler.models import Game, User
from tests.support.factories import HOST_ID, create_game
from tests.support.web import csrf_for, field_error, flash_text, input_value


async def _me() -> User:
    async with get_db_session() as db:
        return (await db.execute(select(User).where(User.discord_id == HOST_ID))).scalar_one()


async def test_my_reminders_are_saved_and_shown_again(host):
    page = await host.get("/me/reminders")
    assert page.status_code == 200
    assert input_value(page.text, "reminder_offsets") == ""
    form = {
        "csrf_token": await csrf_for(host),
        "reminder_offsets": "5, 1440",
        "delivery": "mention",
    }
    saved = await host.post("/me/reminders", data=form)
    assert saved.status_code == 303
    me = await _me()
    assert (me.reminder_offsets, me.reminder_mention) == ([1440, 5], True)
    page = await host.get(saved.headers["location"])
    assert flash_text(page.text) == "Your reminder settings are saved."
    assert input_value(page.text, "reminder_offsets") == "1440, 5"
    assert 'value="mention" checked' in page.text


async def test_bad_reminder_times_are_named_and_nothing_is_saved(host):
    form = {"csrf_token": await csrf_for(host), "reminder_offsets": "soon", "delivery": "pigeon"}
    page = await host.post("/me/reminders", data=form)
    assert page.status_code == 422
    assert field_error(page.text, "reminder_offsets")
    assert "choose direct messages or a mention" in page.text
    no_csrf = await host.post("/me/reminders", data={"reminder_offsets": "5"})
    assert no_csrf.status_code == 403
    me = await _me()
    assert me.reminder_offsets is None


async def test_a_game_page_shows_its_quorum(host):
    game = await create_game(minutes_ahead=3 * 24 * 60, max_players=4, min_players=3)
    async with get_db_session() as db:
        await db.execute(update(Game).where(Game.id == game.id).values(quorum_deadline_minutes=60))
        await db.commit()
    page = await host.get(f"/games/{game.id}")
    assert "Quorum" in page.text
    assert "needs 3 more" in page.text
    assert "at least 3 by" in page.text
