"""Turn one due reminder into direct messages, exactly once however often its task runs."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from game_scheduler.domain import reminders, waitlist
from game_scheduler.domain.reminders import ReminderStatus
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import DmKind, EventType, SendDm, make_event
from game_scheduler.messaging.outbox import commit_and_publish_sync, stage
from game_scheduler.messaging.sync_publisher import SyncPublisher
from game_scheduler.models import Channel, Game, Guild, Participant, Reminder, User

log = logging.getLogger(__name__)


class SendOutcome(enum.StrEnum):
    """What one run of the send did; only SENT and SKIPPED change the reminder."""

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
    game_id: int
    title: str
    scheduled_at: datetime
    status: GameStatus
    max_players: int
    guild_discord_id: int
    channel_discord_id: int
    host_discord_id: int


class NotificationService:
    """Claims a reminder under its row lock, stages one DM per recipient, marks it sent."""

    def __init__(self, publisher: SyncPublisher | None = None) -> None:
        self._publisher = publisher

    def send_reminder(self, session: Session, reminder_id: int, now: datetime) -> SendResult:
        """One transaction: claim, stage and mark; then commit and publish (the relay backs it)."""
        result = self.stage_reminder(session, reminder_id, now)
        if result.outcome is SendOutcome.SENT:
            commit_and_publish_sync(session, self._publisher)
        elif result.outcome is SendOutcome.SKIPPED:
            session.commit()
        else:
            session.rollback()
        return result

    def stage_reminder(self, session: Session, reminder_id: int, now: datetime) -> SendResult:
        """Decide and stage in the caller's transaction; the caller commits (or rolls back)."""
        claim = _claim(session, reminder_id)
        if claim is None:
            return SendResult(SendOutcome.BUSY)
        reminder = claim.reminder
        if reminder.status is not ReminderStatus.PENDING:
            return SendResult(SendOutcome.NOT_PENDING, reminder.due_at)
        if claim.status is GameStatus.CANCELLED or not reminders.is_current(
            reminder.due_at, claim.scheduled_at, reminder.offset_minutes
        ):
            return SendResult(SendOutcome.STALE, reminder.due_at)
        if now < reminder.due_at:
            return SendResult(SendOutcome.NOT_DUE, reminder.due_at)
        if claim.status is not GameStatus.SCHEDULED or reminders.is_too_late(
            now, claim.scheduled_at
        ):
            _skip(reminder, claim, now)
            return SendResult(SendOutcome.SKIPPED, reminder.due_at)
        count = self._stage_dms(session, claim)
        reminder.status = ReminderStatus.SENT
        reminder.sent_at = now
        reminder.attempts += 1
        reminder.last_error = None
        return SendResult(SendOutcome.SENT, reminder.due_at, count)

    def _stage_dms(self, session: Session, claim: _Claim) -> int:
        players = session.scalars(
            select(User.discord_id)
            .join(Participant, Participant.user_id == User.id)
            .where(Participant.game_id == claim.game_id)
            .order_by(Participant.position)
        ).all()
        confirmed = waitlist.split(players, claim.max_players).confirmed
        targets = reminders.recipients(claim.host_discord_id, confirmed)
        starts_at = int(claim.scheduled_at.timestamp())
        for discord_id in targets:
            payload = SendDm(
                recipient_discord_id=str(discord_id),
                kind=DmKind.REMINDER,
                game_id=claim.game_id,
                title=claim.title,
                starts_at=starts_at,
                offset_minutes=claim.reminder.offset_minutes,
                reminder_id=claim.reminder.id,
                guild_discord_id=str(claim.guild_discord_id),
                channel_discord_id=str(claim.channel_discord_id),
            )
            stage(session, make_event(EventType.SEND_DM, payload))
        return len(targets)


def _claim(session: Session, reminder_id: int) -> _Claim | None:
    """Lock the reminder row with what the decision needs; None if gone or held by another run."""
    host = aliased(User)
    row = session.execute(
        select(
            Reminder,
            Game.title,
            Game.scheduled_at,
            Game.status,
            Game.max_players,
            Guild.discord_id,
            Channel.discord_id,
            host.discord_id,
        )
        .join(Game, Game.id == Reminder.game_id)
        .join(Guild, Guild.id == Game.guild_id)
        .join(Channel, Channel.id == Game.channel_id)
        .join(host, host.id == Game.host_id)
        .where(Reminder.id == reminder_id)
        .with_for_update(of=Reminder, skip_locked=True)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        return None
    reminder, title, scheduled_at, status, max_players, guild_id, channel_id, host_id = row
    return _Claim(
        reminder=reminder,
        game_id=reminder.game_id,
        title=title,
        scheduled_at=scheduled_at,
        status=status,
        max_players=max_players,
        guild_discord_id=guild_id,
        channel_discord_id=channel_id,
        host_discord_id=host_id,
    )


def _skip(reminder: Reminder, claim: _Claim, now: datetime) -> None:
    """Record why a reminder that came due after the start was never sent."""
    reminder.status = ReminderStatus.SKIPPED
    reminder.last_error = (
        f"game started at {claim.scheduled_at.isoformat()} before the reminder was sent "
        f"(checked at {now.isoformat()})"
    )
    log.info(
        "reminder %d (game %d, %d min) skipped: %s",
        reminder.id,
        claim.game_id,
        reminder.offset_minutes,
        reminder.last_error,
    )
