"""Personal reminders: who each audience's reminder goes to, and each audience's offsets."""

from game_scheduler.domain.reminders import audience_offsets, recipients


def test_a_game_wide_reminder_skips_users_with_personal_offsets():
    assert recipients(1, [2, 3, 4], personal={3}) == [1, 2, 4]
    assert recipients(1, [2, 3], personal={1}) == [2, 3]


def test_a_personal_reminder_goes_to_its_user_only_while_host_or_confirmed():
    assert recipients(1, [2, 3], audience=3, personal={3}) == [3]
    assert recipients(1, [2, 3], audience=1, personal={1}) == [1]
    assert recipients(1, [2, 3], audience=9, personal={9}) == []  # waitlisted or gone


def test_each_user_with_personal_offsets_is_an_audience_beside_everyone():
    plan = audience_offsets([60], {7: [5, 1440, 5]})
    assert plan == {None: [60], 7: [1440, 5]}
    assert audience_offsets([60, 15], {}) == {None: [60, 15]}


def test_empty_personal_offsets_mean_no_reminders_for_that_user():
    plan = audience_offsets([60], {7: []})
    assert plan[7] == []
    assert recipients(1, [7], personal={7}) == [1]
