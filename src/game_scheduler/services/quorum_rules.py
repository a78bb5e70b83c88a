"""The quorum settings in force for a game, what people are shown of it, and a move reopening it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from game_scheduler.config import get_settings
from game_scheduler.domain import quorum
from game_scheduler.domain.quorum import QuorumRules
from game_scheduler.models import Game


@dataclass(frozen=True)
class QuorumSummary:
    """What the embed, the web page and the API show: the deadline and where the game stands."""

    min_players: int
    deadline_at: datetime
    label: str


def rules_for(game: Game) -> QuorumRules:
    """The quorum settings in force for ``game``: game, then channel, then server, then default.

    A game built without its channel or server (not loaded from the database) has only its own.
    """
    settings = get_settings()
    levels: list[tuple[int | None, str | None, int | None]] = [
        (game.quorum_deadline_minutes, None, None)
    ]
    for level in (game.channel, game.guild):
        if level is not None:
            levels.append(
                (level.quorum_deadline_minutes, level.quorum_action, level.quorum_nudge_minutes)
            )
    return quorum.effective_rules(
        levels,
        (
            settings.default_quorum_deadline_minutes,
            settings.default_quorum_action,
            settings.default_quorum_nudge_minutes,
        ),
    )


def summarise(game: Game, confirmed: int) -> QuorumSummary | None:
    """None when no deadline is in force (its channel and server must be loaded)."""
    deadline = quorum.deadline_at(game.scheduled_at, rules_for(game))
    if deadline is None:
        return None
    return QuorumSummary(
        game.min_players, deadline, quorum.label(game.quorum_state, game.min_players, confirmed)
    )


def reopen_after_move(game: Game, now: datetime) -> None:
    """After its start or deadline moved: decide the quorum afresh if the new deadline is ahead
    (``domain.quorum.reopens``); no commit. Its channel and server must be loaded."""
    deadline = quorum.deadline_at(game.scheduled_at, rules_for(game))
    if quorum.reopens(game.quorum_state, game.quorum_nudged_at is not None, deadline, now):
        game.quorum_state = None
        game.quorum_nudged_at = None
        game.quorum_checked_at = None
