"""Create and edit games: a form that shows each field's error beside it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from game_scheduler.config import get_settings
from game_scheduler.domain.rsvp import remind_maybe
from game_scheduler.domain.status import FINAL
from game_scheduler.domain.zones import zone_names
from game_scheduler.errors import NotAllowed, NotFound, StaleVersion, ValidationError
from game_scheduler.models import GameTemplate
from game_scheduler.services import games, queries, series, series_split, settings, templates, zones
from game_scheduler.services.auth.principal import Principal
from game_scheduler.services.reminders import inherited_offsets
from game_scheduler.web.defaults_form import inherited
from game_scheduler.web.deps import DashboardRoute, DbSession, DiscordId, GameId, Posted, Viewer
from game_scheduler.web.flash import redirect
from game_scheduler.web.forms import FORM_ERROR, add_error
from game_scheduler.web.game_form import FIELDS, ChannelChoice, GameForm, channel_choices
from game_scheduler.web.prefill import prefilled
from game_scheduler.web.rendering import render
from game_scheduler.web.series_form import RENAME, SCOPE_FIELD, WEEKDAYS_FIELD, RepeatForm

router = APIRouter(route_class=DashboardRoute, include_in_schema=False)


def _render_new(
    request: Request,
    principal: Principal,
    view: settings.GuildView,
    choices: list[ChannelChoice],
    form: GameForm,
    status: int = 200,
    templates: list[GameTemplate] | None = None,
    repeat: RepeatForm | None = None,
) -> Response:
    chosen = form.values["channel_discord_id"]
    context = {
        "title": "New game",
        "view": view,
        "choices": choices,
        "unseen": [c for c in view.channels if c.enabled and not c.bot_present],
        "current": next((c for c in choices if str(c.discord_id) == chosen), None)
        or (choices[0] if choices else None),
        "form": form,
        "editing": None,
        "action": f"/servers/{view.guild.discord_id}/games",
        "form_url": f"/servers/{view.guild.discord_id}/games/new",
        "default_duration": get_settings().default_duration_minutes,
        "zone_names": zone_names(),
        "templates": templates or [],
        "repeat": repeat or RepeatForm.blank(),
        "setting_defaults": None,  # the channel may change: the hints name no values
    }
    return render(request, "game_form.html", context, viewer=principal, status=status)


async def _preset_zone(db: DbSession, principal: Principal, guild_id: int) -> str:
    """The zone the form starts in: the viewer's, else the server's; blank for the browser's."""
    in_use = await zones.zone_for(db, principal.actor, guild_id)
    return "" if in_use.source == "default" else in_use.name


@router.get("/servers/{guild_id}/games/new")
async def new_game(
    request: Request,
    db: DbSession,
    principal: Viewer,
    guild_id: DiscordId,
    channel: str = "",
    template: str = "",
    from_game: Annotated[str, Query(alias="from")] = "",
) -> Response:
    """An empty form on the chosen channel, or filled from a template or a game to duplicate."""
    view = await settings.get_guild(db, principal.actor, guild_id)
    choices = channel_choices(view, principal.actor)
    if not choices:
        if not any(c.enabled for c in view.channels):
            raise NotAllowed("no channel in this server accepts games yet")
        raise NotAllowed("you need a host role to post games in this server")
    channel_ids = {str(c.discord_id) for c in choices}
    chosen = channel if channel in channel_ids else ""
    zone = await _preset_zone(db, principal, guild_id)
    listed = await templates.list_templates(db, principal.actor, guild_id)
    form = await prefilled(db, principal, guild_id, template, from_game, channel_ids, zone)
    form = form or GameForm.blank(chosen, zone)
    return _render_new(request, principal, view, choices, form, templates=listed)


