"""Sign in with an OpenID Connect provider: ``/login/oidc/<name>`` sends the person there, the
provider sends them back to ``/login/oidc/<name>/callback`` (register ``BASE_URL`` + that path at
the provider). The rules are in app/accounts/oidc.py; this module only speaks HTTP.

Both are GET (a link, and the provider's redirect), so the login rate limit is applied here by
hand: the app's limiter leaves GET requests alone (app/extensions.py).
"""
from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from limits import parse

from app.accounts import oidc
from app.core.database import writes
from app.core.i18n import current_language
from app.core.urls import external_url
from app.errors import DomainError
from app.extensions import db, limiter
from app.core.web_safety import safe_next

bp = Blueprint("oidc", __name__)

_NEXT = "oidc_next"
_PENDING = 2  # sign-ins started earlier (other tabs) that may still come back


def _forget_old_attempts() -> None:
    """Authlib keeps each started sign-in (state, nonce, PKCE verifier) in the session cookie. Only
    the newest few are kept, so that repeated clicks cannot grow the cookie past the browsers'
    4 kB limit (the browser would then drop it, and the person's session with it)."""
    def expires(key: str) -> float:
        value = session.get(key)
        return float(value.get("exp") or 0) if isinstance(value, dict) else 0.0

    keys = sorted((key for key in session if key.startswith("_state_")), key=expires)
    for key in keys[:max(0, len(keys) - _PENDING)]:
        session.pop(key, None)


def _error_page(error: DomainError):
    db.session.rollback()
    return render_template("errors/error.html", status=error.status, message=error.message), error.status


def _rate_limited() -> bool:
    """The password login's per-address limit, shared by both steps of an OIDC sign-in."""
    try:
        rule = parse(current_app.config["LOGIN_RATE_LIMIT"])
        return not limiter.limiter.hit(rule, "oidc-login", get_remote_address())
    except Exception:  # the limiter's storage is down: let people in, as Flask-Limiter does
        current_app.logger.warning("OIDC rate limit not checked", exc_info=True)
        return False


def _too_many():
    message = _l("Too many attempts. Please wait a moment and try again.")
    return render_template("errors/error.html", status=429, message=message), 429


def _provider_or_404(name: str) -> oidc.Provider:
    provider = oidc.get_provider(name)
    if provider is None:
        abort(404)
    return provider


_UNAVAILABLE = _l("The sign-in service did not answer. Please try again later or log in with your password.")
_FAILED = _l("Signing in with the sign-in service did not succeed. Please try again or log in with your password.")
_CANCELLED = _l("The sign-in was cancelled. You are not logged in.")


@bp.get("/login/oidc/<name>")
def start(name: str):
    """Send the person to the provider (authorisation code flow with PKCE, state and nonce)."""
    provider = _provider_or_404(name)
    if current_user.is_authenticated:
        return redirect(url_for("pages.index"))
    if _rate_limited():
        return _too_many()
    client = oidc.registry().client(provider.name)
    try:
        oidc.check_metadata(provider, client.load_server_metadata())
        next_target = safe_next(request.args.get("next"), "")
        _forget_old_attempts()
        if next_target:
            session[_NEXT] = next_target
        else:
            session.pop(_NEXT, None)
        return client.authorize_redirect(external_url("oidc.callback", name=provider.name),
                                         ui_locales=current_language())
    except DomainError as error:
        return _error_page(error)
    except (requests.RequestException, ValueError):
        current_app.logger.warning("OIDC provider %s unreachable", provider.name, exc_info=True)
        return _error_page(oidc.ProviderUnavailable(_UNAVAILABLE))


@bp.get("/login/oidc/<name>/callback")
@writes  # links or creates the account
def callback(name: str):
    """Back from the provider: check everything, then log the person in."""
    provider = _provider_or_404(name)
    if _rate_limited():
        return _too_many()
    client = oidc.registry().client(provider.name)
    try:
        returned_iss = request.args.get("iss")
        if returned_iss is not None and returned_iss.rstrip("/") != provider.issuer:
            # RFC 9207: the answer comes from another provider than the one we sent the person to.
            raise oidc.ProviderError(_FAILED, code="issuer_mismatch")
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise oidc.ProviderError(_FAILED, code="no_id_token")  # no ID token: no nonce was checked
        if "email" not in claims and client.load_server_metadata().get("userinfo_endpoint"):
            extra = client.userinfo(token=token)
            if extra.get("sub") == claims.get("sub"):  # OIDC Core 5.3.2: the same person or nothing
                claims = {**dict(extra), **claims}
        result = oidc.sign_in(provider, claims, locale=current_language())
        db.session.commit()
    except DomainError as error:
        return _error_page(error)
    except AuthlibBaseError as error:
        # access_denied (the person cancelled), a state that is not ours, an invalid code or verifier
        current_app.logger.info("OIDC sign-in with %s refused: %s", provider.name, error.error)
        message = _CANCELLED if error.error == "access_denied" else _FAILED
        return _error_page(oidc.ProviderError(message, code=error.error or "oauth"))
    except JoseError as error:
        # the ID token: bad signature, wrong issuer or audience, expired, nonce not ours
        current_app.logger.warning("OIDC ID token from %s refused: %s", provider.name, error)
        return _error_page(oidc.ProviderError(_FAILED, code="invalid_id_token"))
    except (requests.RequestException, ValueError):
        current_app.logger.warning("OIDC provider %s unreachable", provider.name, exc_info=True)
        return _error_page(oidc.ProviderUnavailable(_UNAVAILABLE))

    next_target = session.pop(_NEXT, None)
    session.clear()  # no session fixation: a fresh session after login
    login_user(result.user)
    session["lang"] = result.user.locale
    if result.created:
        flash(_("Welcome! Your account was created. Find your organisation and ask to join it."), "success")
        return redirect(url_for("signup.join"))
    flash(_("You are logged in."), "success")
    return redirect(safe_next(next_target, url_for("pages.index")))


@bp.app_template_global("oidc_login_buttons")
def login_buttons() -> list[tuple[str, str]]:
    """(label, link) of every configured provider in the page's language; empty without any."""
    lang = current_language()
    next_target = safe_next(request.args.get("next"), "") or None
    return [(p.label(lang), url_for("oidc.start", name=p.name, next=next_target)) for p in oidc.providers()]
