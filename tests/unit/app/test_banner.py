"""What ``up`` prints once it serves: where, and the next step for each way it was started."""

from game_scheduler.app.banner import start_banner

URL = "http://127.0.0.1:8000/"


def test_demo_without_discord_points_to_sign_in_and_the_console():
    text = start_banner(URL, discord_bot=False, discord_login=False, demo=True)
    first = text.splitlines()[0]
    assert first == (
        f"Game Scheduler is up at {URL} with the console bot (no DISCORD_TOKEN); Ctrl-C stops it."
    )
    assert f"Next: open {URL}signin and sign in as Demo Player" in text
    assert f"Bot console ({URL}console)" in text
    assert "about a minute after start" in text
    assert "Going live on Discord" in text


def test_with_discord_it_says_sign_in_with_discord_and_nothing_about_the_console():
    text = start_banner(URL, discord_bot=True, discord_login=True, demo=False)
    assert "with the Discord bot" in text
    assert f"Next: open {URL}signin and sign in with Discord." in text
    assert "console" not in text
    assert "--demo" in text
