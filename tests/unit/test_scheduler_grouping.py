from datetime import UTC, datetime, timedelta

from game_scheduler.scheduler.services.due_reminders import group_by_due_time

NOW = datetime(2030, 5, 1, 20, 0, tzinfo=UTC)


def test_reminders_due_together_share_a_send_and_overdue_ones_go_at_once():
    soon = NOW + timedelta(seconds=30)
    later = NOW + timedelta(seconds=90)
    due = [
        (1, NOW - timedelta(minutes=5)),
        (2, NOW),
        (3, soon),
        (4, soon),
        (5, later),
        (6, NOW - timedelta(seconds=1)),
    ]
    assert list(group_by_due_time(due, NOW)) == [(None, [1, 2, 6]), (soon, [3, 4]), (later, [5])]


def test_large_groups_are_split():
    due = [(i, NOW) for i in range(7)]
    assert list(group_by_due_time(due, NOW, size=3)) == [
        (None, [0, 1, 2]),
        (None, [3, 4, 5]),
        (None, [6]),
    ]
