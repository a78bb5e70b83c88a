"""The create and edit game form: its fields, its channel picker, and the service inputs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.offers import SeatMode, check_window_minutes
from game_scheduler.domain.permissions import Actor, can_host
from game_scheduler.domain.quorum import validate_deadline
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.models import Game, GameStatus, utcnow
from game_scheduler.services.games import GameChanges, GameDraft
from game_scheduler.services.settings import GuildView, describe_scope
from game_scheduler.web.defaults_form import FLAG_VALUES, FLAGS, INHERIT
from game_scheduler.web.forms import (
    FORM_ERROR,
    Errors,
    Values,
    local_value,
    offsets_value,
    parse_int,
    parse_local_time,
    parse_offsets,
)

TEXT_FIELDS = ("title", "description", "location", "signup_instructions")
TEXT_LIMITS = {
    "title": rules.TITLE_MAX,
    "description": rules.TEXT_MAX,
    "location": rules.LOCATION_MAX,
    "signup_instructions": rules.TEXT_MAX,
}
# Per-game settings; blank leaves each to the channel, then the server.
SETTING_FIELDS = ("quorum_deadline_minutes", "seat_mode", "offer_window_minutes", "remind_maybe")
FIELDS = (
    "channel_discord_id",
    *TEXT_FIELDS,
    "scheduled_at",
    "tz_offset",
    "timezone",
    "duration_minutes",
    "max_players",
    "min_players",
    "reminder_offsets",
    *SETTING_FIELDS,
    "version",
)


@dataclass(frozen=True)
class ChannelChoice:
    """A channel the viewer may post in, with the defaults a game there inherits."""

    discord_id: int
    name: str
    default_offsets: list[int]
    default_max_players: int


def channel_choices(view: GuildView, actor: Actor) -> list[ChannelChoice]:
    """Enabled channels the bot still sees where the viewer holds a host role (or manages)."""
    guild = view.guild
    choices = []
    for channel in view.channels:
        if (
            not channel.enabled
            or not channel.bot_present
            or not can_host(actor, guild.discord_id, guild.host_role_ids, channel.host_role_ids)
        ):
            continue
        inherited = describe_scope(guild, channel)
        choices.append(
            ChannelChoice(
                channel.discord_id,
                channel.name or str(channel.discord_id),
                inherited.effective_offsets,
                inherited.effective_max_players,
            )
        )
    return choices


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


class OwnSettings(Protocol):
    """A game, or the defaults of a new one: its own settings (None: inherited)."""

    @property
    def quorum_deadline_minutes(self) -> int | None: ...
    @property
    def seat_mode(self) -> str | None: ...
    @property
    def offer_window_minutes(self) -> int | None: ...
    @property
    def remind_maybe(self) -> bool | None: ...


def setting_values(game: OwnSettings) -> Values:
    """The game's own settings as the form shows them (blank: inherited)."""
    return {
        "quorum_deadline_minutes": _number(game.quorum_deadline_minutes),
        "seat_mode": game.seat_mode or "",
        "offer_window_minutes": _number(game.offer_window_minutes),
        "remind_maybe": FLAG_VALUES[game.remind_maybe],
    }


def _same_minute(a: datetime, b: datetime) -> bool:
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


