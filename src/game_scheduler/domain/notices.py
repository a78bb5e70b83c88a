"""Who gets which direct message when a game or its roster changes.

Reminders go to the host and the confirmed players, never the waitlist
(:func:`game_scheduler.domain.reminders.recipients`); the roster changes are here.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from game_scheduler.domain import waitlist
from game_scheduler.domain.offers import SeatMode

T = TypeVar("T")


class DmKind(enum.StrEnum):
    """Why a direct message is sent (the ``kind`` of a ``notification.send_dm`` event)."""

    REMINDER = "reminder"
    WAITLIST_PROMOTION = "waitlist_promotion"
    DEMOTED = "demoted"
    CANCELLATION = "cancellation"
    RESCHEDULED = "rescheduled"
    REMOVED = "removed"
    ATTENDANCE = "attendance"
    CARRIED_OVER = "carried_over"  # pre-confirmed in a series' next game (carry mode)
    SEAT_OFFER = "seat_offer"  # a freed seat, Accept / Pass, while the offer is open
    RECONFIRM = "reconfirm"  # the game moved: Keep / Can't, while the question is open
    OFFER_LAPSED = "offer_lapsed"  # the offered player did not answer; the seat moved on
    SEAT_SUMMARY = "seat_summary"  # to the host: who took the freed seat, or nobody did
    QUORUM_ON = "quorum_on"
    QUORUM_CANCELLED = "quorum_cancelled"
    QUORUM_ASK_HOST = "quorum_ask_host"


@dataclass(frozen=True)
class Notice(Generic[T]):
    """One DM to send: to whom, why, and their waitlist place when that is the news."""

    recipient: T
    kind: DmKind
    waitlist_position: int | None = None


def after_leave(
    ordered: Sequence[T], max_players: int, leaving: T, *, removed_by_host: bool = False
) -> list[Notice[T]]:
    """A leave promotes the first waitlisted if a seat was freed; a removed player is told."""
    promoted = waitlist.promoted_by_leave(ordered, max_players, leaving)
    notices = [Notice(p, DmKind.WAITLIST_PROMOTION) for p in promoted]
    if removed_by_host:
        notices.append(Notice(leaving, DmKind.REMOVED))
    return notices


def after_cap_change(ordered: Sequence[T], old_max: int, new_max: int) -> list[Notice[T]]:
    """A higher cap promotes the first waitlisted; a lower one demotes the last confirmed.

    Demoted players learn their new waitlist place (they go first, in signup order).
    """
    promoted = waitlist.promoted_by_cap_change(ordered, old_max, new_max)
    demoted = waitlist.demoted_by_cap_change(ordered, old_max, new_max)
    return [Notice(p, DmKind.WAITLIST_PROMOTION) for p in promoted] + [
        Notice(p, DmKind.DEMOTED, place) for place, p in enumerate(demoted, start=1)
    ]


def after_reschedule(ordered: Sequence[T], max_players: int) -> list[Notice[T]]:
    """A new time is news for the confirmed players; the waitlist hears when promoted."""
    return [Notice(p, DmKind.RESCHEDULED) for p in waitlist.split(ordered, max_players).confirmed]


def after_cancel(ordered: Sequence[T]) -> list[Notice[T]]:
    """A cancellation is news for everyone signed up, waitlist included."""
    return [Notice(p, DmKind.CANCELLATION) for p in ordered]


def after_completion(host: T, confirmed: Sequence[T]) -> list[Notice[T]]:
    """A completed game with confirmed players asks its host, once, to mark who came."""
    return [Notice(host, DmKind.ATTENDANCE)] if confirmed else []


def after_carry_over(carried: Sequence[T]) -> list[Notice[T]]:
    """Players pre-confirmed in a series' new occurrence are told, so they can leave in time."""
    return [Notice(p, DmKind.CARRIED_OVER) for p in carried]


def in_seat_mode(notices: list[Notice[T]], mode: SeatMode) -> list[Notice[T]]:
    """In offer mode a freed seat is offered (Accept / Pass) instead of given at once."""
    if mode is SeatMode.INSTANT:
        return notices
    return [
        Notice(n.recipient, DmKind.SEAT_OFFER) if n.kind is DmKind.WAITLIST_PROMOTION else n
        for n in notices
    ]


def after_reschedule_with_reconfirm(ordered: Sequence[T], max_players: int) -> list[Notice[T]]:
    """The host asked to re-confirm: the confirmed players are asked Keep / Can't instead."""
    return [Notice(p, DmKind.RECONFIRM) for p in waitlist.split(ordered, max_players).confirmed]


def after_move(before: Sequence[T], after: Sequence[T], max_players: int) -> list[Notice[T]]:
    """A host's move: who gained a seat is promoted, who lost one learns their waitlist place."""
    seated_before = waitlist.split(before, max_players).confirmed
    lineup = waitlist.split(after, max_players)
    promoted = [p for p in lineup.confirmed if p not in seated_before]
    demoted = [(place, p) for place, p in enumerate(lineup.waitlist, start=1) if p in seated_before]
    return [Notice(p, DmKind.WAITLIST_PROMOTION) for p in promoted] + [
        Notice(p, DmKind.DEMOTED, place) for place, p in demoted
    ]


def at_quorum_met(host: T, confirmed: Sequence[T]) -> list[Notice[T]]:
    """The game is on: the host and each confirmed player hear it, once each."""
    return [Notice(p, DmKind.QUORUM_ON) for p in dict.fromkeys([host, *confirmed])]


def at_quorum_cancel(host: T, ordered: Sequence[T]) -> list[Notice[T]]:
    """Cancelled for want of players: the host and everyone who might come (going or maybe,
    as ``after_cancel`` is given them) hear why."""
    return [Notice(p, DmKind.QUORUM_CANCELLED) for p in dict.fromkeys([host, *ordered])]


def at_quorum_short(host: T) -> list[Notice[T]]:
    """Short at the deadline with ``ask_host``: the host decides (Cancel / Keep)."""
    return [Notice(host, DmKind.QUORUM_ASK_HOST)]
