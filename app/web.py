"""Request hooks shared by every page: security headers, template helpers, language."""
from __future__ import annotations

from flask import Flask, abort, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from app.core.dates import register_date_filters
from app.core.districts import district_name
from app.core.i18n import LANGUAGES, current_language, localized, to_local
from app.core.web_safety import security_header_values

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


# Database integer columns are 32-bit on PostgreSQL: a larger id in a URL is simply not found.
MAX_DB_INT = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` for ids: one beyond what the database can hold becomes 0, which no row has.

    Looking such an id up would fail in PostgreSQL ("integer out of range", a 500); refusing it in
    the converter instead makes werkzeug answer 405 when another method of the same path exists.
    With 0 every view answers its usual 404.
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_DB_INT else 0


def _has_nul(values) -> bool:
    # A multipart part with an unreadable name has the key None.
    return any("\x00" in (key or "") or any("\x00" in (v or "") for v in vs) for key, vs in values.lists())


def register_web_hooks(app: Flask) -> None:
    """Context processor, filters and security headers."""

    @app.context_processor
    def inject_globals():
        return {
            "LANGUAGES": LANGUAGES,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
            "lang": current_language(),
            "localized": localized,
            "district_name": lambda key: district_name(key, current_language()),
            "nav_items": _nav_items(),
        }

    app.jinja_env.filters["local"] = to_local
    register_date_filters(app)

    def refuse_large_bodies():
        """413 from the announced length alone, before a byte of the body is read (CONTRACT).

        First of all hooks (CSRF and the rate limiter would otherwise parse the form). A body
        without a length is cut at the limit by Werkzeug while it is read (also 413).
        """
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length is not None and request.content_length > limit:
            abort(413)

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_large_bodies)

    @app.before_request
    def reject_nul_characters():
        """NUL cannot be stored in PostgreSQL text (it would be a 500): refuse it up front as malformed."""
        if "\x00" in request.path or _has_nul(request.args) or (
                request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(request.form)):
            abort(400)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        for name, value in security_header_values(app):
            headers.setdefault(name, value)
        personal_request = current_user.is_authenticated or bool(request.headers.get("Authorization"))
        if response.mimetype != "text/html" and personal_request \
                and not headers.get("Cache-Control", "").startswith("private"):
            # API answers to a token, CSV/XLSX/JSON downloads of a logged-in user: never kept by a
            # browser or shared cache (lists of registrants, reports). A view that chose "private"
            # on purpose (a personal calendar feed, polled by its owner's app) keeps it.
            headers["Cache-Control"] = "no-store"
        if response.mimetype == "text/html" and "Cache-Control" not in headers:  # (set by the page cache)
            # A secret link (manage, privacy, password reset) is as personal as a logged-in page.
            secret_link = any("token" in key for key in (request.view_args or {}))
            headers.setdefault("Cache-Control", "no-store" if current_user.is_authenticated or secret_link
                               else "no-cache")
        return response


def _nav_items() -> list[tuple[str, str, str]]:
    """(endpoint, url, label) for the header, by role; features add their own entries here."""
    from flask_babel import gettext as _

    items: list[tuple[str, str, str]] = [("pages.index", url_for("pages.index"), _("Home")),
                                         ("meetings.index", url_for("meetings.index"), _("Meetings"))]
    if current_user.is_authenticated:
        if current_user.is_staff:
            items.append(("meetings.manage_index", url_for("meetings.manage_index"), _("Manage meetings")))
            items.append(("organizations.index", url_for("organizations.index"), _("Organisations")))
            items.append(("feedback.index", url_for("feedback.index"), _("Feedback")))
            items.append(("reports.cooperation", url_for("reports.cooperation"), _("Reports")))
        elif current_user.organization_id:
            items.append(("my_organisation.index", url_for("my_organisation.index"), _("My organisation")))
        else:
            items.append(("signup.join", url_for("signup.join"), _("Join an organisation")))
        items.append(("registrations.mine", url_for("registrations.mine"), _("My registrations")))
    items.insert(2, ("outcomes.index", url_for("outcomes.index"), _("What came of it")))
    items.insert(3, ("records.library", url_for("records.library"), _("Materials")))
    # Resident spaces: public list for everyone; the request queue for staff, own requests for NGO users.
    items.insert(1, ("spaces.index", url_for("spaces.index"), _("Resident spaces")))
    items.insert(3, ("guidance.index", url_for("guidance.index"), _("Guidance hours")))
    if current_user.is_authenticated:
        if current_user.is_staff:
            items.append(("booking_requests.queue", url_for("booking_requests.queue"), _("Booking requests")))
        else:
            items.append(("booking_requests.mine", url_for("booking_requests.mine"), _("My booking requests")))
        items.append(("topics.index", url_for("topics.index"), _("Topics")))
    items.append(("calendar.index", url_for("calendar.index"), _("Calendars")))
    return items
