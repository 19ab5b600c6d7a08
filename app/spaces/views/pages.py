"""Public resident-space pages: the list, a space with its accessible week view, the finder."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import render_template, request
from sqlalchemy import select

from app.core.actions import act
from app.core.dates import parse_day
from app.core.districts import DISTRICTS, district_choices
from app.core.types import utcnow
from app.extensions import db
from app import scheduling
from app.spaces import services
from app.spaces.forms import FinderForm
from app.spaces.models import SpaceException
from app.spaces.views.common import bp, interval_from_form, is_staff, lang, space_or_404


@bp.get("/")
def index():
    district = request.args.get("district") or None
    if district not in DISTRICTS:
        district = None
    facts = [f for f in request.args.getlist("accessibility") if f in services.ACCESSIBILITY_FACTS]
    spaces = services.list_spaces(district=district, accessibility=facts)
    return render_template("spaces/index.html", spaces=spaces, district=district, facts=facts,
                           filtered=bool(district or facts), district_choices=district_choices(lang()))


def _special_days(space, today: date) -> list[tuple[date, Any, str | None]]:
    """Upcoming days that differ from the weekly hours: exception days and (when closed) holidays."""
    exceptions = db.session.scalars(select(SpaceException).where(
        SpaceException.space_id == space.id, SpaceException.day >= today).order_by(SpaceException.day).limit(20)).all()
    special: list[tuple[date, Any, str | None]] = [(e.day, e, e.note) for e in exceptions]
    if space.closed_on_holidays:
        taken = {e.day for e in exceptions}
        special += [(d, None, scheduling.holiday_name(d, lang())) for d in
                    (today + timedelta(days=i) for i in range(120)) if scheduling.is_holiday(d) and d not in taken]
    special.sort(key=lambda item: item[0])
    return special[:12]


@bp.get("/<int:space_id>")
def detail(space_id: int):
    space = space_or_404(space_id)
    today = utcnow().astimezone(ZoneInfo(space.timezone)).date()
    day = parse_day(request.args.get("week")) or today  # a malformed or far-off week shows this week
    # Seven days from today (or from the day asked), never days that are over.
    view = services.week_view(space, max(day, today), now=utcnow(), exact=True)
    return render_template("spaces/detail.html", space=space, view=view, special_days=_special_days(space, today),
                           staff=is_staff(), today=today)


@bp.get("/find")
def find():
    form = FinderForm(request.args)
    results = None
    searched = bool(request.args)
    status = 200
    if searched and form.validate():
        def search():
            start, end = interval_from_form(form, "Europe/Helsinki")
            return services.find_free_spaces(form.capacity.data, form.district.data or None, start, end,
                                             accessibility=form.accessibility.data or [])

        result = act(search, form=form)
        results, status = result.value, (200 if result.ok else 400)
    elif searched:
        status = 400
    return render_template("spaces/find.html", form=form, results=results, searched=searched,
                           staff=is_staff()), status
