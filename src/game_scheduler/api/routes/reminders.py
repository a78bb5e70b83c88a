"""The signed-in user's own reminder offsets and delivery choice."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from game_scheduler.domain.reminders import MAX_OFFSET_MINUTES, MAX_OFFSETS
from game_scheduler.services.personal_reminders import (
    ReminderPreferences,
    read_preferences,
    save_preferences,
)

router = APIRouter(prefix="/api/v1/me", tags=["me"])

Offset = Annotated[int, Field(ge=1, le=MAX_OFFSET_MINUTES)]


class RemindersIn(BaseModel):
    """``reminder_offsets``: null follows each game's; [] means no reminders."""

    model_config = ConfigDict(extra="forbid")

    reminder_offsets: Annotated[list[Offset], Field(max_length=MAX_OFFSETS)] | None
    mention_instead_of_dm: bool = False


class RemindersOut(BaseModel):
    """Your reminder offsets (null: each game's) and whether they come as a channel mention."""

    reminder_offsets: list[int] | None
    mention_instead_of_dm: bool

    @classmethod
    def of(cls, prefs: ReminderPreferences) -> RemindersOut:
        """From the service's answer."""
        return cls(reminder_offsets=prefs.offsets, mention_instead_of_dm=prefs.mention)


@router.get("/reminders", responses=ERROR_RESPONSES)
async def get_reminders(db: DbSession, actor: CurrentActor) -> RemindersOut:
    """Your own reminder settings."""
    return RemindersOut.of(await read_preferences(db, actor.discord_id))


@router.put("/reminders", responses=WRITE_RESPONSES)
async def put_reminders(db: DbSession, actor: WritingActor, body: RemindersIn) -> RemindersOut:
    """Replace them; your reminders in every scheduled game you are in follow at once."""
    prefs = await save_preferences(
        db,
        actor.discord_id,
        actor.username,
        offsets=body.reminder_offsets,
        mention=body.mention_instead_of_dm,
    )
    return RemindersOut.of(prefs)
