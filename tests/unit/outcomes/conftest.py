"""The outcomes tests share the records tests' helpers (meetings that took place, sample office files)."""
from tests.unit.records.conftest import HELSINKI, odf, ooxml, past_occurrence, plain_zip  # noqa: F401
