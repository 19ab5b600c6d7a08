"""The feedback feature's mails: the invitation to give feedback after a meeting and its reminder."""
from __future__ import annotations

from datetime import datetime

from app.core.i18n import LANGUAGES
from app.core.urls import external_url
from app.mail.services import enqueue
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration


def feedback_link(token: str) -> str:
    """The absolute personal link of an invitation's token."""
    return external_url("feedback.answer", token=token)


def send_invitation(*, token: str, locale: str, closes_at: datetime, occurrence: MeetingOccurrence,
                    series: MeetingSeries, registration: Registration, reminder: bool = False) -> None:
    """Put the invitation (or, with ``reminder``, its reminder) in the outbox, in the person's language."""
    lang = locale if locale in LANGUAGES else "fi"
    enqueue(registration.email, "feedback_invitation", locale=locale, reminder=reminder,
            name=registration.name, title=getattr(series, f"title_{lang}", None) or series.title_fi,
            starts_at=occurrence.starts_at, closes_at=closes_at, link=feedback_link(token), lang=lang)
