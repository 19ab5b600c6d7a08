"""Configuration, read from the environment (see ../shared/CONTRACT.md).

Tests pass overrides to ``create_app`` instead of patching the environment.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("KOHTAAMO_INSTANCE", BASE_DIR / "instance"))


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(raw: str | None) -> str:
    """Normalise ``DATABASE_URL``: plain ``postgresql://`` means psycopg 3."""
    if not raw:
        return f"sqlite:///{INSTANCE_DIR / 'kohtaamo.db'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


def default_base_url(environ) -> str:
    """``BASE_URL``, or the address ``make run`` serves on (``http://HOST:PORT``).

    The Makefile passes ``HOST``/``PORT`` to every flask command, so ``PORT=5101 make run``
    writes links with 5101 into mails, feeds and copy fields. A wildcard bind address is
    no address to visit: links then use 127.0.0.1 (set ``BASE_URL`` for other machines).
    """
    explicit = (environ.get("BASE_URL") or "").strip()
    if explicit:
        return explicit.rstrip("/")
    host = (environ.get("HOST") or "127.0.0.1").strip()
    if host in {"0.0.0.0", "::", "[::]", ""}:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal in a URL
    port = (environ.get("PORT") or "5000").strip()
    return f"http://{host}:{port}"


def oidc_providers(environ) -> list[dict]:
    """The OpenID Connect sign-in services named in ``OIDC_PROVIDERS`` (``helsinki,suomifi``).

    Each name ``X`` reads ``OIDC_X_ISSUER``, ``OIDC_X_CLIENT_ID``, ``OIDC_X_CLIENT_SECRET``,
    ``OIDC_X_LABEL_FI`` / ``_SV`` / ``_EN`` (the button), ``OIDC_X_ROLE`` (``ngo`` or ``staff``)
    and ``OIDC_X_SCOPE``. Nothing is checked here (this module is imported by every command):
    ``app/accounts/oidc.py`` refuses an incomplete entry with a one-line message at start-up.
    """
    providers = []
    for raw in (environ.get("OIDC_PROVIDERS") or "").split(","):
        name = raw.strip().lower()
        if not name:
            continue
        prefix = f"OIDC_{name.upper()}_"

        def get(key: str, default: str | None = None, prefix: str = prefix) -> str | None:
            value = (environ.get(prefix + key) or "").strip()
            return value or default

        providers.append({
            "name": name,
            "issuer": get("ISSUER"),
            "client_id": get("CLIENT_ID"),
            "client_secret": get("CLIENT_SECRET"),
            "labels": {lang: get(f"LABEL_{lang.upper()}") for lang in ("fi", "sv", "en")},
            "role": get("ROLE", "ngo"),
            "scope": get("SCOPE", "openid email profile"),
        })
    return providers


class Config:
    """Production defaults; every value can come from the environment."""

    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SECRET_KEY = os.environ.get("SECRET_KEY")  # None → generated once per instance/
    BASE_URL = default_base_url(os.environ)

    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # None → mail stays in the outbox
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Kohtaamo <kohtaamo@hel.fi>")
    MAIL_MAX_ATTEMPTS = 8
    MAIL_LEASE_SECONDS = 300

    # Reverse proxies in front (nginx, a load balancer): the client address is then taken from the
    # last TRUSTED_PROXIES entries of X-Forwarded-For (Werkzeug's ProxyFix). 0 = trust no header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # Largest request body in bytes; a larger one gets 413 before anything is read.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024)))
    # Every form field without a bound of its own stays under this many characters.
    MAX_FORM_MEMORY_SIZE = 500_000

    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"  # per client address (all attempts)
    LOGIN_ACCOUNT_RATE_LIMIT = "20 per hour"  # per account, failed attempts only, from any address

    # Registrations an NGO user makes for other people through the API (staff are not limited).
    API_PROXY_REGISTRATIONS_PER_OCCURRENCE = int(os.environ.get("API_PROXY_REGISTRATIONS_PER_OCCURRENCE", "10"))
    API_PROXY_REGISTRATIONS_PER_DAY = int(os.environ.get("API_PROXY_REGISTRATIONS_PER_DAY", "50"))

    TOPICS_PER_USER_PER_OCCURRENCE = int(os.environ.get("TOPICS_PER_USER_PER_OCCURRENCE", "5"))

    LANGUAGES = ("fi", "sv", "en")
    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = BASE_URL.startswith("https://")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Larger request bodies get 413 before they are read (CONTRACT.md); material files: at most 20 MB.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024)))
    MATERIALS_MAX_BYTES = 20 * 1024 * 1024
    MATERIALS_DIR = os.environ.get("MATERIALS_DIR")  # None → instance/materials (outside the web root)

    PASSWORD_RESET_MAX_AGE = 3600
    # Sign-in with OpenID Connect (app/accounts/oidc.py); empty: password login only.
    OIDC_PROVIDERS = oidc_providers(os.environ)
    OIDC_TIMEOUT_SECONDS = 10  # discovery, token and key requests to a provider
    PAGE_SIZE = 25

    # Recurrence limits: a rule may not explode the database.
    RECURRENCE_MAX_OCCURRENCES = int(os.environ.get("RECURRENCE_MAX_OCCURRENCES", "260"))
    RECURRENCE_HORIZON_DAYS = int(os.environ.get("RECURRENCE_HORIZON_DAYS", "730"))
    MATERIALISE_DAYS = int(os.environ.get("MATERIALISE_DAYS", "400"))
    # Meeting occurrences exist this many days ahead; `flask meetings materialise` extends them.
    MEETINGS_MATERIALISE_DAYS = int(os.environ.get("MEETINGS_MATERIALISE_DAYS", "180"))
    GUIDANCE_HORIZON_DAYS = int(os.environ.get("GUIDANCE_HORIZON_DAYS", "180"))  # guidance dates created ahead
    RETENTION_DAYS = int(os.environ.get("RETENTION_DAYS", "30"))


class TestingConfig(Config):
    """Used by the test suite; the database URL still comes from DATABASE_URL."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = None
    MAIL_SUPPRESS_SEND = False  # tests deliver to a real local SMTP server (aiosmtpd)
    SESSION_COOKIE_SECURE = False
