"""The game page's three answers: Maybe and Can't make it beside Join, and the lists they fill."""

from tests.support.factories import create_game, member, player_id
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
