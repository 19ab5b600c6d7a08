"""Account rules: users, passwords, API tokens, organisations. No request or session here."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import ROLE_RANK, ApiToken, Organization, User
from app.accounts.validators import check_district, normalize_business_id
from app.core.audit import audit
from app.core.signed_links import LinkExpired, SignedLink, secret_matches
from app.core.urls import is_web_url
from app.core.database import in_reading_request, write_connection
from app.core.types import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db

MIN_PASSWORD_LENGTH = 10


def normalize_email(value: str, *, field: str = "email", lookup: bool = False) -> str:
    """A syntactically valid, lower-cased address (no DNS look-up: tests and demos run offline).

    Addresses we will write to must work on every mail server: letters such as ä before the @
    need SMTPUTF8, which the city's relay may not offer, so they are refused here with a message
    the person can act on (a mail that can never arrive would leave them without a confirmation).
    An internationalised domain is kept in its ASCII (punycode) form, which every server takes.
    ``lookup=True`` (finding someone's existing data) accepts any address.
    """
    text = (value or "").strip()
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=lookup)
    except EmailNotValidError:
        if not lookup and "@" in text and not text.rsplit("@", 1)[0].isascii():
            raise ValidationError(_l("Letters such as ä, ö or å cannot be used before the @ sign of an "
                                     "email address. Please give another address."), field=field) from None
        raise ValidationError(_l("Enter a valid email address."), field=field) from None
    return (result.normalized if lookup else result.ascii_email or result.normalized).lower()


def check_password_strength(password: str) -> None:
    """At least ten characters: length beats composition rules (NIST SP 800-63B)."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
            field="password")


def create_user(email: str, *, role: str, name: str = "", organization_id: int | None = None,
                password: str | None = None, locale: str = "fi", actor: Any = None) -> User:
    """Create a user; the email must be new. Without a password the user sets one by mail link."""
    email = normalize_email(email)
    if role not in ROLE_RANK:
        raise ValidationError(_l("Unknown role."), field="role")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(_l("A user with this email already exists."), field="email")
    if organization_id is not None and db.session.get(Organization, organization_id) is None:
        raise NotFound(_l("Organisation not found."), field="organization_id")
    user = User(email=email, role=role, name=name.strip(), organization_id=organization_id, locale=locale)
    if password is not None:
        check_password_strength(password)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    db.session.flush()
    audit(actor, "user.create", "user", user.id, role=role)
    if organization_id is not None:
        from app.accounts.membership import ensure_membership  # (it builds on this module)

        ensure_membership(user, actor=actor)
    return user


def authenticate(email: str, password: str, *, now: datetime | None = None) -> User | None:
    """The active user with these credentials, or None (same answer for unknown email and bad password)."""
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.password_hash:
        # Spend the same time as a real check so the response time does not reveal the account.
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = now or utcnow()
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def set_password(user: User, password: str, *, actor: Any = None) -> None:
    """Replace the password (also invalidates outstanding reset links, which sign the old hash)
    and end every session of the user."""
    check_password_strength(password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
    audit(actor or user, "user.password", "user", user.id)


def set_locale(user: User, locale: str) -> None:
    """The language of the user's pages and mails (the form offers only fi, sv and en)."""
    user.locale = locale


def end_sessions(user: User) -> None:
    """Every session cookie issued to ``user`` so far stops working on its next request."""
    user.session_version = (user.session_version or 1) + 1


def user_for_session_id(session_id: str) -> User | None:
    """The active user of a session id ``"<user id>:<session version>"`` (User.get_id), or None."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and version.isascii() and version.isdigit()):
        return None
    if int(user_id) > 2**31 - 1:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or int(version) != (user.session_version or 1):
        return None
    return user


def deactivate_user(user: User, *, actor: Any = None) -> None:
    """Close an account: no login, no API token, every session ended."""
    user.active = False
    end_sessions(user)
    audit(actor, "user.deactivate", "user", user.id)


_RESET_LINK = SignedLink("password-reset", max_age="PASSWORD_RESET_MAX_AGE")


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "unset").encode()).hexdigest()[:16]


def make_password_reset_token(user: User) -> str:
    """A signed, expiring, single-use link token (it stops working once the password changes)."""
    return _RESET_LINK.sign({"u": user.id, "p": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user a valid reset token belongs to; ``ValidationError`` when expired, used or tampered."""
    try:
        data = _RESET_LINK.read(token)
    except LinkExpired:
        raise ValidationError(_l("The link has expired. Ask for a new one."), code="expired") from None
    user = db.session.get(User, data.get("u")) if data is not None else None
    if user is None or not secret_matches(_password_fingerprint(user), str(data.get("p"))):
        raise ValidationError(_l("The link is not valid."), code="invalid_token")
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user: User, label: str = "", *, actor: Any = None) -> tuple[ApiToken, str]:
    """A new API token (256 random bits); the plain token is returned once and never stored."""
    plain = "kht_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, label=(label or "").strip()[:100], token_hash=_hash_token(plain),
                     prefix=plain[4:12])
    db.session.add(token)
    db.session.flush()
    audit(actor or user, "token.create", "api_token", token.id)
    return token, plain


