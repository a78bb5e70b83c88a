"""Server templates: managers keep them, members read them and post games from them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from game_scheduler.api.deps import CurrentActor, DbSession, WritingActor
from game_scheduler.api.errors import ERROR_RESPONSES, WRITE_RESPONSES
from game_scheduler.api.schemas.games import GameDetailOut
from game_scheduler.api.schemas.history import FromTemplate, TemplateIn, TemplateOut
from game_scheduler.api.schemas.types import MAX_ID, Snowflake
from game_scheduler.services import game_defaults, queries, templates

router = APIRouter(prefix="/api/v1/guilds/{guild_id}/templates", tags=["templates"])

GuildId = Annotated[Snowflake, Path(description="The server's Discord id")]
TemplateId = Annotated[int, Path(ge=1, le=MAX_ID, description="The template's id")]


@router.get("", responses=ERROR_RESPONSES)
async def list_templates(
    db: DbSession, actor: CurrentActor, guild_id: GuildId
) -> list[TemplateOut]:
    """A server's templates by name (any member may read them)."""
    return [TemplateOut.of(t) for t in await templates.list_templates(db, actor, guild_id)]


@router.post("", status_code=201, responses=WRITE_RESPONSES)
async def create_template(
    db: DbSession, actor: WritingActor, guild_id: GuildId, body: TemplateIn
) -> TemplateOut:
    """Save a template (Manage Server only)."""
    return TemplateOut.of(await templates.create_template(db, actor, guild_id, body.to_draft()))


@router.get("/{template_id}", responses=ERROR_RESPONSES)
async def get_template(
    db: DbSession, actor: CurrentActor, guild_id: GuildId, template_id: TemplateId
) -> TemplateOut:
    """One template."""
    return TemplateOut.of(await templates.get_template(db, actor, guild_id, template_id))


@router.put("/{template_id}", responses=WRITE_RESPONSES)
async def replace_template(
    db: DbSession, actor: WritingActor, guild_id: GuildId, template_id: TemplateId, body: TemplateIn
) -> TemplateOut:
    """Replace a template's fields (Manage Server only)."""
    template = await templates.update_template(db, actor, guild_id, template_id, body.to_draft())
    return TemplateOut.of(template)


@router.delete("/{template_id}", status_code=204, responses=WRITE_RESPONSES)
async def delete_template(
    db: DbSession, actor: WritingActor, guild_id: GuildId, template_id: TemplateId
) -> Response:
    """Delete a template; games posted from it keep their fields (Manage Server only)."""
    await templates.delete_template(db, actor, guild_id, template_id)
    return Response(status_code=204)


@router.post("/{template_id}/games", status_code=201, responses=WRITE_RESPONSES)
async def create_game_from_template(
    db: DbSession,
    actor: WritingActor,
    guild_id: GuildId,
    template_id: TemplateId,
    body: FromTemplate,
) -> GameDetailOut:
    """Post a game with the template's fields (needs a host role in the channel)."""
    game = await game_defaults.create_from_template(
        db, actor, guild_id, template_id, body.scheduled_at, body.channel_id
    )
    return GameDetailOut.of_detail(await queries.get_game(db, actor, game.id))
