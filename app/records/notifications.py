"""Mail of the records feature: record published (registrants), record missing (staff)."""
from __future__ import annotations

from app.core.i18n import LANGUAGES
from app.mail.services import enqueue
from app.meetings.models import MeetingOccurrence, Registration
from app.core.urls import external_url


def mail_record_published(registration: Registration, occurrence: MeetingOccurrence) -> None:
    """Tell a registrant that the minutes and materials of their meeting are out, in their language."""
    locale = registration.locale if registration.locale in LANGUAGES else "fi"
    series = occurrence.series
    title = getattr(series, f"title_{locale}", None) or series.title_fi
    enqueue(registration.email, "record_published", locale=locale, lang=locale, name=registration.name,
            title=title, starts_at=occurrence.starts_at, link=external_url("records.record", occurrence_id=occurrence.id))


def mail_record_reminder(user, occurrence: MeetingOccurrence, days: int) -> None:
    """Remind a staff member that a meeting's record is still unpublished ``days`` after it."""
    locale = user.locale if user.locale in LANGUAGES else "fi"
    series = occurrence.series
    title = getattr(series, f"title_{locale}", None) or series.title_fi
    enqueue(user.email, "record_reminder", locale=locale, lang=locale, name=user.display_name, title=title,
            days=days, starts_at=occurrence.starts_at, link=external_url("records.edit", occurrence_id=occurrence.id))
