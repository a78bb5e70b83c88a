"""Discord message text as the Discord client shows it: mentions named, times local, markdown.

Only the subset the bot writes and Discord renders is handled (headings, bold, italics,
underline, strike-through, inline code, quotes, bullets, links, mentions and ``<t:…>``
timestamps); everything else stays as typed. All text is escaped before any tag is added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from markupsafe import Markup, escape

from game_scheduler.services.discord_names import DiscordNames

TOKEN = re.compile(
    r"<(?P<kind>@!?|@&|#)(?P<id>\d{1,20})>|<t:(?P<unix>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>"
)
MENTION_IDS = re.compile(r"<(@!?|@&|#)(\d{1,20})>")
# Applied to escaped text, in this order; the inner text of each is itself formatted.
INLINE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\*\*(.+?)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"__(.+?)__"), r"<u>\1</u>"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"<em>\1</em>"),
    (re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])"), r"<em>\1</em>"),
    (re.compile(r"~~(.+?)~~"), r"<s>\1</s>"),
]
CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"https?://[^\s<>\x00]+[^\s<>\x00.,;:!?)\]]")
ESCAPED = re.compile(r"\\([\\*_~`|>#-])")
PLACEHOLDER = re.compile(r"\x00(\d+)\x00")
HEADINGS = {"# ": "h1", "## ": "h2", "### ": "h3"}
# What Discord shows before the client localises it (UTC here; the script localises).
STYLES = {
    "t": "%H:%M",
    "T": "%H:%M:%S",
    "d": "%d/%m/%Y",
    "D": "%d %B %Y",
    "f": "%d %B %Y %H:%M",
    "F": "%A, %d %B %Y %H:%M",
    "R": "%d %B %Y %H:%M",
}


def mentioned_ids(text: str) -> tuple[set[int], set[int], set[int]]:
    """The user, channel and role ids a text mentions, to look their names up at once."""
    users: set[int] = set()
    channels: set[int] = set()
    roles: set[int] = set()
    for kind, digits in MENTION_IDS.findall(text):
        {"@": users, "@!": users, "#": channels, "@&": roles}[kind].add(int(digits))
    return users, channels, roles


def _timestamp(unix: int, style: str) -> Markup:
    try:
        moment = datetime.fromtimestamp(unix, UTC)
    except (OverflowError, OSError, ValueError):
        return escape(f"<t:{unix}:{style}>")
    iso = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = moment.strftime(STYLES[style]) + " UTC"
    return Markup(
        '<time class="mention-time" datetime="{}" data-discord-time="{}" title="{}">{}</time>'
    ).format(iso, style, moment.strftime("%A, %d %B %Y %H:%M:%S UTC"), shown)


def _token(match: re.Match[str], names: DiscordNames) -> Markup:
    if match["unix"] is not None:
        return _timestamp(int(match["unix"]), match["style"] or "f")
    kind, discord_id = match["kind"], int(match["id"])
    if kind == "#":
        name, prefix = names.channels.get(discord_id), "#"
    elif kind == "@&":
        name, prefix = names.roles.get(discord_id), "@"
    else:
        name, prefix = names.users.get(discord_id), "@"
    label = f"{prefix}{name}" if name else f"{prefix}{'unknown' if kind == '#' else discord_id}"
    return Markup('<span class="mention" title="{}">{}</span>').format(discord_id, label)


def _inline(text: str) -> str:
    """Bold, underline, italics and strike-through on text already escaped."""
    for pattern, replacement in INLINE:
        text = pattern.sub(replacement, text)
    return text


def _line(line: str) -> str:
    for marker, level in HEADINGS.items():
        if line.startswith(marker):
            return f'<span class="md-{level}">{_inline(line[len(marker) :])}</span>'
    if line.startswith("&gt; "):
        return f'<span class="md-quote">{_inline(line[5:])}</span>'
    if line.startswith(("- ", "* ")):
        return f"• {_inline(line[2:])}"
    return _inline(line)


def render_discord(text: str, names: DiscordNames) -> Markup:
    """Escaped HTML that shows ``text`` as a Discord client would (line breaks kept by CSS)."""
    kept: list[str] = []

    def keep(render: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            kept.append(render(match))
            return f"\x00{len(kept) - 1}\x00"

        return replace

    text = text.replace("\x00", "")
    text = TOKEN.sub(keep(lambda m: str(_token(m, names))), text)
    text = CODE.sub(keep(lambda m: f"<code>{escape(m[1])}</code>"), text)
    text = ESCAPED.sub(keep(lambda m: str(escape(m[1]))), text)
    text = LINK.sub(keep(lambda m: str(_link(m[0]))), text)
    html = "\n".join(_line(line) for line in str(escape(text)).split("\n"))
    while PLACEHOLDER.search(html):
        html = PLACEHOLDER.sub(lambda m: kept[int(m[1])], html)
    return Markup(html)  # noqa: S704 (every piece above was escaped first)


def _link(url: str) -> Markup:
    return Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>').format(url, url)
