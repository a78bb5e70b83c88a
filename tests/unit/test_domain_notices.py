from game_scheduler.domain import notices


def test_notices_after_a_cap_change():
    players = ["a", "b", "c", "d", "e"]
    assert notices.after_cap_change(players, 4, 2) == [
        notices.Notice("c", notices.DmKind.DEMOTED, 1),
        notices.Notice("d", notices.DmKind.DEMOTED, 2),
    ]
    assert notices.after_cap_change(players, 2, 3) == [
        notices.Notice("c", notices.DmKind.WAITLIST_PROMOTION)
    ]
    assert notices.after_cap_change(players, 3, 3) == []


def test_notices_after_a_leave_reschedule_and_cancel():
    players = ["a", "b", "c", "d"]
    promotion, removed = notices.DmKind.WAITLIST_PROMOTION, notices.DmKind.REMOVED
    assert notices.after_leave(players, 2, "a") == [notices.Notice("c", promotion)]
    assert notices.after_leave(players, 2, "d", removed_by_host=True) == [
        notices.Notice("d", removed)
    ]
    assert [n.recipient for n in notices.after_reschedule(players, 2)] == ["a", "b"]
    assert [n.recipient for n in notices.after_cancel(players)] == players


def test_carried_players_are_each_told_once():
    from game_scheduler.domain.notices import DmKind, Notice, after_carry_over

    assert after_carry_over(["ann", "bob"]) == [
        Notice("ann", DmKind.CARRIED_OVER),
        Notice("bob", DmKind.CARRIED_OVER),
    ]
