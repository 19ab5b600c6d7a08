"""JSON API under /api/v1: thin layer over the feature services."""
from app.api import meetings, openapi, organizations, registrations, spaces  # noqa: F401  (register endpoints)
from app.api.core import bp  # noqa: F401
