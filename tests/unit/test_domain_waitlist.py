import pytest
from hypothesis import given
from hypothesis import strategies as st

from game_scheduler.domain import waitlist


def test_split_confirms_the_first_max_players():
    lineup = waitlist.split(["a", "b", "c", "d"], 2)
    assert lineup.confirmed == ["a", "b"]
    assert lineup.waitlist == ["c", "d"]


@pytest.mark.parametrize(
    ("rank", "confirmed", "position"),
    [(0, True, None), (2, True, None), (3, False, 1), (5, False, 3)],
)
def test_rank_decides_seat_and_waitlist_position(rank, confirmed, position):
    assert waitlist.is_confirmed(rank, 3) is confirmed
    assert waitlist.waitlist_position(rank, 3) == position


def test_confirmed_leaver_promotes_first_waitlisted():
    assert waitlist.promoted_by_leave(["a", "b", "c", "d"], 2, "a") == ["c"]


def test_waitlisted_leaver_promotes_nobody():
    assert waitlist.promoted_by_leave(["a", "b", "c", "d"], 2, "d") == []


def test_leaver_with_empty_waitlist_promotes_nobody():
    assert waitlist.promoted_by_leave(["a", "b"], 2, "b") == []
    assert waitlist.promoted_by_leave(["a", "b"], 2, "zz") == []


def test_cap_changes():
    players = ["a", "b", "c", "d", "e"]
    assert waitlist.promoted_by_cap_change(players, 2, 4) == ["c", "d"]
    assert waitlist.promoted_by_cap_change(players, 4, 2) == []
    assert waitlist.demoted_by_cap_change(players, 4, 2) == ["c", "d"]
    assert waitlist.demoted_by_cap_change(players, 2, 4) == []


def test_next_position_goes_after_everyone():
    assert waitlist.next_position([]) == 1
    assert waitlist.next_position([1, 2, 7]) == 8


@given(st.lists(st.integers(), unique=True, max_size=30), st.integers(1, 20), st.data())
def test_leave_keeps_the_cap_filled(players, cap, data):
    if not players:
        return
    leaving = data.draw(st.sampled_from(players))
    promoted = waitlist.promoted_by_leave(players, cap, leaving)
    remaining = [p for p in players if p != leaving]
    before = waitlist.split(players, cap).confirmed
    after = waitlist.split(remaining, cap).confirmed
    assert set(after) == (set(before) - {leaving}) | set(promoted)
    assert len(after) == min(cap, len(remaining))
