"""Application factory."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from config import INSTANCE_DIR, Config


def _persistent_secret_key(instance_dir: Path) -> str:
    """A random key generated once per instance/ and reused (so sessions survive restarts).

    ``O_EXCL`` makes concurrent first starts (several gunicorn workers) agree on one key.
    """
    instance_dir.mkdir(parents=True, exist_ok=True)
    path = instance_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    for _ in range(50):  # a racing writer may not have written yet
        key = path.read_text().strip()
        if key:
            return key
        import time

        time.sleep(0.01)
    raise RuntimeError(f"empty secret key file {path}")


def create_app(config_class: type = Config, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(INSTANCE_DIR))
    from app.web import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    from app.core.json import SafeJSONProvider

    app.json = SafeJSONProvider(app)
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _persistent_secret_key(Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Only the proxies we run may say who the client is; without them X-Forwarded-For is ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)

    from app.errors import register_error_handlers
    from app.web import register_web_hooks

    register_error_handlers(app)
    register_web_hooks(app)
    _register_cli(app)

    from app.calendar.fastpath import FeedFastPath

    app.wsgi_app = FeedFastPath(app)  # cached public feeds answered before Flask
    return app


def _init_extensions(app: Flask) -> None:
    from app.core.database import configure_engine
    from app.core.i18n import select_locale
    from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

    from app import models  # noqa: F401  (every model registered before create_all / migrations)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, strict=bool(app.config.get("TESTING")))
    migrate.init_app(app, db)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Helsinki")
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"

    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see this page.")

    from app.accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        """The session's user, only while its session version is current (see User.get_id)."""
        from app.accounts.services import user_for_session_id

        return user_for_session_id(user_id)


def _register_blueprints(app: Flask) -> None:
    from app.accounts.views import bp as accounts_bp
    from app.accounts.organizations import bp as organizations_bp
    from app.accounts.oidc_views import bp as oidc_bp
    from app.api import bp as api_bp
    from app.calendar.views import bp as calendar_bp
    from app.feedback.topic_views import bp as topics_bp
    from app.feedback.views import bp as feedback_bp
    from app.guidance.staff_views import bp as guidance_staff_bp
    from app.guidance.views import bp as guidance_bp
    from app.meetings.group_views import bp as groups_bp
    from app.meetings.manage_link_views import bp as manage_links_bp
    from app.meetings.template_globals import bp as meetings_globals_bp
    from app.meetings.registration_views import bp as registrations_bp
    from app.meetings.views import bp as meetings_bp
    from app.pages import bp as pages_bp
    from app.privacy.views import bp as privacy_bp
    from app.privacy import sources as _privacy_sources  # noqa: F401  (every feature's GDPR source)
    from app.reports.views import bp as reports_bp
    from app.spaces.views import bp as spaces_bp, requests_bp as booking_requests_bp

    from app.core import visibility
    from app.meetings import visibility as _meetings_visibility  # noqa: F401  (series/occurrence ids)
    from app.feedback import topic_visibility as _topic_visibility  # noqa: F401  (proposal ids)

    visibility.install(app, _viewer)
    for blueprint in (pages_bp, accounts_bp, organizations_bp, api_bp, meetings_bp, registrations_bp,
                      spaces_bp, booking_requests_bp, calendar_bp, feedback_bp, topics_bp, reports_bp,
                      privacy_bp, guidance_bp, guidance_staff_bp, oidc_bp, groups_bp,
                      manage_links_bp, meetings_globals_bp):
        app.register_blueprint(blueprint)
    from app.accounts.oidc import registry as oidc_registry
    from app.privacy import identities as _identities_privacy  # noqa: F401  (GDPR source: sign-in links)

    oidc_registry(app)  # an incomplete OIDC_* setting stops the start with a one-line message
    _register_loop_blueprints(app)


def _register_loop_blueprints(app: Flask) -> None:
    """Meeting records, materials and outcomes (issue 14)."""
    from app.outcomes.views import bp as outcomes_bp
    from app.records import material_views as _material_views  # noqa: F401  (routes on records.bp)
    from app.records.views import bp as records_bp

    app.register_blueprint(records_bp)
    app.register_blueprint(outcomes_bp)
    _register_signup_blueprints(app)


def _register_signup_blueprints(app: Flask) -> None:
    """Sign-up, membership of organisations and 'My organisation' (issue 15)."""
    from app.accounts.membership_views import bp as memberships_bp
    from app.accounts.signup_views import bp as signup_bp
    from app.my_organisation.views import bp as my_organisation_bp
    from app.privacy import memberships as _membership_privacy  # noqa: F401  (GDPR source)

    for blueprint in (signup_bp, memberships_bp, my_organisation_bp):
        app.register_blueprint(blueprint)

    from app.subscriptions.views import bp as subscriptions_bp  # issue 15: subscriptions, unsubscribe links

    app.register_blueprint(subscriptions_bp)


def _viewer():
    """Who is asking: the Bearer token's user on the API, the session's user on pages."""
    from flask import request
    from flask_login import current_user

    if request.path.startswith("/api/"):
        from app.api.core import current_api_user

        return current_api_user(None)
    return current_user


def _register_cli(app: Flask) -> None:
    from app.accounts.cli import tokens_cli, users_cli
    from app.demo import demo_cli
    from app.feedback.cli import feedback_cli
    from app.guidance.cli import guidance_cli
    from app.mail.cli import mail_cli
    from app.meetings.cli import meetings_cli
    from app.privacy.cli import privacy_cli
    from app.records.cli import records_cli

    for group in (users_cli, tokens_cli, mail_cli, demo_cli, meetings_cli, feedback_cli, privacy_cli, records_cli, guidance_cli):
        app.cli.add_command(group)
    from app.subscriptions.cli import reminders_cli, subscriptions_cli

    app.cli.add_command(subscriptions_cli)
    app.cli.add_command(reminders_cli)
