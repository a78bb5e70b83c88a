"""Turn each due reminder into its DM events once, however often its task runs."""

from __future__ import annotations

import enum
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from game_scheduler.database import lock_for_write_sync
from game_scheduler.domain import reminders, rsvp
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import DmKind, Envelope, SendDm, dm_to_each
from game_scheduler.messaging.outbox import SyncEventPublisher, commit_and_publish_sync, stage_many
from game_scheduler.models import Channel, Game, Guild, Participant, Reminder, User

log = logging.getLogger(__name__)


class SendOutcome(enum.StrEnum):
    """What one run did with a reminder; only SENT and SKIPPED change it."""

    SENT = "sent"
    SKIPPED = "skipped"
    NOT_DUE = "not_due"
    NOT_PENDING = "not_pending"
    STALE = "stale"
    BUSY = "busy"


@dataclass(frozen=True)
class SendResult:
    """The outcome, with the reminder's due time (to re-enqueue a NOT_DUE one) and event count."""

    outcome: SendOutcome
    due_at: datetime | None = None
    events: int = 0


@dataclass(frozen=True)
class _Claim:
    reminder: Reminder
    title: str
    scheduled_at: datetime
    status: GameStatus
    max_players: int
    guild_discord_id: int
    channel_discord_id: int
    host_discord_id: int
    host_personal: bool
    audience_discord_id: int | None
    game_remind_maybe: bool | None
    channel_remind_maybe: bool | None
    guild_remind_maybe: bool | None

    @property
    def remind_maybe(self) -> bool:
        """Whether players who answered maybe get this reminder (game, channel, server)."""
        return rsvp.remind_maybe(
            self.game_remind_maybe, self.channel_remind_maybe, self.guild_remind_maybe
        )


class NotificationService:
    """Claims reminders under their row locks, stages one DM per recipient, marks them sent."""

    def __init__(self, publisher: SyncEventPublisher | None = None) -> None:
        self._publisher = publisher

    def send_reminder(self, session: Session, reminder_id: int, now: datetime) -> SendResult:
        """Send one reminder (see :meth:`send_reminders`)."""
        return self.send_reminders(session, [reminder_id], now)[reminder_id]

    def send_reminders(
        self, session: Session, reminder_ids: Sequence[int], now: datetime
    ) -> dict[int, SendResult]:
        """One transaction: claim, stage and mark; commit; publish (the outbox relay backs it).

        Reminders due at the same moment go together: one commit and one broker transaction
        for all of them instead of one each.
        """
        results = self.stage_reminders(session, reminder_ids, now)
        outcomes = {r.outcome for r in results.values()}
        if SendOutcome.SENT in outcomes:
            commit_and_publish_sync(session, self._publisher)
        elif SendOutcome.SKIPPED in outcomes:
            session.commit()
        else:
            session.rollback()
        return results

    def stage_reminders(
        self, session: Session, reminder_ids: Sequence[int], now: datetime
    ) -> dict[int, SendResult]:
        """Decide and stage in the caller's transaction; the caller commits (or rolls back)."""
        results = dict.fromkeys(reminder_ids, SendResult(SendOutcome.BUSY))
        lock_for_write_sync(session)  # SQLite: claim and mark with no reschedule in between
        claims = _claim(session, reminder_ids)
        sending = []
        for claim in claims:
            outcome = _decide(claim, now)
            if outcome is SendOutcome.SKIPPED:
                _skip(claim, now)
            if outcome is SendOutcome.SENT:
                sending.append(claim)
            else:
                results[claim.reminder.id] = SendResult(outcome, claim.reminder.due_at)
        players, personal = _players_by_game(session, [c.reminder.game_id for c in sending])
        envelopes: list[Envelope] = []
        for claim in sending:
            roster = rsvp.roster(players[claim.reminder.game_id], claim.max_players, _answer)
            own = personal[claim.reminder.game_id]
            if claim.host_personal:
                own.add(claim.host_discord_id)
            dms = _reminder_dms(
                claim, [i for i, _ in roster.confirmed], [i for i, _ in roster.maybe], own
            )
            envelopes += dms
            reminder = claim.reminder
            reminder.status = ReminderStatus.SENT
            reminder.enqueued_for = None  # re-armed later, it is dispatched again at once
            reminder.sent_at = now
            reminder.attempts += 1
            reminder.last_error = None
            results[reminder.id] = SendResult(SendOutcome.SENT, reminder.due_at, len(dms))
        stage_many(session, envelopes)
        return results


