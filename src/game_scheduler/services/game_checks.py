"""The checks on a host's game: every problem of a new game or of a change, found at once."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from game_scheduler.config import get_settings
from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.offers import SEAT_SETTINGS, check_seat_setting
from game_scheduler.domain.quorum import validate_deadline
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.models import Channel, Game, GameStatus

if TYPE_CHECKING:
    from game_scheduler.services.games import GameChanges, GameDraft


def _first_set(*values: int | None) -> int:
    return next(v for v in values if v is not None)


def checked_draft(draft: GameDraft, channel: Channel, now: datetime) -> dict[str, object]:
    """A new game's fields; unset caps inherited from the channel, the server, the defaults.

    Raises ValidationError naming every bad field.
    """
    settings = get_settings()
    guild = channel.guild
    checks = Checks()
    max_players = checks.run(
        rules.check_max_players,
        _first_set(
            draft.max_players,
            channel.default_max_players,
            guild.default_max_players,
            settings.default_max_players,
        ),
    )
    fields = {
        "title": checks.run(rules.clean_title, draft.title),
        "description": checks.run(rules.clean_text, draft.description, "description"),
        "location": checks.run(rules.clean_text, draft.location, "location", rules.LOCATION_MAX),
        "signup_instructions": checks.run(
            rules.clean_text, draft.signup_instructions, "signup_instructions"
        ),
        "scheduled_at": checks.run(rules.check_start, draft.scheduled_at, now),
        "duration_minutes": checks.run(
            rules.check_duration,
            _first_set(draft.duration_minutes, settings.default_duration_minutes),
        ),
        "max_players": max_players,
        "min_players": checks.run(
            rules.check_min_players, draft.min_players, max_players or rules.MAX_PLAYERS_LIMIT
        ),
        "reminder_offsets": (
            None
            if draft.reminder_offsets is None
            else checks.run(validate_offsets, draft.reminder_offsets)
        ),
        "quorum_deadline_minutes": (
            None
            if draft.quorum_deadline_minutes is None
            else checks.run(validate_deadline, draft.quorum_deadline_minutes)
        ),
        "remind_maybe": draft.remind_maybe,
    }
    seat_settings = {
        field: checks.run(check_seat_setting, field, getattr(draft, field))
        for field in SEAT_SETTINGS
    }
    checks.raise_any()
    return fields | seat_settings


def checked_changes(game: Game, changes: GameChanges, now: datetime) -> dict[str, object]:
    """The fields a change gives, checked against the game as it stands.

    Raises ValidationError naming every bad field.
    """
    given = changes.model_fields_set
    checks = Checks()
    accepted: dict[str, object] = {}
    if "title" in given and changes.title is not None:
        accepted["title"] = checks.run(rules.clean_title, changes.title)
    for field, limit in (
        ("description", rules.TEXT_MAX),
        ("location", rules.LOCATION_MAX),
        ("signup_instructions", rules.TEXT_MAX),
    ):
        value = getattr(changes, field)
        if field in given and value is not None:
            accepted[field] = checks.run(rules.clean_text, value, field, limit)
    if "duration_minutes" in given and changes.duration_minutes is not None:
        accepted["duration_minutes"] = checks.run(rules.check_duration, changes.duration_minutes)
    if "scheduled_at" in given and changes.scheduled_at is not None:
        if game.status is not GameStatus.SCHEDULED:
            checks.problems.append(
                ("scheduled_at", "a game that has started cannot be rescheduled")
            )
        else:
            accepted["scheduled_at"] = checks.run(rules.check_start, changes.scheduled_at, now)
    if "reminder_offsets" in given:
        offsets = changes.reminder_offsets
        accepted["reminder_offsets"] = (
            None if offsets is None else checks.run(validate_offsets, offsets)
        )
    for field in SEAT_SETTINGS:
        if field in given:
            accepted[field] = checks.run(check_seat_setting, field, getattr(changes, field))
    if "quorum_deadline_minutes" in given:
        deadline = changes.quorum_deadline_minutes
        accepted["quorum_deadline_minutes"] = (
            None if deadline is None else checks.run(validate_deadline, deadline)
        )
    if "remind_maybe" in given:
        accepted["remind_maybe"] = changes.remind_maybe
    new_max = game.max_players
    if "max_players" in given and changes.max_players is not None:
        checked = checks.run(rules.check_max_players, changes.max_players)
        accepted["max_players"] = checked
        new_max = rules.MAX_PLAYERS_LIMIT if checked is None else checked
    new_min = game.min_players
    if "min_players" in given and changes.min_players is not None:
        new_min = changes.min_players
        accepted["min_players"] = new_min
    checks.run(rules.check_min_players, new_min, new_max)
    checks.raise_any()
    return accepted
