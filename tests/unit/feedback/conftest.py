"""Helpers for the feedback tests: meetings that have already taken place."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def past_occurrence(make):
    """``past_occurrence(days_ago=1, **series_fields)``: the only occurrence of a series that ended."""

    def build(days_ago: int = 1, **fields):
        start = (datetime.now(HELSINKI) - timedelta(days=days_ago)).replace(
            hour=15, minute=0, second=0, microsecond=0, tzinfo=None)
        return make.occurrence(start_local=start, **fields)

    return build

