"""A laptop's background-sync interval: its own setting, checked, never sent to the server."""

from __future__ import annotations

import pytest

from app.errors import ValidationError
from app.services.sync import client
from app.services.sync.schedule import DEFAULT_MINUTES, every_minutes, save_every_minutes


def test_the_interval_is_the_laptops_own(laptop):
    ws = laptop("amira")
    assert every_minutes(ws) == DEFAULT_MINUTES
    assert save_every_minutes(ws, 15) == 15
    assert every_minutes(ws) == 15
    assert client.status(ws).pending == 0  # nothing for the team server


@pytest.mark.parametrize("minutes", [0, -3, 24 * 60 + 1, True, "10"])
def test_a_bad_interval_is_refused_in_one_sentence(laptop, minutes):
    ws = laptop("amira")
    with pytest.raises(ValidationError, match="from 1 to 1440"):
        save_every_minutes(ws, minutes)
    assert every_minutes(ws) == DEFAULT_MINUTES


def test_only_an_enrolled_laptop_has_one(team):
    with pytest.raises(ValidationError, match="enrolled with a team server"):
        save_every_minutes(team, 5)
    assert every_minutes(team) == DEFAULT_MINUTES
