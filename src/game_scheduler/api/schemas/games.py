"""Games as the API returns them (what it takes: ``game_inputs``; signups: ``signups``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from game_scheduler.api.schemas.types import Snowflake
from game_scheduler.domain import rsvp
from game_scheduler.domain.rsvp import Response
from game_scheduler.domain.status import ends_at
from game_scheduler.models import Game, GameStatus, Participant, User
from game_scheduler.services.queries import GameDetail, GamePage, GameSummary
from game_scheduler.services.quorum_rules import summarise
from game_scheduler.services.reminders import offsets_for


class UserOut(BaseModel):
    """A Discord user as the scheduler knows them."""

    id: Snowflake
    username: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        """From the model."""
        return cls(id=user.discord_id, username=user.username)


SignupStatus = Literal["confirmed", "waitlisted", "maybe", "declined"]
MyStanding = SignupStatus


class PlayerOut(UserOut):
    """A signed-up player; ``waitlist_position`` is set for those waiting."""

    joined_at: datetime
    waitlist_position: int | None = None
    status: SignupStatus = "confirmed"

    @classmethod
    def of_participant(
        cls, participant: Participant, place: int | None = None, status: SignupStatus | None = None
    ) -> PlayerOut:
        """From the model."""
        user = participant.user
        return cls(
            id=user.discord_id,
            username=user.username,
            joined_at=participant.joined_at,
            waitlist_position=place,
            status=status or ("waitlisted" if place else "confirmed"),
        )


def _my_standing(
    rank: int | None, max_players: int, answer: str | None = None
) -> tuple[MyStanding | None, int | None]:
    if answer is None and rank is None:
        return None, None
    status, place = rsvp.status_of(answer or Response.GOING, rank, max_players)
    return status.value, place


class QuorumOut(BaseModel):
    """The quorum in force: the deadline, and "needs N more", "on" or "enough players"."""

    min_players: int
    deadline_at: datetime
    state: str

    @classmethod
    def of(cls, game: Game, confirmed: int) -> QuorumOut | None:
        """None when the game has no deadline in force."""
        summary = summarise(game, confirmed)
        if summary is None:
            return None
        return cls(
            min_players=summary.min_players, deadline_at=summary.deadline_at, state=summary.label
        )


class GameOut(BaseModel):
    """A game in a list: details, head counts and where the viewer stands."""

    id: int
    guild_id: Snowflake
    channel_id: Snowflake
    host: UserOut
    title: str
    description: str
    location: str
    signup_instructions: str
    scheduled_at: datetime
    ends_at: datetime
    duration_minutes: int
    max_players: int
    min_players: int
    reminder_offsets: list[int] | None
    seat_mode: str | None = None
    offer_window_minutes: int | None = None
    reconfirm_frees_seat: bool | None = None
    quorum_deadline_minutes: int | None
    quorum: QuorumOut | None
    remind_maybe: bool | None = None
    status: GameStatus
    version: int
    confirmed_count: int
    waitlist_count: int
    my_standing: MyStanding | None
    my_waitlist_position: int | None
    created_at: datetime
    updated_at: datetime
    series_id: int | None = None
    occurrence_start: datetime | None = None

    @staticmethod
    def _fields(
        game: Game, players: int, rank: int | None, answer: str | None = None
    ) -> dict[str, object]:
        standing, place = _my_standing(rank, game.max_players, answer)
        return {
            "id": game.id,
            "guild_id": game.guild.discord_id,
            "channel_id": game.channel.discord_id,
            "host": UserOut.of(game.host),
            "title": game.title,
            "description": game.description,
            "location": game.location,
            "signup_instructions": game.signup_instructions,
            "scheduled_at": game.scheduled_at,
            "ends_at": ends_at(game.scheduled_at, game.duration_minutes),
            "duration_minutes": game.duration_minutes,
            "max_players": game.max_players,
            "min_players": game.min_players,
            "reminder_offsets": game.reminder_offsets,
            "seat_mode": game.seat_mode,
            "offer_window_minutes": game.offer_window_minutes,
            "reconfirm_frees_seat": game.reconfirm_frees_seat,
            "quorum_deadline_minutes": game.quorum_deadline_minutes,
            "quorum": QuorumOut.of(game, min(players, game.max_players)),
            "remind_maybe": game.remind_maybe,
            "status": game.status,
            "version": game.version,
            "confirmed_count": min(players, game.max_players),
            "waitlist_count": max(0, players - game.max_players),
            "my_standing": standing,
            "my_waitlist_position": place,
            "created_at": game.created_at,
            "updated_at": game.updated_at,
            "series_id": game.series_id,
            "occurrence_start": game.occurrence_start,
        }

    @classmethod
    def of(cls, summary: GameSummary) -> GameOut:
        """From a list entry."""
        fields = cls._fields(
            summary.game, summary.player_count, summary.my_rank, summary.my_response
        )
        return cls.model_validate(fields)


class GameDetailOut(GameOut):
    """One game with its lineup, the reminders in force, and whether the viewer may manage it."""

    confirmed: list[PlayerOut]
    waitlist: list[PlayerOut]
    maybe: list[PlayerOut] = Field(default_factory=list)
    declined: list[PlayerOut] = Field(default_factory=list)
    effective_reminder_offsets: list[int]
    can_manage: bool
    cancel_reason: str | None = None

    @classmethod
    def of_detail(cls, detail: GameDetail) -> GameDetailOut:
        """From the query's result."""
        game = detail.game
        going = len(detail.confirmed) + len(detail.waitlist)
        fields = cls._fields(game, going, detail.my_rank, detail.my_response)
        return cls.model_validate(
            {
                **fields,
                "confirmed": [PlayerOut.of_participant(p) for p in detail.confirmed],
                "waitlist": [
                    PlayerOut.of_participant(p, place)
                    for place, p in enumerate(detail.waitlist, start=1)
                ],
                "maybe": [PlayerOut.of_participant(p, status="maybe") for p in detail.maybe],
                "declined": [
                    PlayerOut.of_participant(p, status="declined") for p in detail.declined
                ],
                "effective_reminder_offsets": offsets_for(game),
                "can_manage": detail.can_manage,
                "cancel_reason": game.cancel_reason,
            }
        )


class GamePageOut(BaseModel):
    """A page of games; ``total`` counts every game the filters match that the viewer may see."""

    items: list[GameOut]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, page: GamePage) -> GamePageOut:
        """From the query's page."""
        return cls(
            items=[GameOut.of(s) for s in page.items],
            total=page.total,
            limit=page.limit,
            offset=page.offset,
        )
