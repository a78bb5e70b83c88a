"""A completed game asks its host, once, by DM to mark attendance; empty games ask nobody."""

from datetime import timedelta

from game_scheduler.database import get_sync_db_session
from game_scheduler.messaging.events import DmKind, EventType, SendDm
from game_scheduler.messaging.outbox import take_staged
from game_scheduler.models import utcnow
from game_scheduler.scheduler.services.game_status import stage_status_changes
from tests.support.seeding import seed_games


def run(now):
    with get_sync_db_session() as session:
        stage_status_changes(session, now)
        envelopes = take_staged(session)
        session.commit()
    return [e.payload() for e in envelopes if e.event_type is EventType.SEND_DM]


def test_the_host_is_asked_once_when_the_game_completes(db_url, configure):
    configure(database_url=db_url, public_url="https://games.example.org/")
    now = utcnow()
    with get_sync_db_session() as session:
        (over,) = seed_games(session, [now - timedelta(minutes=130)], duration_minutes=120)
        (running,) = seed_games(session, [now - timedelta(minutes=10)], duration_minutes=120)

    first = run(now)

    assert len(first) == 1
    dm = first[0]
    assert isinstance(dm, SendDm)
    assert dm.kind is DmKind.ATTENDANCE
    assert dm.recipient_discord_id == str(over.host)
    assert dm.game_id == over.game_id
    assert dm.url == f"https://games.example.org/games/{over.game_id}/attendance"
    assert run(now) == []  # completed already: never asked twice
    later = run(now + timedelta(minutes=115))
    assert [(d.kind, d.game_id) for d in later] == [(DmKind.ATTENDANCE, running.game_id)]


def test_a_game_nobody_played_asks_nobody(db_url):
    now = utcnow()
    with get_sync_db_session() as session:
        seed_games(session, [now - timedelta(minutes=130)], players=0, waitlisted=0)
    assert run(now) == []
