"""What the cron commands share: the ``--now`` option (act as if it were another time).

Two rules are in use and both stay: the mail jobs that run after meetings (``feedback send``,
``records remind``, ``guidance ...``) want the offset written out; the others (``meetings
materialise``, ``privacy anonymise``, ``subscriptions ...``, ``reminders send``) read a time
without an offset as UTC. Either way a bad value exits non-zero with one line naming ``--now``.
"""
from __future__ import annotations

from datetime import datetime, timezone

import click

EXAMPLE = "2026-11-23T18:00:00+02:00"
_HELP = {True: "Act as if it were this ISO 8601 time (with offset).",
         False: "Pretend the current time is this ISO 8601 instant (UTC if no offset)."}


def now_option(*, require_offset: bool):
    """The ``--now`` option (into the parameter ``now_text``)."""
    return click.option("--now", "now_text", default=None, help=_HELP[require_offset])


def parse_now(value: str | None, *, require_offset: bool, example: str = EXAMPLE,
              years: tuple[int, int] | None = None) -> datetime | None:
    """The UTC instant ``--now`` names; ``None`` when it was not given (the caller takes the clock).

    With ``require_offset`` an empty value is an error and a time must carry its offset; without
    it an empty value means "now" and a time without an offset is UTC. ``years`` bounds the year.
    """
    if value is None or (not value and not require_offset):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--now: not an ISO 8601 time: {value!r} (e.g. {example})") from None
    if years is not None and not years[0] <= parsed.year <= years[1]:
        raise click.ClickException(f"--now: the year must be {years[0]}–{years[1]}: {value!r}")
    if parsed.tzinfo is None:
        if require_offset:
            raise click.ClickException(f"--now: give the time with its offset, e.g. {example}")
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