def _claim(session: Session, reminder_ids: Sequence[int]) -> list[_Claim]:
    """Lock the reminder rows no other run holds, with what the decision needs."""
    host = aliased(User)
    audience = aliased(User)
    rows = session.execute(
        select(
            Reminder,
            Game.title,
            Game.scheduled_at,
            Game.status,
            Game.max_players,
            Guild.discord_id,
            Channel.discord_id,
            host.discord_id,
            host.reminder_offsets.is_not(None),
            audience.discord_id,
            Game.remind_maybe,
            Channel.remind_maybe,
            Guild.remind_maybe,
        )
        .join(Game, Game.id == Reminder.game_id)
        .join(Guild, Guild.id == Game.guild_id)
        .join(Channel, Channel.id == Game.channel_id)
        .join(host, host.id == Game.host_id)
        .outerjoin(audience, audience.id == Reminder.audience_user_id)
        .where(Reminder.id.in_(reminder_ids))
        .order_by(Reminder.id)
        .with_for_update(of=Reminder, skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    return [_Claim(*cast(tuple[Any, ...], row)) for row in rows]


def _decide(claim: _Claim, now: datetime) -> SendOutcome:
    """The reminder state machine's answer (``domain.reminders.decide_send``) for this claim."""
    reminder = claim.reminder
    state = reminders.ReminderState(reminder.status, reminder.due_at)
    clock = reminders.GameClock(claim.scheduled_at, claim.status, (reminder.offset_minutes,))
    return SendOutcome(reminders.decide_send(state, reminder.offset_minutes, clock, now).value)


def _answer(player: tuple[int, str]) -> str:
    return player[1]


def _players_by_game(
    session: Session, game_ids: Sequence[int]
) -> tuple[dict[int, list[tuple[int, str]]], dict[int, set[int]]]:
    """Every signed-up player's Discord id and RSVP answer per game, in signup order; and
    those with their own offsets."""
    players: dict[int, list[tuple[int, str]]] = defaultdict(list)
    personal: dict[int, set[int]] = defaultdict(set)
    if game_ids:
        rows = session.execute(
            select(
                Participant.game_id,
                User.discord_id,
                Participant.response,
                User.reminder_offsets.is_not(None),
            )
            .join(User, User.id == Participant.user_id)
            .where(Participant.game_id.in_(set(game_ids)))
            .order_by(Participant.game_id, Participant.position)
        )
        for game_id, discord_id, response, has_own in rows:
            players[game_id].append((discord_id, str(response)))
            if has_own:
                personal[game_id].add(discord_id)
    return players, personal


def _reminder_dms(
    claim: _Claim, confirmed: list[int], maybe: list[int], personal: set[int]
) -> list[Envelope]:
    """One reminder DM per recipient (``domain.reminders.recipients``): the host, the confirmed
    players, and the maybe players if the setting says so; never the waitlist. A game-wide
    reminder skips those with personal offsets; a personal one is theirs alone."""
    reminder = claim.reminder
    recipients = reminders.recipients(
        claim.host_discord_id,
        confirmed,
        maybe,
        remind_maybe=claim.remind_maybe,
        audience=claim.audience_discord_id,
        personal=personal,
    )
    if not recipients:
        return []
    dm = SendDm(
        recipient_discord_id=str(recipients[0]),
        kind=DmKind.REMINDER,
        game_id=reminder.game_id,
        title=claim.title,
        starts_at=int(claim.scheduled_at.timestamp()),
        offset_minutes=reminder.offset_minutes,
        reminder_id=reminder.id,
        guild_discord_id=str(claim.guild_discord_id),
        channel_discord_id=str(claim.channel_discord_id),
    )
    return dm_to_each(dm, recipients)


def _skip(claim: _Claim, now: datetime) -> None:
    """Record why a reminder that came due after the start was never sent."""
    reminder = claim.reminder
    reminder.status = ReminderStatus.SKIPPED
    reminder.enqueued_for = None
    reminder.last_error = (
        f"game started at {claim.scheduled_at.isoformat()} before the reminder was sent "
        f"(checked at {now.isoformat()})"
    )
    log.info(
        "reminder %d (game %d, %d min) skipped: %s",
        reminder.id,
        reminder.game_id,
        reminder.offset_minutes,
        reminder.last_error,
    )
