"""The quorum settings in force for a game: its own deadline, then its channel's, then its
server's, then the defaults; for the async services and the sync scheduler alike."""

from __future__ import annotations

from game_scheduler.config import get_settings
from game_scheduler.domain import quorum
from game_scheduler.domain.quorum import QuorumRules
from game_scheduler.models import Channel, Game, Guild


def rules_for(game: Game, channel: Channel | None, guild: Guild | None) -> QuorumRules:
    """Per field, the first level that sets it wins (``domain.quorum.effective_rules``).

    A game built without its channel or server (not loaded from the database) has only its own.
    """
    settings = get_settings()
    levels: list[tuple[int | None, str | None, int | None]] = [
        (game.quorum_deadline_minutes, None, None)
    ]
    for level in (channel, guild):
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
