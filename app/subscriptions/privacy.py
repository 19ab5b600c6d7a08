"""Subscriptions in GDPR requests: exported with the person, erased with them. Notice and digest records go too: they say what
the person was sent. Reminder records hold no personal data of their own (a registration id)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from app.core.districts import district_name
from app.core.personal_data import PersonalDataSource, register_source
from app.extensions import db
from app.subscriptions.models import Subscription, SubscriptionDigest, SubscriptionNotice


def export(subject: Any) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(Subscription).where(subject.matches(Subscription)).order_by(Subscription.id))
    return [{"id": s.id, "theme": s.theme.name_fi if s.theme else None,
             "district": district_name(s.district) or None, "frequency": s.frequency,
             "created_at": s.created_at.isoformat()} for s in rows]


def erase(subject: Any, *, actor: Any, now: datetime) -> int:
    """Delete the person's subscriptions (counted) and their notice and digest records."""
    counts = [db.session.execute(delete(model).where(subject.matches(model))
                                 .execution_options(synchronize_session=False)).rowcount
              for model in (Subscription, SubscriptionNotice, SubscriptionDigest)]
    return counts[0]


register_source(PersonalDataSource("subscriptions", export, erase, order=40))
