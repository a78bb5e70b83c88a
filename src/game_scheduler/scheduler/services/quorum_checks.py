"""Quorum deadlines and nudges: decided under the game's row lock, staged with their events.

Each due game is locked (``FOR UPDATE SKIP LOCKED``; SQLite: the write lock), decided again
against its state under the lock (``domain.quorum.next_step``), and its outcome written in the
same transaction as the events it causes (outbox): two beats or workers never both act on a
game, and a crash before the commit leaves it for the next run. Nothing waits on the network
while the lock is held: the events are published after the commit.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from game_scheduler.database import lock_for_write_sync
from game_scheduler.domain import notices, quorum, reminders, waitlist
from game_scheduler.domain.notices import Notice
from game_scheduler.domain.quorum import QuorumRules, QuorumState, QuorumView, Step
from game_scheduler.domain.reminders import GameClock, ReminderState
from game_scheduler.domain.rsvp import Response
from game_scheduler.domain.status import GameStatus
from game_scheduler.messaging.events import (
    Envelope,
    EventType,
    GameRef,
    QuorumNudge,
    SendDm,
    make_event,
)
from game_scheduler.messaging.outbox import SyncEventPublisher, commit_and_publish_sync, stage_many
from game_scheduler.models import Channel, Game, Guild, Participant, Reminder, User
from game_scheduler.scheduler.services.quorum_candidates import find_quorum_candidates
from game_scheduler.seats import quorum_policy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Game:
    game: Game
    guild: Guild
    channel: Channel
    host_discord_id: int
    players: list[int]  # going, in signup order: who counts toward the quorum
    answered: list[int]  # going or maybe, in signup order: who hears of a cancellation

    @property
    def confirmed(self) -> list[int]:
        return waitlist.split(self.players, self.game.max_players).confirmed

    def rules(self) -> QuorumRules:
        return quorum_policy.rules_for(self.game, self.channel, self.guild)

    def view(self) -> QuorumView:
        game = self.game
        return QuorumView(
            status=game.status,
            scheduled_at=game.scheduled_at,
            created_at=game.created_at,
            min_players=game.min_players,
            confirmed=len(self.confirmed),
            state=game.quorum_state,
            nudged=game.quorum_nudged_at is not None,
        )

    def ref(self) -> GameRef:
        return GameRef(
            game_id=self.game.id,
            guild_discord_id=str(self.guild.discord_id),
            channel_discord_id=str(self.channel.discord_id),
        )


def check_quorums(
    session: Session, now: datetime, publisher: SyncEventPublisher | None = None
) -> Counter[Step]:
    """One transaction: lock the due games, act on each once, stage its events; commit; publish."""
    candidates = find_quorum_candidates(session, now)
    session.rollback()  # end the read; the claim below is its own short transaction
    if not candidates:
        return Counter()
    steps = stage_quorum_steps(session, candidates, now)
    if sum(n for step, n in steps.items() if step is not Step.WAIT):
        commit_and_publish_sync(session, publisher)
        log.info("quorum checks: %s", dict(steps))
    else:
        session.rollback()
    return steps


def stage_quorum_steps(session: Session, game_ids: Sequence[int], now: datetime) -> Counter[Step]:
    """Decide and stage in the caller's transaction, under the games' row locks."""
    lock_for_write_sync(session)
    locked = _lock(session, game_ids)
    steps: Counter[Step] = Counter()
    envelopes: list[Envelope] = []
    for item in locked:
        step = quorum.next_step(item.view(), item.rules(), now)
        steps[step] += 1
        envelopes += _act(session, item, step, now)
    stage_many(session, envelopes)
    return steps


def _lock(session: Session, game_ids: Sequence[int]) -> list[_Game]:
    """The games no other run holds, with their settings and players in signup order."""
    games = (
        session.execute(
            select(Game)
            .where(Game.id.in_(game_ids))
            .order_by(Game.id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        .scalars()
        .all()
    )
    if not games:
        return []
    ids = [g.id for g in games]
    channel_ids = {g.channel_id for g in games}
    guild_ids = {g.guild_id for g in games}
    channels = {
        c.id: c for c in session.scalars(select(Channel).where(Channel.id.in_(channel_ids)))
    }
    guilds = {g.id: g for g in session.scalars(select(Guild).where(Guild.id.in_(guild_ids)))}
    host_rows = session.execute(
        select(User.id, User.discord_id).where(User.id.in_({g.host_id for g in games}))
    ).all()
    hosts = {user_id: discord_id for user_id, discord_id in host_rows}
    players: dict[int, list[int]] = {i: [] for i in ids}
    answered: dict[int, list[int]] = {i: [] for i in ids}
    for game_id, discord_id, response in session.execute(
        select(Participant.game_id, User.discord_id, Participant.response)
        .join(User, User.id == Participant.user_id)
        .where(
            Participant.game_id.in_(ids),
            Participant.response.in_((Response.GOING, Response.MAYBE)),
        )
        .order_by(Participant.game_id, Participant.position)
    ).all():
        answered[game_id].append(discord_id)
        if response == Response.GOING:
            players[game_id].append(discord_id)
    return [
        _Game(
            g,
            guilds[g.guild_id],
            channels[g.channel_id],
            hosts[g.host_id],
            players[g.id],
            answered[g.id],
        )
        for g in games
    ]


def _act(session: Session, item: _Game, step: Step, now: datetime) -> list[Envelope]:
    """Write the outcome of ``step`` on the game and return the events it causes."""
    game = item.game
    ref = item.ref()
    confirmed = item.confirmed
    if step is Step.WAIT:
        return []
    if step is Step.NUDGE:
        game.quorum_nudged_at = now
        nudge = QuorumNudge(
            **ref.model_dump(),
            title=game.title,
            starts_at=int(game.scheduled_at.timestamp()),
            needed=quorum.players_needed(game.min_players, len(confirmed)),
        )
        return [make_event(EventType.QUORUM_NUDGED, nudge)]
    game.quorum_checked_at = now
    if step is Step.WAIVE:
        game.quorum_state = QuorumState.WAIVED
        return []
    if step is Step.MARK_ON:
        game.quorum_state = QuorumState.ON
        dms = notices.at_quorum_met(item.host_discord_id, confirmed)
        return [make_event(EventType.QUORUM_MET, ref), *_dms(item, dms)]
    if step is Step.ASK_HOST:
        game.quorum_state = QuorumState.ASKED
        dms = notices.at_quorum_short(item.host_discord_id)
        return [make_event(EventType.QUORUM_MISSED, ref), *_dms(item, dms)]
    game.quorum_state = QuorumState.CANCELLED
    game.status = GameStatus.CANCELLED
    _cancel_reminders(session, game, now)
    log.info(
        "game %d cancelled at its quorum deadline (%d of %d)",
        game.id,
        len(confirmed),
        game.min_players,
    )
    dms = notices.at_quorum_cancel(item.host_discord_id, item.answered)
    return [make_event(EventType.GAME_CANCELLED, ref), *_dms(item, dms)]


def _cancel_reminders(session: Session, game: Game, now: datetime) -> None:
    """The reminder state machine's answer for a cancelled game, on every one of its rows."""
    clock = GameClock(game.scheduled_at, GameStatus.CANCELLED, ())
    rows = session.scalars(
        select(Reminder).where(Reminder.game_id == game.id).with_for_update()
    ).all()
    for row in rows:
        step = reminders.follow_game(
            ReminderState(row.status, row.due_at), row.offset_minutes, clock, now
        )
        if step is not None:
            row.status, row.due_at, row.last_error = step.status, step.due_at, step.reason
            row.enqueued_for = None


def _dms(item: _Game, to: list[Notice[int]]) -> list[Envelope]:
    game = item.game
    return [
        make_event(
            EventType.SEND_DM,
            SendDm(
                recipient_discord_id=str(notice.recipient),
                kind=notice.kind,
                game_id=game.id,
                title=game.title,
                starts_at=int(game.scheduled_at.timestamp()),
                guild_discord_id=str(item.guild.discord_id),
                channel_discord_id=str(item.channel.discord_id),
                min_players=game.min_players,
                confirmed_count=len(item.confirmed),
            ),
        )
        for notice in to
    ]
