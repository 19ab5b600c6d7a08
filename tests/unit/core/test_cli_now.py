"""app/core/cli.py: the --now option of the cron commands."""
from __future__ import annotations

from datetime import datetime, timezone

import click
import pytest

from app.core.cli import parse_now


def test_nothing_given_is_none():
    assert parse_now(None, require_offset=True) is None
    assert parse_now(None, require_offset=False) is None
    assert parse_now("", require_offset=False) is None


def test_offset_rule():
    expected = datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)
    assert parse_now("2026-11-23T18:00:00+02:00", require_offset=True) == expected
    assert parse_now("2026-11-23T16:00:00", require_offset=False) == expected
    with pytest.raises(click.ClickException, match="--now: give the time with its offset"):
        parse_now("2026-11-23T16:00:00", require_offset=True)


@pytest.mark.parametrize("value", ["", "tomorrow", "2026-13-01"])
def test_bad_values_name_the_option(value):
    with pytest.raises(click.ClickException, match="--now: not an ISO 8601"):
        parse_now(value, require_offset=True)


def test_year_bounds():
    with pytest.raises(click.ClickException, match="1900–2199"):
        parse_now("0001-01-01T00:00:00", require_offset=False, years=(1900, 2199))
