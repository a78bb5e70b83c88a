"""``game-scheduler status``: exit 0 healthy, 1 when something is wrong, 2 without a database."""

import json
from datetime import timedelta

import pytest

from game_scheduler import cli
from game_scheduler.database import get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.monitoring.heartbeat import record_beat
from tests.support.monitoring import closed_port, dead_letter, write_unpublished
from tests.support.seeding import seed_games


def run_status(capsys, *args: str) -> tuple[int, str]:
    """Exit code and what was printed (stdout and stderr)."""
    code = cli.main(["status", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def status_json(capsys) -> tuple[int, dict]:
    code, out = run_status(capsys, "--json")
    return code, json.loads(out)


def seed_reminder(due_in: timedelta) -> None:
    """A game whose one pending reminder (15 min before the start) is due in ``due_in``."""
    with get_sync_db_session() as session:
        seed_games(session, [utcnow() + due_in + timedelta(minutes=15)], offsets=(15,))


def test_a_healthy_deployment_exits_0_and_shows_what_it_counted(db_url, broker, capsys):
    seed_reminder(timedelta(minutes=20))
    record_beat("worker")
    record_beat("relay")

    code, report = status_json(capsys)

    assert code == 0, report
    assert report["healthy"] is True
    assert report["problems"] == []
    assert report["reminders"] == {"pending_next_hour": 1, "overdue": 0}
    assert report["outbox"]["backlog"] == 0
    assert report["outbox"]["last_relay_run"] is not None
    assert report["dead_letters"] == 0
    [worker] = report["processes"]
    assert (worker["kind"], worker["alive"]) == ("worker", True)

    code, text = run_status(capsys)
    assert code == 0
    assert text.startswith("healthy")
    assert "1 pending in the next hour, 0 overdue" in text


def test_an_overdue_pending_reminder_exits_1(db_url, broker, capsys):
    seed_reminder(-timedelta(minutes=5))

    code, report = status_json(capsys)

    assert code == 1
    assert report["reminders"]["overdue"] == 1
    assert "overdue" in report["problems"][0]


def test_a_backlog_older_than_a_minute_exits_1_and_a_fresh_one_does_not(db_url, broker, capsys):
    write_unpublished(2, timedelta(seconds=5))
    code, report = status_json(capsys)
    assert (code, report["outbox"]["backlog"]) == (0, 2)

    write_unpublished(1, timedelta(minutes=3))
    code, report = status_json(capsys)
    assert code == 1
    assert report["outbox"]["backlog"] == 3
    assert report["outbox"]["oldest_age_seconds"] >= 180


def test_dead_letters_exit_1(db_url, broker, capsys):
    dead_letter(broker, 2)

    code, report = status_json(capsys)

    assert code == 1
    assert report["dead_letters"] == 2


def test_an_unreachable_broker_exits_1(db_url, configure, capsys):
    configure(rabbitmq_url=f"amqp://guest:guest@127.0.0.1:{closed_port()}/")

    code, report = status_json(capsys)

    assert code == 1
    assert report["dead_letters"] is None
    assert report["broker_error"]
    assert report["problems"][0].startswith("broker unreachable")


@pytest.mark.parametrize("as_json", [True, False])
def test_an_unreachable_database_exits_2(configure, capsys, as_json):
    configure(database_url=f"postgresql://gs:secret-pw@127.0.0.1:{closed_port()}/gs")

    code, out = run_status(capsys, *(["--json"] if as_json else []))

    assert code == 2
    assert "cannot read the database" in out
    assert "secret-pw" not in out
