"""The DM that asks a host, once, to mark attendance when their game completes."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from game_scheduler.config import get_settings
from game_scheduler.domain import notices, waitlist
from game_scheduler.domain.rsvp import Response
from game_scheduler.messaging.events import EventType, SendDm, make_event
from game_scheduler.messaging.outbox import stage
from game_scheduler.models import Channel, Game, Guild, Participant, User


def attendance_url(game_id: int) -> str:
    """The web page where the host marks attendance."""
    return f"{get_settings().public_url.rstrip('/')}/games/{game_id}/attendance"


def stage_attendance_prompts(session: Session, completed: Sequence[int]) -> int:
    """Stage the prompt for each game just completed (the caller's guarded update ran once).

    Whether the DM still holds is decided again when the bot sends it (``dm_rules``).
    """
    if not completed:
        return 0
    games = session.execute(
        select(
            Game.id,
            Game.title,
            Game.scheduled_at,
            Game.max_players,
            User.discord_id,
            Guild.discord_id,
            Channel.discord_id,
        )
        .join(User, User.id == Game.host_id)
        .join(Guild, Guild.id == Game.guild_id)
        .join(Channel, Channel.id == Game.channel_id)
        .where(Game.id.in_(set(completed)))
    ).all()
    players: dict[int, list[int]] = {}
    for game_id, user_id in session.execute(
        select(Participant.game_id, Participant.user_id)
        .where(Participant.game_id.in_(set(completed)), Participant.response == Response.GOING)
        .order_by(Participant.game_id, Participant.position)
    ):
        players.setdefault(game_id, []).append(user_id)
    staged = 0
    for game_id, title, starts, cap, host, guild, channel in games:
        seated = waitlist.split(players.get(game_id, []), cap).confirmed
        for notice in notices.after_completion(host, seated):
            payload = SendDm(
                recipient_discord_id=str(notice.recipient),
                kind=notice.kind,
                game_id=game_id,
                title=title,
                starts_at=int(starts.timestamp()),
                guild_discord_id=str(guild),
                channel_discord_id=str(channel),
                url=attendance_url(game_id),
            )
            stage(session, make_event(EventType.SEND_DM, payload))
            staged += 1
    return staged
