"""Mail of the outcomes feature: one mail per change to each follower, in their language."""
from __future__ import annotations

from app.core.i18n import LANGUAGES
from app.mail.services import enqueue
from app.outcomes.statuses import status_label
from app.core.urls import external_url


def mail_outcome_change(user, outcome, event, *, created: bool = False) -> None:
    """``created``: an outcome was recorded for a topic the person proposed or supported."""
    locale = user.locale if user.locale in LANGUAGES else "fi"
    title = getattr(outcome, f"title_{locale}", None) or outcome.title_fi
    note = None
    if event is not None:
        note = getattr(event, f"note_{locale}", None) or event.note_fi
    enqueue(user.email, "outcome_created" if created else "outcome_changed", locale=locale, lang=locale,
            name=user.display_name, title=title, status=outcome.status,
            status_changed=bool(event is not None and event.status), note=note, outcome_status_text=status_label,
            link=external_url("outcomes.detail", outcome_id=outcome.id))
