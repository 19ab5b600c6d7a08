"""JSON API under /api/v1: thin layer over the feature services."""
from app.api import (feedback, guidance, meetings, openapi, organizations, registrations,  # noqa: F401,E501  (register endpoints)
                     reports, spaces)
from app.api import outcomes, records  # noqa: F401,E402  (meeting records, materials, outcomes)
from app.api import subscriptions  # noqa: F401,E402  (issue 15: /me/subscriptions)
from app.api import me_profile  # noqa: F401,E402  (GET /me, issue 15)
from app.api.core import bp  # noqa: F401
