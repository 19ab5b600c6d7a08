"""A WSGI wrapper that names the answering gunicorn worker (``X-Bench-Worker: <pid>``), so that
bench/load.py can tell when every worker has served every page before it starts measuring."""
import os


class WorkerHeader:
    def __init__(self, app) -> None:
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.append(("X-Bench-Worker", str(os.getpid())))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
