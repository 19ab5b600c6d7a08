"""The real app (``wsgi:app``, with whatever warm-up it does) behind the worker-naming wrapper."""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1]))

from worker_header import WorkerHeader  # noqa: E402
from wsgi import app as kohtaamo  # noqa: E402

app = WorkerHeader(kohtaamo)
