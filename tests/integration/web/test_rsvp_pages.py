"""The game page's three answers: Maybe and Can't make it beside Join, and the lists they fill."""

from sqlalchemy import select

from game_scheduler.database import get_db_session
from game_scheduler.models import Channel, Guild
from tests.support.factories import CHANNEL_ID, GUILD_ID, HOST_ID, create_game, member, player_id
from tests.support.web import csrf_for, web_client


def _section(page: str, key: str) -> str:
    return page.split(f'id="{key}-heading"')[1].split("</section>")[0]


async def test_maybe_and_cant_from_the_game_page(app, host):
    game = await create_game(title="Catan night", max_players=1)
    seated, unsure = member(player_id()), member(player_id())
    async with await web_client(app, seated) as client:
        csrf = await csrf_for(client)
        assert (
            await client.post(f"/games/{game.id}/join", data={"csrf_token": csrf})
        ).status_code == 303
    async with await web_client(app, unsure) as client:
        csrf = await csrf_for(client)
        page = (await client.get(f"/games/{game.id}")).text
        assert 'name="response" value="maybe"' in page
        assert 'name="response" value="declined"' in page
        answered = await client.post(
            f"/games/{game.id}/respond", data={"csrf_token": csrf, "response": "maybe"}
        )
        assert answered.status_code == 303
        page = (await client.get(f"/games/{game.id}")).text
        assert "Noted: maybe" in page
        assert "You answered maybe" in page
        assert 'name="response" value="maybe"' not in page  # the answer given is not offered
        bad = await client.post(
            f"/games/{game.id}/respond", data={"csrf_token": csrf, "response": "perhaps"}
        )
        assert bad.status_code == 303
        assert "Choose going, maybe" in (await client.get(f"/games/{game.id}")).text
        forged = await client.post(f"/games/{game.id}/respond", data={"response": "declined"})
        assert forged.status_code == 403
    async with await web_client(app, seated) as client:
        csrf = await csrf_for(client)
        await client.post(
            f"/games/{game.id}/respond", data={"csrf_token": csrf, "response": "declined"}
        )
    page = (await host.get(f"/games/{game.id}")).text
    assert "Players (0/1)" in page
    assert unsure.username in _section(page, "maybe")
    assert "Maybe (1)" in page
    assert seated.username in _section(page, "declined")
    assert "Can&#39;t (1)" in page


async def _levels() -> tuple[bool | None, bool | None]:
    async with get_db_session() as db:
        guild = (await db.execute(select(Guild))).scalar_one()
        channel = (await db.execute(select(Channel))).scalar_one()
        return guild.remind_maybe, channel.remind_maybe


async def test_remind_maybe_on_the_server_and_channel_settings_pages(app, seeded):
    async with await web_client(app, member(HOST_ID, manage=True)) as manager:
        csrf = await csrf_for(manager)
        server = f"/servers/{GUILD_ID}/settings"
        saved = await manager.post(server, data={"csrf_token": csrf, "remind_maybe": "1"})
        assert saved.status_code == 303
        assert await _levels() == (True, None)
        assert 'name="remind_maybe" value="1" checked' in (await manager.get(server)).text

        channel = f"/servers/{GUILD_ID}/channels/{CHANNEL_ID}/settings"
        page = (await manager.get(channel)).text
        assert "As the server: yes" in page
        form = {"csrf_token": csrf, "enabled": "1", "host_roles_inherit": "1"}
        saved = await manager.post(channel, data=form | {"remind_maybe": "no"})
        assert saved.status_code == 303
        assert await _levels() == (True, False)
        assert '<option value="no" selected>' in (await manager.get(channel)).text
        bad = await manager.post(channel, data=form | {"remind_maybe": "sometimes"})
        assert bad.status_code == 422
        assert await _levels() == (True, False)
        await manager.post(channel, data=form | {"remind_maybe": ""})
        await manager.post(server, data={"csrf_token": csrf})
        assert await _levels() == (None, None)
