""""Send me my manage link again" (app/meetings/manage_links.py has the rule).

The same answer page whether or not the address is registered; rate-limited per client and per
address (``MANAGE_LINK_RATE_LIMIT``, ``MANAGE_LINK_ADDRESS_RATE_LIMIT``).
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from app.core.actions import act
from app.core.i18n import current_language
from app.extensions import limiter
from app.meetings.manage_links import send_manage_links

bp = Blueprint("manage_links", __name__)


class ManageLinkForm(FlaskForm):
    """One email address."""

    email = EmailField(_l("Your email address"), validators=[
        DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address.")),
        Length(max=254)])


def _client_limit() -> str:
    return current_app.config.get("MANAGE_LINK_RATE_LIMIT", "10 per hour")


def _address_limit() -> str:
    return current_app.config.get("MANAGE_LINK_ADDRESS_RATE_LIMIT", "3 per hour")


def _address_key() -> str:
    email = request.form.get("email", "")
    return "manage-link:" + hashlib.sha256(" ".join(email.split()).lower().encode()).hexdigest()


@bp.route("/registrations/manage-link", methods=["GET", "POST"])
@limiter.limit(_client_limit, methods=["POST"])
@limiter.limit(_address_limit, key_func=_address_key, methods=["POST"])
def request_link():
    """The form; a valid address always leads to the same "on its way" page."""
    form = ManageLinkForm()
    if form.validate_on_submit():
        result = act(lambda: send_manage_links(form.email.data, locale=current_language()), form=form)
        if result.ok:
            return redirect(url_for("manage_links.sent"))
        return render_template("registrations/manage_link.html", form=form), result.status
    status = 400 if form.is_submitted() else 200
    return render_template("registrations/manage_link.html", form=form), status


@bp.get("/registrations/manage-link/sent")
def sent():
    """The one answer: if the address is registered, a mail is on its way."""
    return render_template("registrations/manage_link_sent.html")
