"""Issue 12 items 4 and 8 on the dashboard: control characters and bad dates are form errors."""

from datetime import timedelta

import pytest

from game_scheduler.models import utcnow
from tests.support.factories import CHANNEL_ID, GUILD_ID
from tests.support.web import csrf_for, field_error


def _form(csrf: str, **fields: str) -> dict[str, str]:
    values = {
        "csrf_token": csrf,
        "channel_discord_id": str(CHANNEL_ID),
        "title": "Board games",
        "scheduled_at": (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "0",
        "duration_minutes": "",
        "max_players": "",
        "min_players": "1",
        "reminder_offsets": "",
        "location": "",
        "description": "",
        "signup_instructions": "",
    }
    values.update(fields)
    return values


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scheduled_at": "0001-01-01T00:00+01:00"}, "scheduled_at"),
        ({"scheduled_at": "9999-12-31T23:59-01:00"}, "scheduled_at"),
        ({"scheduled_at": "0001-01-01T00:00", "tz_offset": "60"}, "scheduled_at"),
        ({"title": "two\nlines"}, "title"),
        ({"location": "a\rb"}, "location"),
        ({"title": "bell\x07"}, "title"),
        ({"location": "a\x85b"}, "location"),
    ],
)
async def test_bad_dates_and_control_characters_are_form_errors(host, fields, field):
    csrf = await csrf_for(host)
    page = await host.post(f"/servers/{GUILD_ID}/games", data=_form(csrf, **fields))
    assert page.status_code in (200, 422), page.text
    assert field_error(page.text, field)
    others = {"title", "location", "scheduled_at"} - {field}
    assert not any(field_error(page.text, other) for other in others)
