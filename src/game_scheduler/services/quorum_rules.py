"""The quorum settings in force for a game, what people are shown of it, and a move reopening it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from game_scheduler.domain import quorum
from game_scheduler.domain.quorum import QuorumRules
from game_scheduler.models import Game
from game_scheduler.seats import quorum_policy


@dataclass(frozen=True)
class QuorumSummary:
    """What the embed, the web page and the API show: the deadline and where the game stands."""

    min_players: int
    deadline_at: datetime
    label: str


def rules_for(game: Game) -> QuorumRules:
    """The quorum settings in force for ``game`` (``seats.quorum_policy``), as loaded."""
    return quorum_policy.rules_for(game, game.channel, game.guild)


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
