"""Mail of subscriptions and reminders, in the recipient's language, written to the outbox.

Every subscription mail carries the one-click unsubscribe link in its text and in the
``List-Unsubscribe`` / ``List-Unsubscribe-Post`` headers (RFC 8058), so mail clients can offer
their own "unsubscribe" button; the link needs no login.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.i18n import LANGUAGES, localized
from app.core.urls import external_url
from app.extensions import db
from app.mail.services import enqueue
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.online_link import SENT_TO_REGISTRANTS
from app.meetings.places import occurrence_location, series_location
from app.meetings.tokens import registration_token
from app.subscriptions.tokens import unsubscribe_token


def _locale(value: str | None) -> str:
    return value if value in LANGUAGES else "fi"


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 one-click headers for ``url`` (an https POST target in production)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def place_text(series: MeetingSeries, lang: str | None = None) -> str:
    """Where, in ``lang``: the resident space (name, address) or the street address; online link apart."""
    return series_location(series, lang=lang, online=False) or ""


def series_url(series: MeetingSeries) -> str:
    return external_url("meetings.detail", series_id=series.id)


def _series_item(series: MeetingSeries, locale: str, now) -> dict[str, Any]:
    first = db.session.scalar(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == series.id, MeetingOccurrence.status == "scheduled",
        MeetingOccurrence.starts_at > now).order_by(MeetingOccurrence.starts_at).limit(1))
    description = localized(series, "description", locale).strip()
    if len(description) > 600:
        description = description[:600].rsplit(" ", 1)[0] + " …"
    return {"title": localized(series, "title", locale), "description": description,
            # Subscribers are not registrants: the online link is sent to those who register.
            "first": first, "place": place_text(series, locale), "online_url": None,
            "online_note": SENT_TO_REGISTRANTS if series.online_url else "",
            "url": series_url(series)}


def _common(user, subscription_ids) -> dict[str, Any]:
    url = external_url("subscriptions.unsubscribe", token=unsubscribe_token(user.id, subscription_ids))
    return {"unsubscribe_url": url, "manage_url": external_url("subscriptions.index"),
            "name": user.display_name, "headers": unsubscribe_headers(url)}


def send_new_series(user, series: MeetingSeries, subscription_ids: list[int], *, now) -> None:
    """One new meeting series that matches an immediate subscription."""
    locale = _locale(user.locale)
    common = _common(user, subscription_ids)
    enqueue(user.email, "subscription_new_series", locale=locale, lang=locale, headers=common.pop("headers"),
            item=_series_item(series, locale, now), **common)


def send_digest(user, series: list[MeetingSeries], subscription_ids: list[int], *, now) -> None:
    """The weekly digest: every new matching series since the last one."""
    locale = _locale(user.locale)
    common = _common(user, subscription_ids)
    enqueue(user.email, "subscription_digest", locale=locale, lang=locale, headers=common.pop("headers"),
            items=[_series_item(s, locale, now) for s in series], **common)


def _agenda(occurrence_id: int, locale: str) -> str:
    """The date's agenda from its meeting record, when the records feature keeps one (read through
    the table, so this package does not depend on its sibling)."""
    table = db.metadata.tables.get("meeting_records")
    if table is None:
        return ""
    row = db.session.execute(select(table.c.agenda_fi, table.c.agenda_sv, table.c.agenda_en)
                             .where(table.c.occurrence_id == occurrence_id)).first()
    if row is None:
        return ""
    return ({"fi": row.agenda_fi, "sv": row.agenda_sv, "en": row.agenda_en}.get(locale) or row.agenda_fi or "").strip()


def send_reminder(registration: Registration) -> None:
    """The reminder before a meeting date: when, where, the online link, the agenda (or the
    description), add-to-calendar and the registrant's manage link."""
    occurrence = registration.occurrence
    series = occurrence.series
    locale = _locale(registration.locale)
    enqueue(registration.email, "meeting_reminder", locale=locale, lang=locale,
            name=registration.name, occurrence=occurrence, title=localized(series, "title", locale),
            place=occurrence_location(occurrence, lang=locale, online=False) or "", online_url=series.online_url,
            agenda=_agenda(occurrence.id, locale), description=localized(series, "description", locale).strip(),
            occurrence_url=external_url("registrations.occurrence", occurrence_id=occurrence.id),
            calendar_url=external_url("calendar.occurrence_feed", occurrence_id=occurrence.id),
            manage_url=external_url("registrations.manage", token=registration_token(registration)),
            seats=registration.seats)
