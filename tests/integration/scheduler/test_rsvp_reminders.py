"""Reminders reach the host and the confirmed players; players who answered maybe only when the
game, channel or server says so; those who can't come and the waitlist never."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from game_scheduler.database import get_sync_db_session
from game_scheduler.domain.rsvp import Response
from game_scheduler.messaging.outbox import take_staged
from game_scheduler.models import Channel, Game, Guild, Participant, User, utcnow
from game_scheduler.scheduler.services.notification_service import (
    NotificationService,
    SendOutcome,
)
from tests.support.seeding import seed_games


def _seed_with_answers():
    """Two going players and one waiting (cap 2), then one maybe and one declined player."""
    with get_sync_db_session() as session:
        [game] = seed_games(session, [utcnow() + timedelta(minutes=30)], players=4, waitlisted=1)
        unsure, out = game.confirmed[2], game.confirmed[3]
        for discord_id, answer in ((unsure, Response.MAYBE), (out, Response.DECLINED)):
            user_id = session.query(User.id).filter(User.discord_id == discord_id).scalar_subquery()
            session.execute(
                update(Participant)
                .where(Participant.game_id == game.game_id, Participant.user_id == user_id)
                .values(response=answer)
            )
        session.execute(update(Game).where(Game.id == game.game_id).values(max_players=2))
        session.commit()
    return game, unsure, out


def _recipients(game):
    now = game.scheduled_at - timedelta(minutes=15)
    rid = game.reminder_ids[15]
    with get_sync_db_session() as session:
        result = NotificationService().stage_reminders(session, [rid], now)[rid]
        envelopes = take_staged(session)
        session.rollback()
    assert result.outcome is SendOutcome.SENT
    return {int(e.payload().recipient_discord_id) for e in envelopes}  # type: ignore[attr-defined]


def _set(model, value, game_id=None):
    with get_sync_db_session() as session:
        stmt = update(model).values(remind_maybe=value)
        if game_id is not None:
            stmt = stmt.where(Game.id == game_id)
        session.execute(stmt)
        session.commit()


def test_maybe_and_declined_players_get_no_reminder_by_default(db_url):
    game, unsure, out = _seed_with_answers()
    reached = _recipients(game)
    assert reached == {game.host, *game.confirmed[:2]}
    assert unsure not in reached
    assert out not in reached


@pytest.mark.parametrize(
    ("levels", "maybe_reminded"),
    [
        ({Guild: True}, True),
        ({Guild: True, Channel: False}, False),
        ({Channel: True}, True),
        ({Guild: True, Game: False}, False),
        ({Game: True}, True),
    ],
)
def test_the_setting_brings_maybe_players_in_never_declined_ones(db_url, levels, maybe_reminded):
    game, unsure, out = _seed_with_answers()
    for model, value in levels.items():
        _set(model, value, game.game_id if model is Game else None)
    reached = _recipients(game)
    assert (unsure in reached) is maybe_reminded
    assert out not in reached
    assert not reached & set(game.waitlisted)
    assert {game.host, *game.confirmed[:2]} <= reached
