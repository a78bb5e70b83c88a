"""Discord text to HTML: names, times, markdown, and nothing unescaped."""

from game_scheduler.services.discord_names import DiscordNames
from game_scheduler.web.discord_markup import mentioned_ids, render_discord

NAMES = DiscordNames(users={1: "Ada"}, channels={2: "game-night"}, roles={3: "Hosts"})


def test_mentions_show_names():
    html = render_discord("<@1> <@!1> in <#2> for <@&3>, and <@9>", NAMES)
    assert html.count(">@Ada</span>") == 2
    assert ">#game-night</span>" in html
    assert ">@Hosts</span>" in html
    assert ">@9</span>" in html  # unknown: the id, as Discord shows an unknown user
    assert mentioned_ids("<@1> <#2> <@&3>") == ({1}, {2}, {3})


def test_timestamps_become_times_the_browser_localises():
    html = render_discord("starts <t:1796137717:R> (<t:1796137717:F>)", NAMES)
    assert 'datetime="2026-12-01T15:08:37Z" data-discord-time="R"' in html
    assert 'data-discord-time="F"' in html
    assert "&lt;t:" not in html


def test_markdown_is_formatting():
    html = render_discord("## Title\n**bold** *it* __u__ ~~s~~ `**code**`\n> quote\n- item", NAMES)
    assert '<span class="md-h2">Title</span>' in html
    assert "<strong>bold</strong> <em>it</em> <u>u</u> <s>s</s>" in html
    assert "<code>**code**</code>" in html
    assert '<span class="md-quote">quote</span>' in html
    assert "• item" in html


def test_html_in_the_text_is_escaped_everywhere():
    html = render_discord(
        '<script>x</script> **<img src=x onerror=alert(1)>** `<b>` https://e.org/?a=<b>"', NAMES
    )
    assert "<script>" not in html
    assert "<img" not in html
    assert "<code>&lt;b&gt;</code>" in html
    # The link stops where markup would start; what follows stays text.
    assert '<a href="https://e.org/?a=" rel="nofollow noopener noreferrer">' in html
    assert "</a>&lt;b&gt;&#34;" in html
    assert "\x00" not in render_discord("a\x00b", NAMES)
