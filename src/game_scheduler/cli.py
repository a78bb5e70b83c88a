"""The ``game-scheduler`` command: thin wrappers that parse arguments and start one part."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta

from game_scheduler.config import get_settings, secret_key_problem
from game_scheduler.observability.logs import configure_logging

# Each subcommand's implementation lives with its process; importing lazily keeps `--help` fast
# and lets a process start without the other processes' dependencies loaded.
COMMANDS: dict[str, tuple[str, str]] = {
    "up": ("game_scheduler.app.up", "run everything in one process on SQLite (no services needed)"),
    "api": ("game_scheduler.app.http", "serve the HTTP API and dashboard (uvicorn)"),
    "bot": ("game_scheduler.bot.main", "run the Discord bot and its event consumer"),
    "worker": ("game_scheduler.scheduler.cli", "run a Celery worker for the scheduler tasks"),
    "beat": ("game_scheduler.scheduler.cli", "run Celery beat (exactly one per deployment)"),
    "invite-url": ("game_scheduler.bot.invite", "print the URL that adds the bot to a server"),
    "status": (
        "game_scheduler.monitoring.status",
        "show heartbeats, backlog, dead letters; exit 1 if unwell",
    ),
}


def _migrate(args: argparse.Namespace) -> int:
    from game_scheduler import migrate

    if args.downgrade:
        migrate.downgrade(revision=args.revision)
    else:
        migrate.upgrade(revision=args.revision)
    print(f"database migrated to {args.revision}")
    return 0


def _format_age(age: timedelta | None) -> str:
    if age is None:
        return "age ?"
    seconds = max(int(age.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"age {days}d{hours}h"
    if hours:
        return f"age {hours}h{minutes}m"
    return f"age {minutes}m{seconds}s"


def _dead_letters(args: argparse.Namespace) -> int:
    from game_scheduler.messaging import dead_letters

    url = get_settings().rabbitmq_url
    logging.getLogger("pika").setLevel(logging.CRITICAL)  # the one line below says what failed
    try:
        if args.action == "list":
            letters = dead_letters.list_dead_letters(url)
            for letter in letters:
                when = letter.dead_lettered_at
                print(
                    f"{letter.event_id}  {letter.event_type}  {letter.routing_key}  "
                    f"{when.isoformat(timespec='seconds') if when else '?'}  "
                    f"{_format_age(letter.age())}  {letter.reason}"
                )
            print(f"{len(letters)} dead letters")
            return 0
        if args.all == bool(args.event_ids):
            print(
                "game-scheduler dead-letters replay: give --all or one or more EVENT_IDs",
                file=sys.stderr,
            )
            return 2
        replayed, missing = dead_letters.replay(url, None if args.all else args.event_ids)
    except dead_letters.BrokerUnreachable as error:
        print(f"game-scheduler dead-letters: {error}", file=sys.stderr)
        return 2
    for event_id in missing:
        print(f"not found: {event_id}")
    print(f"replayed {replayed}, not found {len(missing)}")
    return 1 if missing else 0


def _add_dead_letters(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "dead-letters",
        help="list or replay the events the bot gave up on (RABBITMQ_URL)",
        description="Events in bot_events.dead: malformed messages and events whose handler "
        "failed deterministically (outages are retried, never dead-lettered).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="one line per dead letter, then 'N dead letters'")
    replay = actions.add_parser(
        "replay",
        help="republish dead letters to the game_scheduler exchange and remove them",
        description="Republish with the original routing key, body and properties, then remove "
        "from bot_events.dead. Replaying an event that was already handled is harmless: the "
        "bot drops event ids it completed. Exit 1 if a named EVENT_ID is not there.",
    )
    replay.add_argument("event_ids", nargs="*", metavar="EVENT_ID", help="event ids to replay")
    replay.add_argument("--all", action="store_true", help="replay every dead letter")
    parser.set_defaults(handler=_dead_letters)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="game-scheduler",
        description="Schedule Discord game sessions: signups, waitlist, reminders, calendars.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    migrate = sub.add_parser(
        "migrate", help="upgrade the database (DATABASE_URL) to the newest schema"
    )
    migrate.add_argument(
        "revision", nargs="?", default="head", help="target revision (default: head)"
    )
    migrate.add_argument("--downgrade", action="store_true", help="go down to REVISION instead")
    migrate.set_defaults(handler=_migrate)
    _add_dead_letters(sub)
    for name, (module, help_text) in COMMANDS.items():
        # No arguments of its own: everything after the name goes to the part (see main()).
        cmd = sub.add_parser(name, help=help_text, add_help=False)
        cmd.set_defaults(handler=_delegate(module, name), args=[])
    return parser


# The processes of a real deployment: they refuse the public default SECRET_KEY.
GUARDED = {"api", "bot", "worker", "beat"}


def _delegate(module: str, name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        problem = secret_key_problem(get_settings()) if name in GUARDED else None
        if problem is not None:
            print(f"game-scheduler {name}: {problem}", file=sys.stderr)
            return 2
        try:
            target = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith("game_scheduler"):
                print(f"game-scheduler {name}: not available in this version", file=sys.stderr)
                return 2
            raise
        code: int = target.main(name, list(args.args))
        return code

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    configure_logging(get_settings())
    parser = build_parser()
    # Subcommands other than migrate take no arguments here: everything after the name is theirs.
    args, rest = parser.parse_known_args(argv)
    if args.command in COMMANDS:
        args.args = rest
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command is None:
        parser.print_help()
        return 2
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
