"""Sign-in with OpenID Connect: the configured providers and the rules that link a person to an account.

Providers come from ``OIDC_PROVIDERS`` (config.py). Each is an Authlib Flask client that discovers
the provider from ``<issuer>/.well-known/openid-configuration`` and uses the authorisation code
flow with PKCE (S256); Authlib keeps state, nonce and the code verifier in the session and checks
state, the ID token's signature, issuer, audience, expiry and nonce (``authorize_access_token``).

The account rules (``sign_in``) take the verified claims and need no request:
- a known (issuer, subject) signs in its user, whatever email the provider says now;
- otherwise the provider must say the email is verified (``email_verified``); an account with that
  email is then linked, or a new account is created with the provider's role (``ngo`` by default);
- a closed account is refused, and a provider configured for NGOs (``ngo``) never signs anyone in to
  a staff or admin account: only a provider configured with ``ROLE=staff`` (the city's own identity
  service) is trusted for those.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.oidc_models import UserIdentity
from app.accounts.services import create_user, normalize_email
from app.core.audit import audit
from app.core.types import utcnow
from app.errors import Conflict, DomainError, Forbidden
from app.extensions import db

# Roles a provider may give to the accounts it creates. Admin rights are never given by a sign-in
# service: an administrator grants them (``flask users create --role admin``).
PROVIDER_ROLES = (Role.NGO.value, Role.STAFF.value)
_NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ConfigurationError(RuntimeError):
    """``OIDC_*`` variables that cannot work; the message names the variable to fix."""


class ProviderError(DomainError):
    """The sign-in did not complete at the provider or its answer was not acceptable."""

    status = 400
    code = "oidc_failed"


class ProviderUnavailable(DomainError):
    """The provider did not answer (discovery, token or key request)."""

    status = 502
    code = "oidc_unavailable"


@dataclass(frozen=True)
class Provider:
    """One configured sign-in service."""

    name: str
    issuer: str
    client_id: str
    client_secret: str | None
    labels: Mapping[str, str | None] = field(default_factory=dict)
    role: str = Role.NGO.value
    scope: str = "openid email profile"

    def label(self, lang: str) -> str:
        """The button text in ``lang`` (falls back to Finnish, then English, then a generic text)."""
        for candidate in (lang, "fi", "en", "sv"):
            text = self.labels.get(candidate)
            if text:
                return text
        return str(_l("Log in with %(name)s", name=self.name.capitalize()))

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def parse_providers(raw: list[Mapping[str, Any]]) -> list[Provider]:
    """The providers of the configuration, or :class:`ConfigurationError` naming what is wrong."""
    providers: list[Provider] = []
    for entry in raw or []:
        name = str(entry.get("name") or "")
        var = f"OIDC_{name.upper()}_"
        if not _NAME.fullmatch(name):
            raise ConfigurationError(f"OIDC_PROVIDERS: {name!r} is not a valid name (letters a-z, digits, _)")
        if any(p.name == name for p in providers):
            raise ConfigurationError(f"OIDC_PROVIDERS names {name!r} twice")
        issuer = (entry.get("issuer") or "").rstrip("/")
        parts = urlsplit(issuer)
        if not issuer or not parts.hostname:
            raise ConfigurationError(f"{var}ISSUER is missing or not a URL")
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
            raise ConfigurationError(f"{var}ISSUER must be an https:// address")
        if not entry.get("client_id"):
            raise ConfigurationError(f"{var}CLIENT_ID is missing")
        role = entry.get("role") or Role.NGO.value
        if role not in PROVIDER_ROLES:
            raise ConfigurationError(f"{var}ROLE must be one of {', '.join(PROVIDER_ROLES)}, not {role!r}")
        scope = entry.get("scope") or "openid email profile"
        if "openid" not in scope.split():
            raise ConfigurationError(f"{var}SCOPE must include openid")
        providers.append(Provider(name=name, issuer=issuer, client_id=entry["client_id"],
                                  client_secret=entry.get("client_secret") or None,
                                  labels=dict(entry.get("labels") or {}), role=role, scope=scope))
    return providers


class Registry:
    """The providers of one configuration and their Authlib clients (built once, used by every request)."""

    def __init__(self, app: Flask, providers: list[Provider]) -> None:
        from authlib.integrations.flask_client import OAuth

        self.providers = {p.name: p for p in providers}
        self._oauth = OAuth()
        self._oauth.app = app  # not init_app: that would let the app's config override our kwargs
        timeout = app.config.get("OIDC_TIMEOUT_SECONDS", 10)
        for p in providers:
            client_kwargs: dict[str, Any] = {"scope": p.scope, "code_challenge_method": "S256",
                                             "default_timeout": timeout}
            if not p.client_secret:
                client_kwargs["token_endpoint_auth_method"] = "none"  # a public client: PKCE only
            self._oauth.register(p.name, client_id=p.client_id, client_secret=p.client_secret,
                                 server_metadata_url=p.metadata_url, client_kwargs=client_kwargs)

    def client(self, name: str):
        """The Authlib client of provider ``name`` (its metadata discovered on first use)."""
        return self._oauth.create_client(name)


def registry(app: Flask | None = None) -> Registry:
    """The registry of the app's current ``OIDC_PROVIDERS`` (rebuilt when the setting changes)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    raw = app.config.get("OIDC_PROVIDERS") or []
    key = repr(raw)
    cached = app.extensions.get("kohtaamo_oidc")
    if cached is None or cached[0] != key:
        cached = (key, Registry(app, parse_providers(raw)))
        app.extensions["kohtaamo_oidc"] = cached
    return cached[1]


