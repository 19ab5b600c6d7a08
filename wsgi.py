"""WSGI entry point: ``flask --app wsgi ...`` and ``gunicorn wsgi:app``."""
import sys

from app import create_app

app = create_app()

if "gunicorn" in sys.modules:  # served by gunicorn (not a flask CLI command): be ready before forking
    from app.core.warmup import warm_up

    warm_up(app)
