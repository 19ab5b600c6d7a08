"""Sign-up: a person creates their own account and confirms the address by a signed link.

Nothing here tells whether an address already has an account: a sign-up (or a resend) for a
known address sends that address a mail saying so, with a link to set a new password, and the
page answers "check your email" either way. The user row exists only after the link is used
(``PendingSignup`` holds the rest), so an unconfirmed address can never log in.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from app.accounts.membership_models import PendingSignup
from app.accounts.models import Role, User
from app.accounts.services import check_password_strength, make_password_reset_token, normalize_email
from app.core.audit import audit
from app.core.signed_links import LinkExpired, SignedLink, positive_id, secret_matches
from app.core.types import utcnow
from app.core.urls import external_url
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.mail.services import enqueue

SALT = "signup-verify"
DEFAULT_LINK_MAX_AGE = 48 * 3600  # seconds; SIGNUP_LINK_MAX_AGE overrides
LANGUAGES = ("fi", "sv", "en")


def link_max_age() -> int:
    """How long a verification link works, in seconds (48 hours unless configured)."""
    return int(current_app.config.get("SIGNUP_LINK_MAX_AGE") or DEFAULT_LINK_MAX_AGE)


def _link() -> SignedLink:
    return SignedLink(SALT, max_age=link_max_age())


def verification_token(pending: PendingSignup) -> str:
    """The signed, expiring token of the verification link (it names the row and its secret)."""
    return _link().sign({"s": pending.id, "k": pending.secret})


def start_signup(*, name: str, email: str, password: str, locale: str, privacy_accepted: bool,
                 now: datetime | None = None) -> None:
    """Check the input, then mail a verification link (or, for a known address, a reminder that
    the account exists). Returns nothing: the caller must answer the same in both cases."""
    now = now or utcnow()
    errors: dict[str, list] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_l("Enter your name.")]
    elif len(name) > 200:
        errors["name"] = [_l("The name is too long (at most 200 characters).")]
    address = ""
    try:
        address = normalize_email(email)
    except ValidationError as exc:
        errors["email"] = exc.fields["email"]
    try:
        check_password_strength(password)
    except ValidationError as exc:
        errors["password"] = exc.fields["password"]
    if locale not in LANGUAGES:
        errors["locale"] = [_l("Choose a language from the list.")]
    if not privacy_accepted:
        errors["privacy"] = [_l("You need to accept the privacy notice to create an account.")]
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    # Hashed before the look-up, so that a known address does not answer measurably faster.
    password_hash = generate_password_hash(password)
    _forget_expired(now)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is not None:
        _mail_already(user)
        return
    pending = db.session.scalar(select(PendingSignup).where(PendingSignup.email == address))
    if pending is None:
        pending = PendingSignup(email=address)
        db.session.add(pending)
    # A new sign-up for the same address replaces the earlier one: only the newest link works.
    pending.name, pending.locale = name, locale
    pending.password_hash = password_hash
    pending.secret = secrets.token_hex(16)
    pending.privacy_accepted_at = pending.created_at = now
    db.session.flush()
    _mail_link(pending)


def resend(email: str, *, locale: str = "fi", now: datetime | None = None) -> None:
    """Send the link again for a pending sign-up (or the account reminder); silent otherwise."""
    now = now or utcnow()
    address = normalize_email(email, lookup=True)
    _forget_expired(now)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is not None:
        _mail_already(user)
        return
    pending = db.session.scalar(select(PendingSignup).where(PendingSignup.email == address))
    if pending is not None:
        pending.created_at = now  # the row lives as long as its newest link
        _mail_link(pending)


def pending_for_token(token: str) -> PendingSignup:
    """The pending sign-up of a valid link; ``ValidationError`` when expired, used or tampered."""
    try:
        data = _link().read(token)
    except LinkExpired:
        raise ValidationError(_l("The link has expired. Sign up again or ask for a new link."),
                              code="expired") from None
    pending_id = data.get("s") if data else None
    secret = data.get("k") if data else None
    if not positive_id(pending_id, 2**31) or not isinstance(secret, str):
        raise ValidationError(_l("The link is not valid."), code="invalid_token")
    pending = db.session.get(PendingSignup, pending_id)
    if pending is None or not secret_matches(pending.secret, secret):
        raise ValidationError(_l("The link is not valid. It may have been used already: try to log in."),
                              code="invalid_token")
    return pending


def verify(token: str, *, now: datetime | None = None) -> User:
    """Create the account of a pending sign-up (role ngo, address verified) and forget the sign-up."""
    now = now or utcnow()
    pending = pending_for_token(token)
    if db.session.scalar(select(User.id).where(User.email == pending.email)):
        db.session.delete(pending)
        raise Conflict(_l("You already have an account. Log in, or set a new password if you forgot it."))
    user = User(email=pending.email, name=pending.name, password_hash=pending.password_hash,
                role=Role.NGO.value, locale=pending.locale, email_verified_at=now)
    db.session.add(user)
    db.session.delete(pending)
    db.session.flush()
    audit(user, "user.signup", "user", user.id)
    return user


def _forget_expired(now: datetime) -> None:
    db.session.execute(delete(PendingSignup).where(
        PendingSignup.created_at < now - timedelta(seconds=link_max_age())))


def _mail_link(pending: PendingSignup) -> None:
    enqueue(pending.email, "signup_verify", locale=pending.locale, name=pending.name,
            hours=link_max_age() // 3600,
            link=external_url("signup.verify", token=verification_token(pending)))


def _mail_already(user: User) -> None:
    enqueue(user.email, "signup_already", locale=user.locale, user=user,
            reset_link=external_url("accounts.reset_password", token=make_password_reset_token(user)),
            login_link=external_url("accounts.login"))
