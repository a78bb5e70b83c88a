"""The console bot's messages as the Bot console page lists them: named, grouped, filtered."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from markupsafe import Markup

from game_scheduler.services.discord_names import DiscordNames
from game_scheduler.web.discord_markup import mentioned_ids, render_discord
from game_scheduler.web.rendering import ConsoleMessage

TARGET = re.compile(r"(channel|user) (\d{1,20})")
OLD_ACTION = re.compile(r"\[(post|edit|dm|channel)\] ")  # feeds that put the action in the text
HEADING = re.compile(r"## (.+)")
KINDS = {"posts": ("post", "edit", "channel"), "dms": ("dm",)}
VERBS = {"post": "posted in", "edit": "edited in", "channel": "said in", "dm": "DM to"}


@dataclass(frozen=True)
class ConsoleEntry:
    """One message (or a run of identical ones), with what it was, where, and its game."""

    at: datetime | str | None
    action: str
    target_kind: str
    target_id: int | None
    target: str
    text: str
    game_id: int | None
    repeats: int = 1


def _entry(raw: ConsoleMessage) -> ConsoleEntry:
    text = str(raw.get("text", ""))
    action = str(raw.get("action", ""))
    if not action and (old := OLD_ACTION.match(text)):
        action, text = old[1], text[old.end() :]
    target = str(raw.get("target", ""))
    found = TARGET.fullmatch(target)
    game_id = raw.get("game_id")
    at = raw.get("at")
    return ConsoleEntry(
        at=at if isinstance(at, datetime | str) else None,
        action=action,
        target_kind=found[1] if found else "",
        target_id=int(found[2]) if found else None,
        target=target,
        text=text,
        game_id=game_id if isinstance(game_id, int) else None,
    )


def _collapse(entries: Iterable[ConsoleEntry]) -> list[ConsoleEntry]:
    """Identical consecutive edits of one message show once, with how many there were."""
    shown: list[ConsoleEntry] = []
    for entry in entries:
        last = shown[-1] if shown else None
        if (
            last is not None
            and entry.action == "edit"
            and last.action in ("edit", "post")
            and (last.target, last.text) == (entry.target, entry.text)
        ):
            shown[-1] = replace(last, at=entry.at, repeats=last.repeats + 1)
        else:
            shown.append(entry)
    return shown


def _titles(entries: Iterable[ConsoleEntry]) -> dict[int, str]:
    """Each game's title, from the heading of its latest announcement."""
    titles: dict[int, str] = {}
    for entry in entries:
        heading = HEADING.match(entry.text)
        if entry.game_id is not None and heading:
            titles[entry.game_id] = heading[1]
    return titles


def _game_of(entry: ConsoleEntry, titles: dict[int, str]) -> int | None:
    """An announcement knows its game; a DM names it in bold (the bot's own wording)."""
    if entry.game_id is not None:
        return entry.game_id
    return next((gid for gid, title in titles.items() if f"**{title}**" in entry.text), None)


@dataclass(frozen=True)
class ConsolePage:
    """What the page shows: entries newest first, the games to filter by, the active filter."""

    entries: list[ConsoleEntry]
    games: list[tuple[int, str]]
    kind: str
    game_id: int | None


def build_page(feed: Sequence[ConsoleMessage], kind: str, game: str) -> ConsolePage:
    """Entries oldest to newest are grouped, then filtered by kind and game, then reversed."""
    entries = _collapse(_entry(raw) for raw in feed)
    titles = _titles(entries)
    game_id = int(game) if re.fullmatch(r"\d{1,19}", game) and int(game) in titles else None
    kind = kind if kind in KINDS else ""
    chosen = [
        replace(entry, game_id=_game_of(entry, titles))
        for entry in entries
        if not kind or entry.action in KINDS[kind]
    ]
    if game_id is not None:
        chosen = [entry for entry in chosen if entry.game_id == game_id]
    chosen.reverse()
    return ConsolePage(chosen, sorted(titles.items()), kind, game_id)


def ids_to_name(entries: Iterable[ConsoleEntry]) -> tuple[set[int], set[int], set[int]]:
    """Every user, channel and role id the entries mention or are addressed to."""
    users: set[int] = set()
    channels: set[int] = set()
    roles: set[int] = set()
    for entry in entries:
        more_users, more_channels, more_roles = mentioned_ids(entry.text)
        users |= more_users
        channels |= more_channels
        roles |= more_roles
        if entry.target_id is not None:
            (users if entry.target_kind == "user" else channels).add(entry.target_id)
    return users, channels, roles


def heading(entry: ConsoleEntry, names: DiscordNames) -> str:
    """ "posted in #game-night", "DM to Ada": what happened and where, in a person's words."""
    verb = VERBS.get(entry.action, "sent to")
    if entry.target_kind == "channel" and entry.target_id is not None:
        where = f"#{names.channels.get(entry.target_id, entry.target_id)}"
    elif entry.target_kind == "user" and entry.target_id is not None:
        where = names.users.get(entry.target_id, f"user {entry.target_id}")
    else:
        where = entry.target
    return f"{verb} {where}"


def body(entry: ConsoleEntry, names: DiscordNames) -> Markup:
    """The message text, formatted as Discord shows it."""
    return render_discord(entry.text, names)
