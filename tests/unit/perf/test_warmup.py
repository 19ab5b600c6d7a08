"""The warm-up gunicorn runs before forking (wsgi.py): everything loaded, no connection kept."""
from __future__ import annotations

from app.core.warmup import warm_up
from app.extensions import db


def test_warm_up_compiles_every_template_and_keeps_no_connection(app, make):
    make.series(occurrences=1)
    warm_up(app)
    templates = app.jinja_env.list_templates(filter_func=lambda n: n.endswith(".html"))
    assert len(app.jinja_env.cache) >= len(templates)
    with app.app_context():
        assert db.engine.pool.checkedout() == 0


def test_warm_up_without_tables_does_not_fail(database_uri, tmp_path):
    from app import create_app
    from config import TestingConfig

    empty = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    warm_up(empty)  # e.g. gunicorn started before `flask db upgrade`
    with empty.app_context():
        db.engine.dispose()
