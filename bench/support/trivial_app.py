"""The baselines bench/load.py serves with the same gunicorn settings as the app: the smallest Flask
app (``/``) and a static file (``/static.ics``, a copy of the public feed's bytes written by the
bench, served by ``send_from_directory`` with its ETag and 304s)."""
import os
import sys
from pathlib import Path

from flask import Flask, send_from_directory

sys.path.insert(0, str(Path(__file__).resolve().parent))
from worker_header import WorkerHeader  # noqa: E402

flask_app = Flask(__name__)


@flask_app.get("/")
def hello():
    return "ok"


@flask_app.get("/static.ics")
def static_feed():
    return send_from_directory(os.environ.get("BENCH_STATIC_DIR", "."), "feed.ics", mimetype="text/calendar")


app = WorkerHeader(flask_app)
