"""Getting a server process ready before it answers anyone: a new gunicorn worker's first requests
used to take about a second (lazy imports, translation catalogues, CLDR locale data, template
compilation, SQLAlchemy mapper configuration and statement compilation).

:func:`warm_up` does all of that up front. ``wsgi.py`` calls it when gunicorn imports the app;
with ``--preload`` (``make serve``) that happens once in the master, before the workers fork, so
every worker — also one restarted later — starts warm.
"""
from __future__ import annotations

import importlib
import pkgutil

from flask import Flask

# Public pages fetched once through the test client: they compile the statements and fill the
# page and feed caches. Reads only.
WARM_PATHS = ("/", "/meetings", "/spaces/", "/calendar/", "/calendar/meetings.ics", "/healthz")


def warm_up(app: Flask) -> None:
    """Import every module, load catalogues and locale data, compile every template, configure
    the mappers and answer a few public pages; then close the database connections so that no
    connection is shared by forked workers."""
    package = importlib.import_module(app.import_name)  # the composition root, found at run time: core imports no feature
    from babel import Locale
    from flask_babel import force_locale, format_datetime, get_translations
    from sqlalchemy import inspect
    from sqlalchemy.orm import configure_mappers

    from app.core.i18n import LANGUAGES
    from app.core.versions import ContentVersion
    from app.extensions import db

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
    configure_mappers()
    env = app.jinja_env
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".txt", ".ics", ".xml"))):
        env.get_template(name)
    with app.test_request_context():
        for lang in LANGUAGES:
            Locale.parse(f"{lang}_FI")
            with force_locale(lang):
                get_translations()
                format_datetime(None, "EEEE d.M.yyyy H.mm")
    with app.app_context():
        try:
            migrated = inspect(db.engine).has_table(ContentVersion.__tablename__)
        except Exception:  # noqa: BLE001 - no database yet: the pages warm up on first use instead
            migrated = False
        db.engine.dispose()
    if migrated:
        client = app.test_client()
        for lang in LANGUAGES:
            for path in WARM_PATHS:
                client.get(path, headers={"Accept-Language": lang})
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
