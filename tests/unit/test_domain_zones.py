"""IANA zone names: validated, matched for autocomplete, chosen user > server > UTC."""

import pytest

from game_scheduler.domain.zones import check_zone, matching_zones, zone_in_use
from game_scheduler.errors import ValidationError


@pytest.mark.parametrize("name", ["Europe/Berlin", " America/New_York ", "UTC"])
def test_iana_names_are_accepted(name):
    assert check_zone(name) == name.strip()


@pytest.mark.parametrize("name", ["", "Mars/Base", "../etc/passwd", "/etc/localtime", "x" * 65])
def test_other_names_are_refused_with_the_field(name):
    with pytest.raises(ValidationError) as caught:
        check_zone(name, "timezone")
    assert caught.value.field == "timezone"


def test_matching_zones_prefers_prefixes_then_cities():
    assert matching_zones("europe/ber") == ["Europe/Berlin"]
    assert matching_zones("new york")[0] == "America/New_York"
    assert len(matching_zones("")) == 25


def test_the_users_zone_wins_then_the_servers_then_utc():
    assert zone_in_use("Asia/Tokyo", "Europe/Berlin").label() == "Asia/Tokyo (your zone)"
    assert zone_in_use(None, "Europe/Berlin").label() == "Europe/Berlin (server zone)"
    assert zone_in_use(None, None).label() == "UTC (no zone set)"