@router.post("/servers/{guild_id}/games")
async def create_game(
    request: Request, db: DbSession, post: Posted, guild_id: DiscordId
) -> Response:
    """Post the game, or show the form again with what is wrong."""
    actor = post.principal.actor
    view = await settings.get_guild(db, actor, guild_id)
    choices = channel_choices(view, actor)
    form = GameForm.posted({name: post.text(name) for name in FIELDS})
    repeat = RepeatForm.posted(
        {name: post.text(name) for name in RepeatForm.blank().values}, post.texts(WEEKDAYS_FIELD)
    )
    if form.values["timezone"]:  # a series keeps its time in the zone the start is read in
        repeat.values["repeat_zone"] = form.values["timezone"]
    recurrence = repeat.recurrence(form.errors)
    chosen = next(
        (c for c in choices if str(c.discord_id) == form.values["channel_discord_id"]), None
    )
    draft = form.draft(chosen.default_max_players if chosen else None)
    if draft is not None:
        if draft.channel_discord_id not in {c.discord_id for c in choices}:
            form.errors["channel_discord_id"] = "choose a channel you may post games in"
        else:
            try:
                if recurrence is None:
                    game = await games.create_game(db, actor, draft)
                else:
                    _, game = await series.create_series(db, actor, draft, recurrence)
            except ValidationError as error:
                add_error(form.errors, error, RENAME)
            except (NotAllowed, NotFound) as error:
                form.errors["channel_discord_id"] = str(error)
            else:
                done = "Series created: the next games appear ahead of time." if recurrence else ""
                return redirect(f"/games/{game.id}", "success", done or "Game created.")
    return _render_new(request, post.principal, view, choices, form, status=422, repeat=repeat)


def _render_edit(
    request: Request, principal: Principal, detail: queries.GameDetail, form: GameForm, status: int
) -> Response:
    game = detail.game
    context = {
        "title": f"Edit {game.title}",
        "form": form,
        "editing": game,
        "action": f"/games/{game.id}/edit",
        "form_url": f"/games/{game.id}/edit",
        "inherited_offsets": inherited_offsets(game.channel, game.guild),
        "setting_defaults": {
            **inherited(game.channel, game.guild),
            "remind_maybe": "yes"
            if remind_maybe(None, game.channel.remind_maybe, game.guild.remind_maybe)
            else "no",
        },
        "default_duration": get_settings().default_duration_minutes,
        "zone_names": zone_names(),
    }
    return render(request, "game_form.html", context, viewer=principal, status=status)


async def _editable(db: DbSession, principal: Principal, game_id: int) -> queries.GameDetail:
    detail = await queries.get_game(db, principal.actor, game_id)
    if not detail.can_manage:
        raise NotAllowed("only the host or a bot manager can edit this game")
    return detail


@router.get("/games/{game_id}/edit")
async def edit_game(
    request: Request, db: DbSession, principal: Viewer, game_id: GameId
) -> Response:
    """The form filled with the game as stored."""
    detail = await _editable(db, principal, game_id)
    if detail.game.status in FINAL:
        status = detail.game.status.value.lower()
        return redirect(f"/games/{game_id}", "error", f"A {status} game cannot be edited.")
    zone = await _preset_zone(db, principal, detail.game.guild.discord_id)
    return _render_edit(request, principal, detail, GameForm.of_game(detail.game, zone), 200)


@router.post("/games/{game_id}/edit")
async def update_game(request: Request, db: DbSession, post: Posted, game_id: GameId) -> Response:
    """Save the changes, or show the form again with what is wrong."""
    detail = await _editable(db, post.principal, game_id)
    form = GameForm.posted({name: post.text(name) for name in FIELDS})
    parsed = form.changes(detail.game)
    if parsed is not None:
        changes, version = parsed
        following = post.text(SCOPE_FIELD) == "following" and detail.game.series_id is not None
        try:
            if following:
                await series_split.update_following(
                    db, post.principal.actor, game_id, changes, version
                )
            else:
                await games.update_game(
                    db,
                    post.principal.actor,
                    game_id,
                    changes,
                    version,
                    reconfirm=post.text("reconfirm") == "on",
                )
        except ValidationError as error:
            add_error(form.errors, error)
        except StaleVersion as error:
            form.errors[FORM_ERROR] = f"{error}. Your changes are below; reload to see theirs."
        else:
            return redirect(f"/games/{game_id}", "success", "Game updated.")
    return _render_edit(request, post.principal, detail, form, 422)
