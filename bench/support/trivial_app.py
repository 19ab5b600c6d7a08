"""The smallest Flask app: the baseline bench/load.py serves with the same gunicorn settings."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "ok"
