"""Server templates in the dashboard: managers list, add, change and delete them."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from game_scheduler.errors import ValidationError
from game_scheduler.models import GameTemplate
from game_scheduler.services import settings, templates
from game_scheduler.services.auth.principal import Principal
from game_scheduler.web.deps import DashboardRoute, DbSession, DiscordId, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.forms import add_error
from game_scheduler.web.rendering import render
from game_scheduler.web.template_form import FIELDS, LABELS, TemplateForm

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)

TemplateId = DiscordId


async def _configurable(db: DbSession, principal: Principal, guild_id: int) -> settings.GuildView:
    view = await settings.get_guild(db, principal.actor, guild_id)
    settings.check_configure(principal.actor, guild_id)
    return view


def _render_form(
    request: Request,
    principal: Principal,
    view: settings.GuildView,
    form: TemplateForm,
    editing: GameTemplate | None,
    status: int,
) -> Response:
    base = f"/servers/{view.guild.discord_id}/templates"
    context = {
        "title": f"Template {editing.name}" if editing else "New template",
        "view": view,
        "form": form,
        "labels": LABELS,
        "editing": editing,
        "action": f"{base}/{editing.id}" if editing else base,
    }
    return render(request, "template_form.html", context, viewer=principal, status=status)


@router.get("/servers/{guild_id}/templates")
async def list_templates(
    request: Request, db: DbSession, principal: Viewer, guild_id: DiscordId
) -> Response:
    """The server's templates, and a link to add one."""
    view = await _configurable(db, principal, guild_id)
    context = {
        "title": f"Templates of {view.guild.name or 'the server'}",
        "view": view,
        "templates": await templates.list_templates(db, principal.actor, guild_id),
    }
    return render(request, "templates.html", context, viewer=principal)


@router.get("/servers/{guild_id}/templates/new")
async def new_template(
    request: Request, db: DbSession, principal: Viewer, guild_id: DiscordId
) -> Response:
    """An empty template form."""
    view = await _configurable(db, principal, guild_id)
    return _render_form(request, principal, view, TemplateForm.blank(), None, 200)


async def _save(
    request: Request, db: DbSession, post: Posted, guild_id: int, template_id: int | None
) -> Response:
    actor = post.principal.actor
    view = await _configurable(db, post.principal, guild_id)
    editing = (
        None
        if template_id is None
        else await templates.get_template(db, actor, guild_id, template_id)
    )
    form = TemplateForm.posted({name: post.text(name) for name in FIELDS})
    draft = form.draft()
    if draft is not None:
        try:
            if template_id is None:
                await templates.create_template(db, actor, guild_id, draft)
            else:
                await templates.update_template(db, actor, guild_id, template_id, draft)
        except ValidationError as error:
            add_error(form.errors, error)
        else:
            url = f"/servers/{guild_id}/templates"
            return redirect(url, "success", f"Template {draft.name.strip()} saved.")
    return _render_form(request, post.principal, view, form, editing, 422)


@router.post("/servers/{guild_id}/templates")
async def create_template(
    request: Request, db: DbSession, post: Posted, guild_id: DiscordId
) -> Response:
    """Save a new template, or show the form again with what is wrong."""
    return await _save(request, db, post, guild_id, None)


@router.get("/servers/{guild_id}/templates/{template_id}")
async def edit_template(
    request: Request, db: DbSession, principal: Viewer, guild_id: DiscordId, template_id: TemplateId
) -> Response:
    """The template's form, filled in."""
    view = await _configurable(db, principal, guild_id)
    template = await templates.get_template(db, principal.actor, guild_id, template_id)
    form = TemplateForm.of_template(template)
    return _render_form(request, principal, view, form, template, 200)


@router.post("/servers/{guild_id}/templates/{template_id}")
async def update_template(
    request: Request, db: DbSession, post: Posted, guild_id: DiscordId, template_id: TemplateId
) -> Response:
    """Save the template's changes."""
    return await _save(request, db, post, guild_id, template_id)


@router.post("/servers/{guild_id}/templates/{template_id}/delete")
async def delete_template(
    db: DbSession, post: Posted, guild_id: DiscordId, template_id: TemplateId
) -> Response:
    """Delete the template; games posted from it keep their fields."""
    await templates.delete_template(db, post.principal.actor, guild_id, template_id)
    return redirect(f"/servers/{guild_id}/templates", "success", "Template deleted.")
