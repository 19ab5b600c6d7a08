"""Home, language switch, accessibility statement, privacy notice, health check."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, send_from_directory, session
from sqlalchemy import text

from app.core.page_cache import cached_page
from app.core.i18n import LANGUAGES
from app.extensions import db
from app.meetings.content import PAGES as MEETING_PAGES
from app.core.web_safety import safe_next

bp = Blueprint("pages", __name__)


@bp.get("/")
@cached_page(*MEETING_PAGES)
def index():
    """The front page: what the service is, the next meetings, where to go next."""
    from app.core.types import utcnow
    from app.meetings.services import MeetingFilters, upcoming_page

    upcoming = upcoming_page(MeetingFilters(), now=utcnow(), page=1, per_page=3)
    return render_template("pages/index.html", upcoming=upcoming)


@bp.get("/lang/<code>")
def switch_language(code: str):
    """Remember the chosen language in the session. A GET (a link, a prefetch) changes nothing
    stored: the profile's language is saved only by the profile form's POST."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise (for load balancers and monitoring)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "unhealthy"
        db.session.rollback()
        return jsonify({"status": "error", "database": type(exc).__name__}), 503
    return jsonify({"status": "ok", "database": "ok"})


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every page, whatever the link tag says (no 404s in the log)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)
