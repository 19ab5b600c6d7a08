"""Calendar feeds (CONTRACT.md), the public "Calendars" page and renewing the personal feed URL.

Feeds are answered from :mod:`app.calendar.feeds`: one aggregate query, then either a 304 or the
cached bytes, and a serialisation only when the data changed. Anything not public (unknown id,
draft series, unknown or revoked token) is a plain 404 that does not say whether it existed.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.core.actions import act
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.accounts.models import User
from app.calendar import feeds, services, tokens
from app.core.dates import parse_day
from app.core.urls import external_url
from app.core.i18n import localized
from app.extensions import db
from app.meetings.models import MeetingSeries
from app.spaces.models import Space

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

PUBLIC_MAX_AGE = 300


def personal_feed_url(user: User) -> str:
    """The https URL of ``user``'s personal feed."""
    return external_url("calendar.personal_feed", token=tokens.personal_feed_token(user))


@bp.app_template_global()
def calendar_personal_feed_url(user: User) -> str:
    return personal_feed_url(user)


@bp.app_template_filter("feed_dom_id")
def feed_dom_id(url: str) -> str:
    """A stable, unique-enough HTML id for the copy field of one feed URL."""
    return "feed-" + hashlib.sha256(url.encode()).hexdigest()[:10]


@bp.app_template_filter("webcal")
def webcal(url: str) -> str:
    """The same feed as a webcal:// link, which calendar apps open as a subscription."""
    scheme, sep, rest = url.partition("://")
    return f"webcal://{rest}" if sep and scheme in ("http", "https") else url


@bp.app_template_filter("urlquote")
def urlquote(value: str) -> str:
    return quote(value, safe="")


def _http_date_seconds(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _serve(plan: feeds.Plan | None):
    """200 with the cached bytes, or 304 when the client's copy is current."""
    if plan is None:
        abort(404)
    feed = feeds.get_feed(plan)
    last_modified = _http_date_seconds(feed.last_modified)
    cache_control = f"{'private' if plan.private else 'public'}, max-age={PUBLIC_MAX_AGE}"
    # RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it.
    if request.if_none_match:
        not_modified = request.if_none_match.contains_weak(feed.etag)
    else:
        since = request.if_modified_since
        not_modified = since is not None and last_modified <= since
    if not_modified:
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(feed.body, mimetype="text/calendar")
        response.headers["Content-Type"] = "text/calendar; charset=utf-8"
        response.headers["Content-Disposition"] = f'inline; filename="{plan.filename}"'
    response.set_etag(feed.etag)
    response.last_modified = last_modified
    response.headers["Cache-Control"] = cache_control
    if plan.private:
        # A secret URL: keep it out of referrers, logs of shared caches and search engines.
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _lang() -> str:
    return feeds.language(request.args.get("lang"))


@bp.get("/meetings.ics")
def meetings_feed():
    return _serve(feeds.meetings_plan(_lang()))


@bp.get("/series/<int:series_id>.ics")
def series_feed(series_id: int):
    return _serve(feeds.meetings_plan(_lang(), series_id))


@bp.get("/occurrences/<int:occurrence_id>.ics")
def occurrence_feed(occurrence_id: int):
    return _serve(feeds.occurrence_plan(occurrence_id, _lang()))


@bp.get("/u/<token>.ics")
def personal_feed(token: str):
    user = tokens.user_for_personal_token(token)
    if user is None:
        abort(404)
    return _serve(feeds.personal_plan(user, _lang()))


def _day(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    day = parse_day(raw)
    if day is None:
        abort(400)  # malformed, or outside the years the service handles
    return day


@bp.get("/spaces/<int:space_id>.ics")
def space_feed(space_id: int):
    space = db.session.get(Space, space_id)
    if space is None:
        abort(404)
    detailed = False
    token = request.args.get("token")
    if token:
        # Only the space's own feed token: an API token (full API access) never goes into a URL,
        # where calendar apps, proxies and logs keep it.
        staff = tokens.staff_for_space_token(token, space.id)
        if staff is None:
            abort(404)  # a wrong token says nothing about the space
        detailed = True
    start, end = feeds.space_window(_day("from"), _day("to"), datetime.now(timezone.utc).date())
    return _serve(feeds.space_plan(space, _lang(), detailed=detailed, start=start, end=end))


@bp.get("/")
def index():
    """Public "Calendars" page: the all-meetings feed, each published series, each space."""
    series = db.session.scalars(select(MeetingSeries).where(MeetingSeries.status == "published")).all()
    series = sorted(series, key=lambda s: localized(s, "title").casefold())
    spaces = db.session.scalars(select(Space).order_by(Space.name)).all()
    staff_links = {}
    if current_user.is_authenticated and current_user.is_staff:
        staff_links = {space.id: external_url("calendar.space_feed", space_id=space.id,
                                              token=tokens.space_staff_token(current_user, space.id))
                       for space in spaces}
    return render_template("calendar/index.html", series=series, spaces=spaces, staff_links=staff_links,
                           external_url=external_url)


@bp.post("/feed/renew")
@login_required
def renew_feed():
    """New personal feed URL; the old one (and staff space links) stop working at once."""
    if not confirmed():
        return confirm_page(Confirmation(
            title=_("Renew your calendar feed address?"), action=url_for("calendar.renew_feed"),
            back=url_for("accounts.profile") + "#calendar-feed-heading", button=_("Renew the address"),
            consequences=[_("The current address stops working at once: calendars subscribed to it no longer get "
                            "updates until you subscribe to the new address. Staff links to space calendars change "
                            "too.")],
            back_label=_("Keep the current address")))
    act(lambda: services.renew_feed_token(current_user, actor=current_user))
    flash(_("Your calendar feed has a new address. The old address no longer works."), "success")
    return redirect(url_for("accounts.profile") + "#calendar-feed-heading")
