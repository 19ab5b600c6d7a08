"""Several `flask mail deliver` processes share the outbox without sending anything twice.

Real processes (as in production: gunicorn plus one or more workers), the suite's database
(SQLite: BEGIN IMMEDIATE serialises the claims; PostgreSQL: FOR UPDATE SKIP LOCKED) and a real
SMTP server (aiosmtpd) that answers a little slowly, so that the workers' batches usually overlap.
The assertions are about outcomes only (every message exactly once, every row sent), never about
how the machine scheduled the workers: that failed on a loaded 2-CPU machine.
"""
from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.mail.models import OutboxMessage
from app.mail.services import enqueue
from tests.smtp import Inbox, _free_port

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 40
BATCH = 4  # ten batches for three workers, so that the claims interleave
WORKERS = 3

# Each worker process loads the app (the slow part), says it is ready and waits for the start
# signal, then runs exactly `flask mail deliver --once --batch-size N`: all start together even
# on a busy machine.
BOOTSTRAP = """
import os, sys, time
from flask.cli import ScriptInfo
from wsgi import app
ready, go = sys.argv[1], sys.argv[2]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.01)
app.cli.main(args=sys.argv[3:], obj=ScriptInfo(create_app=lambda: app), prog_name="flask")
"""


class SlowInbox(Inbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.004)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_parallel_workers_deliver_each_message_exactly_once(app, database_uri, tmp_path):
    with app.app_context():
        for n in range(MESSAGES):
            enqueue(f"person{n}@example.org", "password_reset", locale="fi",
                    user=SimpleNamespace(display_name=f"Person {n}"), link=f"http://kohtaamo.test/{n}")
        db.session.commit()
        queued_ids = set(db.session.scalars(select(OutboxMessage.message_id)))
    assert len(queued_ids) == MESSAGES

    inbox = SlowInbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "DATABASE_URL": database_uri, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port),
           "SECRET_KEY": "test-secret", "KOHTAAMO_INSTANCE": str(tmp_path), "BASE_URL": "http://kohtaamo.test"}
    workers: list[subprocess.Popen] = []
    try:
        go = tmp_path / "go"
        ready = [tmp_path / f"ready{n}" for n in range(WORKERS)]
        workers = [subprocess.Popen([sys.executable, "-c", BOOTSTRAP, str(ready[n]), str(go),
                                     "mail", "deliver", "--once", "--batch-size", str(BATCH)],
                                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for n in range(WORKERS)]
        deadline = time.monotonic() + 120
        while not all(path.exists() for path in ready) and time.monotonic() < deadline:
            assert all(worker.poll() is None for worker in workers), "a worker died while starting"
            time.sleep(0.05)
        go.touch()
        outputs = [worker.communicate(timeout=120) for worker in workers]
        received = inbox.wait_for(MESSAGES, timeout=10)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        controller.stop()

    for worker, (out, err) in zip(workers, outputs):
        assert worker.returncode == 0, err[-2000:]
    sent_per_worker = [int(re.search(r"sent (\d+)", out).group(1)) for out, _ in outputs]
    ids = Counter(message["Message-ID"] for message in received)
    duplicates = [mid for mid, count in ids.items() if count > 1]
    assert not duplicates, f"sent twice: {duplicates[:5]}"
    assert len(received) == MESSAGES and set(ids) == queued_ids
    assert sum(sent_per_worker) == MESSAGES, sent_per_worker
    # Which worker sent how many is scheduling, not behaviour: only exactly-once is asserted.
    with app.app_context():
        statuses = Counter(db.session.scalars(select(OutboxMessage.status)))
    assert statuses == {"sent": MESSAGES}