def providers() -> list[Provider]:
    """The configured providers, in the order of ``OIDC_PROVIDERS`` (the login page's buttons)."""
    return list(registry().providers.values())


def get_provider(name: str) -> Provider | None:
    return registry().providers.get(name)


def check_metadata(provider: Provider, metadata: Mapping[str, Any]) -> None:
    """The discovered issuer must be the configured one (OpenID Connect Discovery 1.0, 4.3)."""
    if (metadata.get("issuer") or "").rstrip("/") != provider.issuer:
        raise ProviderError(_l("The sign-in service answered with the wrong identity. Please log in "
                               "with your password or try again later."), code="issuer_mismatch")


# --- the account rules ------------------------------------------------------------------------

@dataclass(frozen=True)
class SignIn:
    """Who signed in, and whether the account or the link to it is new."""

    user: User
    created: bool = False
    linked: bool = False


def _email_verified(claims: Mapping[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _check_may_sign_in(provider: Provider, user: User) -> None:
    if not user.active:
        raise Forbidden(_l("This account has been closed. Contact the city's staff if you need it again."),
                        code="inactive")
    if user.has_role(Role.STAFF) and provider.role != Role.STAFF.value:
        raise Forbidden(_l("City staff accounts cannot be signed in with this service. Log in with your "
                           "password or with the city's own sign-in."), code="role")


def _name_of(claims: Mapping[str, Any]) -> str:
    name = claims.get("name") or " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name"))
    return str(name).strip()[:200]


def sign_in(provider: Provider, claims: Mapping[str, Any], *, locale: str = "fi",
            now: datetime | None = None) -> SignIn:
    """The account of the person the provider vouches for (``claims``: the validated ID token,
    with the userinfo claims of the same subject); links or creates it as the module says.

    Raises :class:`Forbidden` (closed account, a staff account through an NGO provider, email not
    verified) or :class:`Conflict` (the account is already linked to another person at the same
    provider). Flushes; the caller commits.
    """
    now = now or utcnow()
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise ProviderError(_l("The sign-in service did not say who you are. Please try again."), code="no_subject")
    identity = db.session.scalar(select(UserIdentity).where(UserIdentity.issuer == provider.issuer,
                                                            UserIdentity.subject == subject))
    raw_email = claims.get("email") if isinstance(claims.get("email"), str) else None
    if identity is not None:
        _check_may_sign_in(provider, identity.user)
        identity.last_login_at = now
        identity.email = (raw_email or "")[:254] or identity.email
        identity.user.last_login_at = now
        return SignIn(identity.user)

    if not raw_email or not _email_verified(claims):
        raise Forbidden(_l("Your sign-in service did not confirm your email address, so we cannot connect "
                           "it to an account here. Log in with your password, or confirm the address at "
                           "the sign-in service first."), code="email_not_verified")
    try:
        email = normalize_email(raw_email)
    except DomainError:
        raise Forbidden(_l("The email address given by your sign-in service cannot be used here. "
                           "Log in with your password."), code="email_invalid") from None
    user = db.session.scalar(select(User).where(User.email == email))
    created = False
    if user is not None:
        _check_may_sign_in(provider, user)
        other = db.session.scalar(select(UserIdentity.id).where(UserIdentity.user_id == user.id,
                                                                UserIdentity.issuer == provider.issuer))
        if other is not None:
            # The address now belongs to someone else at the provider (a reused address): the
            # account stays with the person who linked it first.
            raise Conflict(_l("This account is already connected to another person's account at the "
                              "sign-in service. Log in with your password."), code="linked_elsewhere")
    else:
        user = create_user(email, role=provider.role, name=_name_of(claims), locale=locale)
        created = True
    identity = UserIdentity(user_id=user.id, provider=provider.name, issuer=provider.issuer, subject=subject,
                            email=email, created_at=now, last_login_at=now)
    db.session.add(identity)
    user.last_login_at = now
    user.email_verified_at = user.email_verified_at or now  # the sign-in service vouched for it
    db.session.flush()
    audit(user, "user.oidc_link", "user", user.id, provider=provider.name, created=created or None)
    return SignIn(user, created=created, linked=True)
