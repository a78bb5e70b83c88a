"""The pings-and-threads part of the settings forms: a role to ping, threads, posts in threads.

On a server a blank role means no ping and the boxes are on or off; on a channel each field may
also be "inherit" (the server's), and the role "none" turns the server's ping off there.
"""

from __future__ import annotations

from typing import Any

from game_scheduler.domain.pings import NO_PING
from game_scheduler.models import Channel, Guild
from game_scheduler.web.deps import FormPost
from game_scheduler.web.forms import Errors, Values

INHERIT = "inherit"
NONE = "none"
ON, OFF = "on", "off"
FIELDS = ("ping_role_id", "game_threads", "thread_posts")


def _flag(value: bool | None) -> str:
    return INHERIT if value is None else (ON if value else OFF)


def ping_values(target: Guild | Channel) -> Values:
    """The stored settings as the form shows them."""
    if isinstance(target, Guild):
        return {
            "ping_role_id": "" if target.ping_role_id is None else str(target.ping_role_id),
            "game_threads": ON if target.game_threads else "",
            "thread_posts": ON if target.thread_posts else "",
        }
    role = target.ping_role_id
    return {
        "ping_role_id": INHERIT if role is None else NONE if role == NO_PING else str(role),
        "game_threads": _flag(target.game_threads),
        "thread_posts": _flag(target.thread_posts),
    }


def read_pings(post: FormPost, values: Values, errors: Errors, *, channel: bool) -> dict[str, Any]:
    """Copy the posted fields into ``values``; the changes for the service (errors by field)."""
    for name in FIELDS:
        values[name] = post.text(name)
    role_text = values["ping_role_id"]
    changes: dict[str, Any] = {}
    if channel and role_text == INHERIT:
        changes["ping_role_id"] = None
    elif role_text in ("", NONE):
        changes["ping_role_id"] = NO_PING if channel else None
    elif role_text.isdigit() and 0 < int(role_text) < 2**63:
        changes["ping_role_id"] = int(role_text)
    else:
        errors["ping_role_id"] = "choose one of the server's roles"
    for name in ("game_threads", "thread_posts"):
        text = values[name]
        if not channel:
            changes[name] = text == ON
        elif text in (INHERIT, ""):
            changes[name] = None
        elif text in (ON, OFF):
            changes[name] = text == ON
        else:
            errors[name] = "choose inherit, on or off"
    return changes
