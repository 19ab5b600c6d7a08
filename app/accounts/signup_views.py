"""Sign-up pages: create an account, confirm the address, ask to join or propose an organisation."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.accounts.rate_limits import account_key, account_limit, login_limit
from app.accounts import membership, signup
from app.accounts.membership_models import Membership
from app.accounts.models import Organization
from app.accounts.signup_forms import ConfirmForm, JoinForm, ProposalForm, ResendForm, SignupForm
from app.core.actions import act
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.core.i18n import current_language
from app.errors import DomainError
from app.extensions import db, limiter

bp = Blueprint("signup", __name__)


_account_key = account_key("signup")


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(account_limit, key_func=_account_key, methods=["POST"])
def signup_page():
    if current_user.is_authenticated:
        return redirect(url_for("signup.join"))
    form = SignupForm()
    if form.validate_on_submit():
        result = act(lambda: signup.start_signup(
            name=form.name.data, email=form.email.data, password=form.password.data,
            locale=form.locale.data, privacy_accepted=bool(form.privacy.data)), form=form)
        if result.ok:
            session["lang"] = form.locale.data
            return redirect(url_for("signup.check_email"))
        return render_template("signup/signup.html", form=form), result.status
    return render_template("signup/signup.html", form=form), 400 if form.errors else 200


@bp.get("/signup/check-email")
def check_email():
    """The same answer for every sign-up: new address or one that already has an account."""
    return render_template("signup/check_email.html", hours=signup.link_max_age() // 3600)


@bp.route("/signup/resend", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(account_limit, key_func=_account_key, methods=["POST"])
def resend():
    form = ResendForm()
    if form.validate_on_submit():
        result = act(lambda: signup.resend(form.email.data, locale=current_language()), form=form)
        if result.ok:
            return redirect(url_for("signup.check_email"))
        return render_template("signup/resend.html", form=form), result.status
    return render_template("signup/resend.html", form=form), 400 if form.errors else 200


@bp.route("/signup/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """GET shows the address and a button; only the POST creates the account (a mail scanner
    that follows the link must not confirm an address on its owner's behalf)."""
    try:
        pending = signup.pending_for_token(token)
    except DomainError as exc:
        return render_template("signup/invalid_link.html", message=exc.message), 400
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("signup/verify.html", form=form, pending=pending)
    result = act(lambda: signup.verify(token))
    if not result.ok:
        return redirect(url_for("accounts.login"))
    user = result.value
    session.clear()
    login_user(user)
    session["lang"] = user.locale
    flash(_("Your email address is confirmed and your account is ready. Next, join your organisation."),
          "success")
    return redirect(url_for("signup.join"))


@bp.get("/organisation/join")
@login_required
def join():
    """Find an organisation by name or business ID; or see the request already made."""
    query = request.args.get("q", "").strip()[:200]
    results = membership.find_organizations(query) if query else []
    return render_template("signup/join.html", query=query, results=results, form=JoinForm(),
                           pending=membership.open_request_of(current_user),
                           proposal=membership.open_proposal_of(current_user))


@bp.post("/organisation/join/<int:org_id>")
@login_required
def ask_to_join(org_id: int):
    org = db.get_or_404(Organization, org_id)
    form = JoinForm()
    if not form.validate_on_submit():
        flash(_("The message is too long (at most 1000 characters)."), "error")
        return redirect(url_for("signup.join"))
    result = act(lambda: membership.request_to_join(current_user, org.id, message=form.message.data))
    if result.ok:
        flash(_("Your request to join %(name)s was sent. You will get an email when it is answered.",
                name=org.name), "success")
    return redirect(url_for("signup.join"))


@bp.route("/organisation/join-requests/<int:membership_id>/withdraw", methods=["GET", "POST"])
@login_required
def withdraw(membership_id: int):
    row = db.get_or_404(Membership, membership_id)
    if row.user_id != current_user.id and not current_user.is_admin:
        abort(403)
    if not confirmed():
        return confirm_page(Confirmation(
            title=_("Withdraw the request?"), back=url_for("signup.join"), button=_("Withdraw the request"),
            action=url_for("signup.withdraw", membership_id=row.id), back_label=_("Keep the request"),
            facts=[(_("Organisation"), row.organization.name)],
            consequences=[_("The contact person will no longer see your request.")]))
    result = act(lambda: membership.withdraw_request(row, actor=current_user))
    if result.ok:
        flash(_("Your request was withdrawn."), "success")
    return redirect(url_for("signup.join"))


@bp.route("/organisation/propose", methods=["GET", "POST"])
@login_required
def propose():
    form = ProposalForm()
    if form.validate_on_submit():
        result = act(lambda: membership.propose_organization(current_user, form.data), form=form)
        if result.ok:
            flash(_("Thank you. City staff will check the organisation; you will get an email."), "success")
            return redirect(url_for("signup.join"))
        return render_template("signup/propose.html", form=form), result.status
    return render_template("signup/propose.html", form=form), 400 if form.errors else 200