@dataclass
class GameForm:
    """Raw values to refill the inputs with, and an error per field."""

    values: Values
    errors: Errors = field(default_factory=dict)
    from_utc: bool = False

    @classmethod
    def posted(cls, read: dict[str, str]) -> GameForm:
        """What the browser sent, kept as typed."""
        return cls({name: read.get(name, "") for name in FIELDS})

    @classmethod
    def blank(cls, channel_id: str = "", zone: str = "") -> GameForm:
        """A new game: the channel, the minimum head count and the zone (blank: the browser's)."""
        values = dict.fromkeys(FIELDS, "")
        values.update(channel_discord_id=channel_id, min_players="1", timezone=zone)
        return cls(values)

    @classmethod
    def of_game(cls, game: Game, zone: str = "") -> GameForm:
        """The game as stored, its start in ``zone``; without one, in UTC until the browser's
        script localises it."""
        values = {name: str(getattr(game, name)) for name in TEXT_FIELDS}
        values.update(
            channel_discord_id=str(game.channel.discord_id),
            scheduled_at=local_value(game.scheduled_at, zone),
            tz_offset="0",
            timezone=zone,
            duration_minutes=str(game.duration_minutes),
            max_players=str(game.max_players),
            min_players=str(game.min_players),
            reminder_offsets=offsets_value(game.reminder_offsets),
            **setting_values(game),
            version=str(game.version),
        )
        return cls(values, from_utc=not zone)

    def check_rules(
        self,
        start: datetime | None,
        duration: int | None,
        max_players: int | None,
        min_players: int | None,
        offsets: list[int] | None,
    ) -> None:
        """The services' rules on every field that could be read, so all problems show at once."""
        checks = Checks()
        checks.run(rules.clean_title, self.values["title"])
        for name in TEXT_FIELDS[1:]:
            checks.run(rules.clean_text, self.values[name], name, TEXT_LIMITS[name])
        if start is not None:
            checks.run(rules.check_start, start, utcnow())
        if duration is not None:
            checks.run(rules.check_duration, duration)
        if max_players is not None:
            checks.run(rules.check_max_players, max_players)
        if min_players is not None:
            cap = max_players if max_players is not None else rules.MAX_PLAYERS_LIMIT
            checks.run(rules.check_min_players, min_players, cap)
        if offsets:
            checks.run(validate_offsets, offsets)
        for field_name, message in checks.problems:
            self.errors.setdefault(field_name or FORM_ERROR, message)

    def settings(self) -> dict[str, object]:
        """The per-game settings for the service (None: inherited); problems filed by field."""
        found: dict[str, object] = {"seat_mode": None}
        mode = self.values["seat_mode"].strip()
        if mode in {m.value for m in SeatMode}:
            found["seat_mode"] = mode
        elif mode not in ("", INHERIT):
            self.errors["seat_mode"] = "choose offer, instant or the channel's"
        maybe = self.values["remind_maybe"].strip()
        if maybe in FLAGS:
            found["remind_maybe"] = FLAGS[maybe]
        else:
            self.errors["remind_maybe"] = "choose yes, no or the channel's"
        checks = Checks()
        deadline = parse_int(self.values, "quorum_deadline_minutes", self.errors)
        if deadline is not None:
            checks.run(validate_deadline, deadline)
        window = parse_int(self.values, "offer_window_minutes", self.errors)
        if window is not None:
            checks.run(check_window_minutes, window)
        for field_name, message in checks.problems:
            self.errors.setdefault(field_name or FORM_ERROR, message)
        found.update(quorum_deadline_minutes=deadline, offer_window_minutes=window)
        return found

    def draft(self, default_max_players: int | None = None) -> GameDraft | None:
        """The new game for the service, or None when a field cannot even be read.

        ``default_max_players`` is the chosen channel's cap, which a blank cap inherits.
        """
        channel = self.values["channel_discord_id"].strip()
        if not re.fullmatch(r"\d{1,19}", channel):
            self.errors["channel_discord_id"] = "choose a channel"
        start = parse_local_time(self.values, "scheduled_at", self.errors)
        duration = parse_int(self.values, "duration_minutes", self.errors)
        max_players = parse_int(self.values, "max_players", self.errors)
        min_players = parse_int(self.values, "min_players", self.errors)
        offsets = parse_offsets(self.values, "reminder_offsets", self.errors)
        cap = default_max_players if max_players is None else max_players
        self.check_rules(start, duration, cap, min_players, offsets)
        settings = self.settings()
        if self.errors or start is None:
            return None
        return GameDraft.model_validate(
            {
                **settings,
                "channel_discord_id": int(channel),
                "scheduled_at": start,
                "duration_minutes": duration,
                "max_players": max_players,
                "min_players": 1 if min_players is None else min_players,
                "reminder_offsets": offsets,
                **{name: self.values[name] for name in TEXT_FIELDS},
            }
        )

    def changes(self, game: Game) -> tuple[GameChanges, int | None] | None:
        """Changed fields for the service and the version the form was read at."""
        duration = parse_int(self.values, "duration_minutes", self.errors, required=True)
        max_players = parse_int(self.values, "max_players", self.errors, required=True)
        min_players = parse_int(self.values, "min_players", self.errors, required=True)
        offsets = parse_offsets(self.values, "reminder_offsets", self.errors)
        version = parse_int(self.values, "version", self.errors)
        fields: dict[str, object] = {name: self.values[name] for name in TEXT_FIELDS}
        fields.update(
            duration_minutes=duration,
            max_players=max_players,
            min_players=min_players,
            reminder_offsets=offsets,
        )
        new_start = None
        if game.status is GameStatus.SCHEDULED:
            # Sent unchanged, a start now in the past would be refused: only a new one counts.
            start = parse_local_time(self.values, "scheduled_at", self.errors)
            if start is not None and not _same_minute(start, game.scheduled_at):
                new_start = fields["scheduled_at"] = start
        self.check_rules(new_start, duration, max_players, min_players, offsets)
        fields.update(self.settings())
        if self.errors:
            return None
        return GameChanges.model_validate(fields), version
