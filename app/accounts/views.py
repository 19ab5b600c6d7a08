"""Login, logout, password reset and the profile page (language, API tokens, calendar feed)."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.accounts.rate_limits import account_key, account_limit, login_limit
from app.accounts import services
from app.accounts.forms import ForgotPasswordForm, LanguageForm, LoginForm, ResetPasswordForm, TokenForm
from app.accounts.models import ApiToken, User
from app.core.actions import act
from app.core.i18n import current_language
from app.errors import DomainError
from app.core.confirm import Confirmation, confirm_page, confirmed
from app.extensions import db, limiter
from app.accounts.notifications import send_password_reset as render_reset_mail  # (tests spy on it)
from app.core.web_safety import safe_next

bp = Blueprint("accounts", __name__)


_account_key = account_key("account")


def _failed(response) -> bool:
    return response.status_code != 302  # a successful login or reset request redirects


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(account_limit, key_func=_account_key, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = act(lambda: services.authenticate(form.email.data, form.password.data), form=form).value
        if user is None:
            form.form_errors.append(_("Wrong email or password."))
        else:
            session.clear()  # no session fixation: a fresh session after login
            login_user(user)
            session["lang"] = user.locale
            flash(_("You are logged in."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("pages.index")))
    return render_template("accounts/login.html", form=form), 400 if form.errors or form.form_errors else 200


@bp.post("/logout")
def logout():
    lang = session.get("lang")
    if current_user.is_authenticated:
        act(lambda: services.end_sessions(current_user))  # every device, and any copy of the cookie
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "success")
    return redirect(url_for("pages.index"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
@limiter.limit(account_limit, key_func=_account_key, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        known = user is not None and user.active
        # The same work whether or not the address is known (a signed token, the mail rendered,
        # a commit), so that the answer's timing does not tell; only a real one is kept.
        act(lambda: render_reset_mail(user if known else User(email="unknown@invalid", locale=current_language()),
                                      send=known))
        # Same answer whether or not the address is known: no account enumeration.
        flash(_("If the address belongs to an account, we sent a link to set a new password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        user = services.user_for_reset_token(token)
    except DomainError as exc:
        return render_template("errors/error.html", status=400, message=exc.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit() and act(lambda: services.set_password(user, form.password.data), form=form).ok:
        flash(_("Your password has been set. You can now log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form), 400 if form.errors else 200


def _profile_page(*, new_token: str | None = None, language_form: LanguageForm | None = None,
                  status: int = 200):
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                                .order_by(ApiToken.created_at.desc())).all()
    if language_form is None:
        language_form = LanguageForm(locale=current_user.locale)
    return render_template("accounts/profile.html", tokens=tokens, form=TokenForm(), new_token=new_token,
                           language_form=language_form), status


@bp.get("/profile")
@login_required
def profile():
    return _profile_page()


@bp.post("/profile/language")
@login_required
def set_language():
    """The language of the user's mails and pages, stored on the profile (only by this POST)."""
    form = LanguageForm()
    if not form.validate_on_submit():
        return _profile_page(language_form=form, status=400)
    act(lambda: services.set_locale(current_user, form.locale.data))
    session["lang"] = form.locale.data
    flash(_("Your language was saved."), "success")
    return redirect(url_for("accounts.profile"))


@bp.post("/profile/tokens")
@login_required
def create_token():
    form = TokenForm()
    if not form.validate():
        flash(_("Check the name of the token."), "error")
        return redirect(url_for("accounts.profile"))
    result = act(lambda: services.create_api_token(current_user, form.label.data or ""))
    if not result.ok:
        return redirect(url_for("accounts.profile"))
    _token, plain = result.value
    # Shown once, in this answer only (no-store): never put in the session cookie, which is
    # signed but readable by anyone who gets hold of it.
    return _profile_page(new_token=plain)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id and not current_user.is_admin:
        abort(403)
    if not confirmed():
        from flask_babel import format_datetime

        return confirm_page(Confirmation(
            title=_("Revoke the token?"), action=url_for("accounts.revoke_token", token_id=token.id),
            back=url_for("accounts.profile"), button=_("Revoke the token"),
            facts=[(_("Name"), token.label or "–"), (_("Begins with"), token.prefix), (_("Created"), format_datetime(token.created_at, "d.M.yyyy HH.mm"))],
            consequences=[_("Programs that use this token can no longer use the service. This cannot be undone: "
                            "create a new token if you need one.")],
            back_label=_("Keep the token")))
    act(lambda: services.revoke_api_token(token, actor=current_user))
    flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.profile"))
