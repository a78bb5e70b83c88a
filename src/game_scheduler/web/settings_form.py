"""The server and channel settings forms: values to refill, chosen roles, errors by field."""

from __future__ import annotations

from dataclasses import dataclass, field

from game_scheduler.domain import games as rules
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.reminders import validate_offsets
from game_scheduler.domain.zones import check_zone
from game_scheduler.errors import ValidationError
from game_scheduler.models import Channel, Guild
from game_scheduler.services.settings import ChannelSettingsChanges, GuildSettingsChanges
from game_scheduler.web.defaults_form import FIELDS as DEFAULTS_FIELDS
from game_scheduler.web.defaults_form import read_defaults, stored_values
from game_scheduler.web.deps import FormPost
from game_scheduler.web.forms import (
    Errors,
    Values,
    offsets_value,
    parse_ids,
    parse_int,
    parse_offsets,
)
from game_scheduler.web.ping_form import ping_values, read_pings

# The services name the cap "max_players"; these forms call it "default_max_players".
RENAMES = {"max_players": "default_max_players"}
# A channel's "remind maybe players" choice: "" follows the server.
TRISTATE: dict[str, bool | None] = {"": None, "yes": True, "no": False}
TRISTATE_VALUES = {value: key for key, value in TRISTATE.items()}


@dataclass
class SettingsForm:
    """Raw values, the roles ticked in each role list, and an error per field."""

    values: Values
    roles: dict[str, set[int]]
    errors: Errors = field(default_factory=dict)

    def picked(self, name: str) -> list[int]:
        """The roles ticked in one list, in a stable order."""
        return sorted(self.roles.get(name, set()))


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def guild_form(guild: Guild) -> SettingsForm:
    """A server's settings as stored."""
    values = {
        "reminder_offsets": offsets_value(guild.reminder_offsets),
        "default_max_players": _number(guild.default_max_players),
        "timezone": guild.timezone or "",
        **ping_values(guild),
        "remind_maybe": "1" if guild.remind_maybe else "",
        **stored_values(guild),
    }
    roles = {
        "host_role_ids": set(guild.host_role_ids),
        "manager_role_ids": set(guild.manager_role_ids),
    }
    return SettingsForm(values, roles)


def channel_form(channel: Channel) -> SettingsForm:
    """A channel's overrides as stored (blank or unticked: the server's setting applies)."""
    values = {
        "enabled": "1" if channel.enabled else "",
        "reminder_offsets": offsets_value(channel.reminder_offsets),
        "default_max_players": _number(channel.default_max_players),
        "host_roles_inherit": "1" if channel.host_role_ids is None else "",
        **ping_values(channel),
        "remind_maybe": TRISTATE_VALUES[channel.remind_maybe],
        **stored_values(channel),
    }
    return SettingsForm(values, {"host_role_ids": set(channel.host_role_ids or [])})


def _posted(post: FormPost, names: tuple[str, ...], role_lists: tuple[str, ...]) -> SettingsForm:
    form = SettingsForm({name: post.text(name) for name in names}, {})
    for name in role_lists:
        form.roles[name] = set(parse_ids(post.texts(name), name, form.errors))
    return form


def _check_defaults(form: SettingsForm, offsets: list[int] | None, cap: int | None) -> None:
    """The services' rules on the numbers that could be read, so every problem shows at once."""
    checks = Checks()
    if offsets:
        checks.run(validate_offsets, offsets)
    if cap is not None:
        checks.run(rules.check_max_players, cap)
    for name, message in checks.problems:
        form.errors.setdefault(RENAMES.get(name or "", name or "form"), message)


def posted_guild(post: FormPost) -> tuple[SettingsForm, GuildSettingsChanges | None]:
    """The form as sent, and the changes for the service when every field could be read."""
    form = _posted(
        post,
        ("reminder_offsets", "default_max_players", "timezone", "remind_maybe", *DEFAULTS_FIELDS),
        ("host_role_ids", "manager_role_ids"),
    )
    defaults = read_defaults(form.values, form.errors)
    offsets = parse_offsets(form.values, "reminder_offsets", form.errors)
    cap = parse_int(form.values, "default_max_players", form.errors)
    pings = read_pings(post, form.values, form.errors, channel=False)
    _check_defaults(form, offsets, cap)
    zone = form.values["timezone"].strip()
    try:
        zone = check_zone(zone) if zone else ""
    except ValidationError as error:
        form.errors["timezone"] = str(error)
    if form.errors:
        return form, None
    changes = GuildSettingsChanges(
        **pings,
        reminder_offsets=offsets,
        default_max_players=cap,
        host_role_ids=form.picked("host_role_ids"),
        manager_role_ids=form.picked("manager_role_ids"),
        timezone=zone or None,
        remind_maybe=True if form.values["remind_maybe"] else None,
        **defaults,
    )
    return form, changes


def posted_channel(post: FormPost) -> tuple[SettingsForm, ChannelSettingsChanges | None]:
    """The form as sent, and the changes for the service when every field could be read."""
    form = _posted(
        post,
        (
            "enabled",
            "reminder_offsets",
            "default_max_players",
            "host_roles_inherit",
            "remind_maybe",
            *DEFAULTS_FIELDS,
        ),
        ("host_role_ids",),
    )
    defaults = read_defaults(form.values, form.errors)
    remind_maybe = TRISTATE.get(form.values["remind_maybe"])
    if form.values["remind_maybe"] not in TRISTATE:
        form.errors["remind_maybe"] = "choose the server's setting, yes or no"
    offsets = parse_offsets(form.values, "reminder_offsets", form.errors)
    cap = parse_int(form.values, "default_max_players", form.errors)
    pings = read_pings(post, form.values, form.errors, channel=True)
    _check_defaults(form, offsets, cap)
    if form.errors:
        return form, None
    changes = ChannelSettingsChanges(
        **pings,
        enabled=bool(form.values["enabled"]),
        reminder_offsets=offsets,
        default_max_players=cap,
        host_role_ids=None if form.values["host_roles_inherit"] else form.picked("host_role_ids"),
        remind_maybe=remind_maybe,
        **defaults,
    )
    return form, changes
