"""``game-scheduler status``: what an operator needs at a glance, and a cron-friendly exit code.

Exit 0 when healthy; 1 when something needs attention (overdue reminders, an outbox backlog
older than a minute, dead letters, a broker that does not answer); 2 when the database cannot be
read at all.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from game_scheduler.config import get_settings
from game_scheduler.database import dispose_sync_engine, get_sync_db_session
from game_scheduler.models import utcnow
from game_scheduler.monitoring.probes import BrokerUnreachable, dead_letter_count
from game_scheduler.monitoring.snapshot import StoreSnapshot, read_store

HEALTHY, UNHEALTHY, UNREACHABLE = 0, 1, 2
BACKLOG_AGE_LIMIT = 60.0


@dataclass
class Status:
    """The database snapshot, the broker's answer, and what is wrong."""

    store: StoreSnapshot
    dead_letters: int | None
    broker_error: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 healthy, 1 something is wrong."""
        return UNHEALTHY if self.problems else HEALTHY

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` form (times ISO 8601 UTC)."""
        store = self.store
        return {
            "healthy": not self.problems,
            "problems": self.problems,
            "checked_at": _iso(store.now),
            "processes": [
                {
                    "kind": p.kind,
                    "host": p.host,
                    "pid": p.pid,
                    "started_at": _iso(p.started_at),
                    "last_seen": _iso(p.last_seen),
                    "age_seconds": round(p.age_seconds, 1),
                    "alive": p.alive,
                }
                for p in store.processes
            ],
            "reminders": {
                "pending_next_hour": store.reminders_next_hour,
                "overdue": store.reminders_overdue,
            },
            "outbox": {
                "backlog": store.outbox_backlog,
                "oldest_age_seconds": round(store.outbox_oldest_age_seconds, 1),
                "last_relay_run": _iso(store.last_relay_run),
            },
            "dead_letters": self.dead_letters,
            "broker_error": self.broker_error,
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def find_problems(
    store: StoreSnapshot, dead_letters: int | None, broker_error: str | None
) -> list[str]:
    """The rules behind exit code 1, one sentence per problem."""
    problems = []
    if store.reminders_overdue:
        problems.append(f"{store.reminders_overdue} pending reminder(s) overdue by over a minute")
    if store.outbox_backlog and store.outbox_oldest_age_seconds > BACKLOG_AGE_LIMIT:
        problems.append(
            f"outbox backlog of {store.outbox_backlog}, oldest "
            f"{store.outbox_oldest_age_seconds:.0f} s old"
        )
    if broker_error is not None:
        problems.append(f"broker unreachable: {broker_error}")
    elif dead_letters:
        problems.append(f"{dead_letters} message(s) in the dead-letter queue")
    return problems


def collect_status(rabbitmq_url: str) -> Status:
    """Read the database (raises if it cannot) and ask the broker (its failure is a problem)."""
    with get_sync_db_session() as session:
        store = read_store(session, utcnow())
    dead_letters: int | None
    broker_error: str | None = None
    try:
        dead_letters = dead_letter_count(rabbitmq_url)
    except BrokerUnreachable as error:
        dead_letters, broker_error = None, str(error) or "no answer"
    return Status(
        store, dead_letters, broker_error, find_problems(store, dead_letters, broker_error)
    )


def render_text(status: Status) -> str:
    """The human-readable report."""
    store = status.store
    lines = ["healthy" if not status.problems else "UNHEALTHY"]
    lines += [f"  ! {problem}" for problem in status.problems]
    lines.append("processes:")
    if not store.processes:
        lines.append("  (none has reported a heartbeat)")
    for p in store.processes:
        state = "up" if p.alive else "NOT SEEN"
        lines.append(
            f"  {p.kind:<7} {p.host}:{p.pid:<8} last seen {p.age_seconds:6.0f} s ago  {state}"
        )
    relay = store.last_relay_run
    relay_text = f"{(store.now - relay).total_seconds():.0f} s ago" if relay else "never"
    dead = status.dead_letters if status.dead_letters is not None else "unknown"
    lines += [
        f"reminders: {store.reminders_next_hour} pending in the next hour, "
        f"{store.reminders_overdue} overdue",
        f"outbox: {store.outbox_backlog} unpublished, oldest "
        f"{store.outbox_oldest_age_seconds:.0f} s; last relay run {relay_text}",
        f"dead letters: {dead}",
    ]
    return "\n".join(lines)


def main(command: str, argv: list[str]) -> int:
    """Entry point of ``game-scheduler status``."""
    parser = argparse.ArgumentParser(
        prog=f"game-scheduler {command}",
        description="Show heartbeats, reminders, outbox backlog and dead letters (DATABASE_URL, "
        "RABBITMQ_URL). Exit 0 healthy, 1 something is wrong, 2 database unreachable.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        status = collect_status(settings.rabbitmq_url)
    except Exception as error:
        message = f"cannot read the database (up and migrated?): {type(error).__name__}"
        if args.json:
            print(json.dumps({"healthy": False, "problems": [message]}))
        else:
            print(f"game-scheduler {command}: {message}", file=sys.stderr)
        return UNREACHABLE
    finally:
        dispose_sync_engine()
    print(json.dumps(status.as_dict(), indent=2) if args.json else render_text(status))
    return status.exit_code
