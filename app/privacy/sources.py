"""Collects the features' GDPR sources: each feature registers its own in ``<feature>/privacy.py``
(app/core/personal_data.py); importing them here is what puts them in the registry.

Imported by the privacy machinery (app/privacy/services.py) and once at start-up; registering is
idempotent (by name).
"""
from __future__ import annotations

from app.accounts import privacy as accounts  # noqa: F401  account, API tokens, audit trail
from app.feedback import privacy as feedback  # noqa: F401  named feedback, agenda topics
from app.guidance import privacy as guidance  # noqa: F401  guidance appointments
from app.meetings import privacy as meetings  # noqa: F401  registrations
from app.outcomes import privacy as outcomes  # noqa: F401  outcome follows
from app.records import privacy as records  # noqa: F401  meeting records and materials
from app.spaces import privacy as spaces  # noqa: F401  booking requests
from app.subscriptions import privacy as subscriptions  # noqa: F401  subscriptions, notices, digests
