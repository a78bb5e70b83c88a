"""``game-scheduler invite-url``: the bot's invite link with exactly what it needs."""

from urllib.parse import parse_qs, urlsplit

import discord

from game_scheduler.bot import invite
from game_scheduler.cli import main

CLIENT_ID = "123456789012345678"


def test_the_url_asks_for_exactly_the_permissions_and_scopes_the_bot_uses(configure, capsys):
    configure(discord_client_id=CLIENT_ID)
    assert main(["invite-url"]) == 0
    url = capsys.readouterr().out.strip()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://discord.com/oauth2/authorize"
    query = parse_qs(parts.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert {name for name, value in granted if value} == {
        "send_messages",
        "embed_links",
        "read_message_history",
        "create_public_threads",
        "send_messages_in_threads",
    }


def test_without_a_client_id_it_says_so_and_exits_2(configure, capsys):
    configure(discord_client_id="")
    assert main(["invite-url"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("DISCORD_CLIENT_ID is not set")


def test_a_malformed_client_id_is_refused(configure, capsys):
    configure(discord_client_id="my-bot")
    assert main(["invite-url"]) == 2
    assert "not an application id" in capsys.readouterr().err
    assert invite.SCOPES == ("bot", "applications.commands")