def revoke_api_token(token: ApiToken, *, actor: Any, now: datetime | None = None) -> None:
    """Revoke a token; only its owner or an admin may."""
    if actor.id != token.user_id and not actor.is_admin:
        raise Forbidden()
    token.revoked_at = token.revoked_at or now or utcnow()
    audit(actor, "token.revoke", "api_token", token.id)


def user_for_api_token(plain: str, *, now: datetime | None = None) -> User | None:
    """The active owner of a valid, unrevoked token. The look-up is by hash, so no timing leak."""
    if not plain:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    _note_use(token, now or utcnow())
    return token.user


# ``last_used_at`` is for people (which tokens are still in use?), so minutes are precise enough:
# writing it on every API call would make every read a write (and on SQLite take the write lock).
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _note_use(token: ApiToken, now: datetime) -> None:
    """Record the use at most once per ``LAST_USED_RESOLUTION``. During a read-only (GET) request
    the write goes through a short transaction of its own, so the request stays a reader."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    if not in_reading_request():
        token.last_used_at = now
        return
    with write_connection() as conn, conn.begin():
        conn.execute(update(ApiToken).where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_RESOLUTION))
            .values(last_used_at=now))
    set_committed_value(token, "last_used_at", now)


# --- organisations -------------------------------------------------------------------------

@dataclass
class OrganizationData:
    """Validated input for creating or editing an organisation."""

    name: str
    email: str
    business_id: str | None = None
    district: str | None = None
    website: str | None = None
    description: str | None = None


def clean_organization_data(raw: dict[str, Any]) -> OrganizationData:
    """Check formats; collect every field error at once so the user can fix them together."""
    errors: dict[str, list[Any]] = {}
    name = (raw.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append(_l("Enter the organisation's name."))
    elif len(name) > 200:
        errors.setdefault("name", []).append(_l("The name is too long (at most 200 characters)."))
    email = ""
    try:
        email = normalize_email(raw.get("email") or "")
    except ValidationError as exc:
        errors["email"] = exc.fields["email"]
    business_id = None
    try:
        business_id = normalize_business_id(raw.get("business_id"))
    except ValueError as exc:
        errors["business_id"] = [exc.args[0]]
    district = None
    try:
        district = check_district(raw.get("district"))
    except ValueError as exc:
        errors["district"] = [exc.args[0]]
    website = (raw.get("website") or "").strip() or None
    if website and (len(website) > 300 or not is_web_url(website)):
        errors["website"] = [_l("Enter a full web address starting with https://.")]
    description = (raw.get("description") or "").strip() or None
    if description and len(description) > 2000:
        errors["description"] = [_l("At most 2000 characters.")]
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    return OrganizationData(name=name, email=email, business_id=business_id, district=district,
                            website=website,
                            description=(raw.get("description") or "").strip() or None)


def _check_business_id_free(business_id: str | None, exclude_id: int | None = None) -> None:
    if not business_id:
        return
    query = select(Organization.id).where(Organization.business_id == business_id)
    if exclude_id is not None:
        query = query.where(Organization.id != exclude_id)
    if db.session.scalar(query):
        raise Conflict(_l("An organisation with this business ID already exists."), field="business_id")


def create_organization(data: OrganizationData, *, actor: Any) -> Organization:
    """Staff register an organisation."""
    if not actor.is_staff:
        raise Forbidden()
    _check_business_id_free(data.business_id)
    org = Organization(**data.__dict__)
    db.session.add(org)
    db.session.flush()
    audit(actor, "organization.create", "organization", org.id, name=org.name)
    return org


def can_edit_organization(user: Any, org: Organization) -> bool:
    """Staff edit every organisation; an NGO user edits their own."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.organization_id == org.id


def update_organization(org: Organization, data: OrganizationData, *, actor: Any) -> Organization:
    """Edit an organisation, recording which fields changed."""
    if not can_edit_organization(actor, org):
        raise Forbidden()
    _check_business_id_free(data.business_id, exclude_id=org.id)
    changed = {k: v for k, v in data.__dict__.items() if getattr(org, k) != v}
    for key, value in changed.items():
        setattr(org, key, value)
    db.session.flush()
    if changed:
        audit(actor, "organization.update", "organization", org.id, fields=sorted(changed))
    return org


def organizations_page(*, page: int, per_page: int, search: str | None = None):
    """A page of organisations by name, optionally filtered by a name fragment."""
    query = select(Organization).order_by(func.lower(Organization.name), Organization.id)
    if search:
        query = query.where(func.lower(Organization.name).contains(search.strip().lower()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
