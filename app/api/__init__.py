"""JSON API under /api/v1: thin layer over the feature services."""
from app.api import feedback, openapi, organizations, reports  # noqa: F401  (modules register their endpoints)
from app.api.core import bp  # noqa: F401
