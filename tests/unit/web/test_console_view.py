"""The Bot console's list: identical edits collapsed, filters by kind and game, names."""

from game_scheduler.services.discord_names import DiscordNames
from game_scheduler.web.console_view import build_page, heading

POST = "## Catan\nPlayers (1/4): <@5>"
FEED = [
    {"action": "post", "target": "channel 2", "text": POST, "game_id": 1},
    {"action": "edit", "target": "channel 2", "text": POST, "game_id": 1},
    {"action": "edit", "target": "channel 2", "text": POST, "game_id": 1},
    {"action": "edit", "target": "channel 2", "text": POST + ", <@6>", "game_id": 1},
    {"action": "dm", "target": "user 5", "text": "Reminder: **Catan** starts soon"},
    {"action": "dm", "target": "user 5", "text": "Reminder: **Other** starts soon"},
    {"target": "channel 2", "text": "[channel] <@5> (I couldn't DM you)"},
]


def test_identical_consecutive_edits_show_once_with_a_count():
    page = build_page(FEED, "", "")
    actions = [(e.action, e.repeats) for e in reversed(page.entries)]
    assert actions == [("post", 3), ("edit", 1), ("dm", 1), ("dm", 1), ("channel", 1)]


def test_filters_by_kind_and_by_game():
    assert {e.action for e in build_page(FEED, "dms", "").entries} == {"dm"}
    assert {e.action for e in build_page(FEED, "posts", "").entries} == {"post", "edit", "channel"}
    by_game = build_page(FEED, "", "1")
    assert [e.action for e in by_game.entries] == ["dm", "edit", "post"]
    assert by_game.games == [(1, "Catan")]
    assert build_page(FEED, "bogus", "x").entries == build_page(FEED, "", "").entries


def test_headings_name_the_place():
    names = DiscordNames(users={5: "Ada"}, channels={2: "game-night"})
    entries = build_page(FEED, "", "").entries
    assert heading(entries[-1], names) == "posted in #game-night"
    assert heading(entries[1], names) == "DM to Ada"
