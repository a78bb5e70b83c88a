import pytest

from game_scheduler.domain.status import (
    GameStatus,
    can_transition,
    check_transition,
    is_open_for_signup,
)
from game_scheduler.errors import InvalidTransition

S, P, C, X = (
    GameStatus.SCHEDULED,
    GameStatus.IN_PROGRESS,
    GameStatus.COMPLETED,
    GameStatus.CANCELLED,
)
ALLOWED = {(S, P), (S, X), (P, C), (P, X)}


@pytest.mark.parametrize("current", list(GameStatus))
@pytest.mark.parametrize("target", list(GameStatus))
def test_every_transition(current, target):
    assert can_transition(current, target) is ((current, target) in ALLOWED)
    if (current, target) not in ALLOWED:
        with pytest.raises(InvalidTransition):
            check_transition(current, target)


def test_only_scheduled_games_take_signups():
    assert [s for s in GameStatus if is_open_for_signup(s)] == [S]
