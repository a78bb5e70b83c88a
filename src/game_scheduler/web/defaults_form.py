"""Seat offers and quorum on the server and channel settings forms.

Servers and channels read these the same way: every field may be left to the level above
(blank or "inherit": the channel takes the server's, the server the built-in default).
"""

from __future__ import annotations

from typing import Any

from game_scheduler.config import get_settings
from game_scheduler.domain.checks import Checks
from game_scheduler.domain.offers import SeatMode, check_window_minutes
from game_scheduler.domain.quorum import QuorumAction, validate_deadline, validate_nudge
from game_scheduler.models import Channel, Guild
from game_scheduler.web.forms import FORM_ERROR, Errors, Values, parse_int

INHERIT = "inherit"
SEAT_FIELDS = ("seat_mode", "offer_window_minutes", "reconfirm_frees_seat")
QUORUM_FIELDS = ("quorum_deadline_minutes", "quorum_action", "quorum_nudge_minutes")
FIELDS = SEAT_FIELDS + QUORUM_FIELDS
# A yes/no setting that may also be left to the level above.
FLAGS: dict[str, bool | None] = {"": None, INHERIT: None, "yes": True, "no": False}
FLAG_VALUES = {None: "", True: "yes", False: "no"}
SEAT_MODE_TEXTS = {"offer": "offer it with a time to accept", "instant": "give it at once"}
ACTION_TEXTS = {"cancel": "cancel the game", "ask_host": "ask the host"}


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def stored_values(target: Guild | Channel) -> Values:
    """The stored settings as the form shows them (blank: the level above)."""
    return {
        "seat_mode": target.seat_mode or "",
        "offer_window_minutes": _number(target.offer_window_minutes),
        "reconfirm_frees_seat": FLAG_VALUES[target.reconfirm_frees_seat],
        "quorum_deadline_minutes": _number(target.quorum_deadline_minutes),
        "quorum_action": target.quorum_action or "",
        "quorum_nudge_minutes": _number(target.quorum_nudge_minutes),
    }


def _choice(values: Values, name: str, allowed: set[str], errors: Errors, message: str) -> Any:
    text = values[name].strip()
    if text in ("", INHERIT):
        return None
    if text not in allowed:
        errors[name] = message
        return None
    return text


def read_defaults(values: Values, errors: Errors) -> dict[str, Any]:
    """The changes for the service; every problem is filed under its field."""
    changes: dict[str, Any] = {
        "seat_mode": _choice(
            values, "seat_mode", {m.value for m in SeatMode}, errors, "choose offer or instant"
        ),
        "quorum_action": _choice(
            values,
            "quorum_action",
            {a.value for a in QuorumAction},
            errors,
            "choose cancel or ask the host",
        ),
    }
    flag = values["reconfirm_frees_seat"].strip()
    if flag in FLAGS:
        changes["reconfirm_frees_seat"] = FLAGS[flag]
    else:
        errors["reconfirm_frees_seat"] = "choose yes or no"
    checks = Checks()
    for name, rule in (
        ("offer_window_minutes", check_window_minutes),
        ("quorum_deadline_minutes", validate_deadline),
        ("quorum_nudge_minutes", validate_nudge),
    ):
        number = changes[name] = parse_int(values, name, errors)
        if number is not None:
            checks.run(rule, number, name)
    for problem_field, message in checks.problems:
        errors.setdefault(problem_field or FORM_ERROR, message)
    return changes


def inherited(*levels: Guild | Channel) -> dict[str, str]:
    """What a blank field means: the first of ``levels`` (nearest first) that sets it, else the
    built-in default; as words for the form's hints."""
    settings = get_settings()
    defaults: Values = {
        "seat_mode": settings.seat_mode,
        "offer_window_minutes": str(settings.offer_window_minutes),
        "reconfirm_frees_seat": "yes" if settings.reconfirm_frees_seat else "no",
        "quorum_deadline_minutes": _number(settings.default_quorum_deadline_minutes),
        "quorum_action": settings.default_quorum_action,
        "quorum_nudge_minutes": str(settings.default_quorum_nudge_minutes),
    }
    stored = [stored_values(level) for level in levels]
    value = {name: next((s[name] for s in stored if s[name]), defaults[name]) for name in FIELDS}
    deadline, nudge = int(value["quorum_deadline_minutes"] or 0), int(value["quorum_nudge_minutes"])
    return {
        "seat_mode": SEAT_MODE_TEXTS.get(value["seat_mode"], value["seat_mode"]),
        "offer_window_minutes": f"{value['offer_window_minutes']} min",
        "reconfirm_frees_seat": (
            "the seat is freed"
            if value["reconfirm_frees_seat"] == "yes"
            else "the player keeps the seat"
        ),
        "quorum_deadline_minutes": f"{deadline} min" if deadline else "no deadline",
        "quorum_action": ACTION_TEXTS.get(value["quorum_action"], value["quorum_action"]),
        "quorum_nudge_minutes": f"{nudge} min" if nudge else "no call",
    }
