"""``flask demo load`` publishes a month of guidance hours with a couple of appointments, once."""
from __future__ import annotations

from sqlalchemy import func, select

from app.guidance.models import GuidanceAppointment, GuidanceHour, GuidanceWindow


def _counts(ctx):
    return tuple(ctx.scalar(select(func.count()).select_from(m)) for m in (GuidanceHour, GuidanceWindow,
                                                                          GuidanceAppointment))


def test_demo_guidance_hours_are_idempotent(runner, ctx):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = _counts(ctx)
    assert first[0] == 2 and first[1] >= 8 and first[2] == 2
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    ctx.expire_all()
    assert _counts(ctx) == first
