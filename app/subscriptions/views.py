"""Pages: my subscriptions (list, add, remove with confirmation) and the one-click unsubscribe
link from the mails (no login; its POST takes no CSRF token, because mail clients post to it —
RFC 8058 — and all it can do is remove the subscriptions the signed link names)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.actions import act
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.core.i18n import current_language
from app.core.types import utcnow
from app.errors import DomainError
from app.extensions import csrf
from app.meetings.services import list_themes
from app.subscriptions import services
from app.subscriptions.forms import SubscriptionForm
from app.subscriptions.models import Frequency
from app.subscriptions.tokens import read_token

bp = Blueprint("subscriptions", __name__, url_prefix="/subscriptions")


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"subscription_text": lambda s: services.describe(s, current_language()),
            "frequency_label": Frequency.label_of}


def _render(form: SubscriptionForm, status: int = 200):
    return render_template("subscriptions/index.html", form=form,
                           subscriptions=services.list_subscriptions(current_user)), status


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = SubscriptionForm(themes=list_themes(active_only=True))
    if request.method == "GET":
        form.theme_id.data = request.args.get("theme_id", "") if request.args.get("theme_id", "").isdigit() else ""
        if request.args.get("district") in dict(form.district.choices):
            form.district.data = request.args["district"]
        return _render(form)
    if not form.validate():
        return _render(form, 400)
    now = utcnow()
    result = act(lambda: services.subscribe(current_user, services.clean_subscription_data(form.service_data()),
                                            now=now), form=form)
    if not result.ok:
        return _render(form, result.status)
    flash(_("Subscribed: %(what)s.", what=services.describe(result.value, current_language())), "success")
    return redirect(url_for("subscriptions.index"))


@bp.route("/<int:subscription_id>/delete", methods=["GET", "POST"])
@login_required
def delete(subscription_id: int):
    try:
        subscription = services.get_own(current_user, subscription_id)
    except DomainError:
        abort(404)
    what = services.describe(subscription, current_language())
    if not confirmed():
        return confirm_page(Confirmation(
            title=_("Remove the subscription?"), action=url_for("subscriptions.delete", subscription_id=subscription_id),
            back=url_for("subscriptions.index"), button=_("Remove the subscription"),
            facts=[(_("Subscription"), what), (_("How often"), Frequency.label_of(subscription.frequency))],
            consequences=[_("You will no longer get mail about new meetings of this subscription.")]))
    result = act(lambda: services.unsubscribe(current_user, subscription))
    if result.ok:
        flash(_("Subscription removed: %(what)s.", what=what), "success")
    return redirect(url_for("subscriptions.index"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """GET: a page with one button; POST (the button, or a mail client's one-click): unsubscribe."""
    claim = read_token(token)
    if claim is None:
        return render_template("subscriptions/unsubscribe.html", invalid=True, token=token), 404
    if request.method == "POST":
        act(lambda: services.unsubscribe_by_token(claim))
        return render_template("subscriptions/unsubscribe.html", done=True, token=token)
    subscriptions = services.claimed_subscriptions(claim)
    return render_template("subscriptions/unsubscribe.html", subscriptions=subscriptions, token=token,
                           locale=current_language())
