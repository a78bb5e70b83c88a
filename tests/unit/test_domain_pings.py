"""Role pings and threads: what a channel inherits, and what the announcement may mention."""

from game_scheduler.domain import pings

ROLE = 900_000_000_000_000_301
OTHER = 900_000_000_000_000_302


def test_channel_inherits_the_server_unless_it_overrides():
    assert pings.in_force(ROLE, True, True, None, None, None) == pings.Pings(ROLE, True, True)
    assert pings.in_force(ROLE, False, False, OTHER, True, None).ping_role_id == OTHER
    assert pings.in_force(ROLE, True, True, pings.NO_PING, None, None).ping_role_id is None
    assert pings.in_force(None, True, True, None, False, None) == pings.Pings(None, False, False)


def test_thread_posts_need_a_thread():
    assert not pings.in_force(None, False, True, None, None, None).thread_posts


def test_the_ping_is_the_role_mention_alone():
    assert pings.ping_text(ROLE) == f"<@&{ROLE}>"
    assert pings.ping_text(None) == ""


def test_thread_name_fits_discord_and_players_are_added_once():
    assert len(pings.thread_name("x" * 300, 1)) == pings.THREAD_NAME_LIMIT
    assert pings.thread_name("  ", 7) == "Game #7"
    assert pings.to_add([1, 2, 3], [2]) == [1, 3]
    assert pings.to_add([1], None) == [1]
