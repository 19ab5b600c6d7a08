"""Subscriptions of a signed-in user: list, add, remove, unsubscribe by token; which series match.

Plain functions taking the acting user; they flush and raise ``DomainError``s, the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.core.audit import audit
from app.core.districts import DISTRICTS
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.meetings.models import MeetingSeries, MeetingTheme
from app.subscriptions.models import Frequency, Subscription, subscription_key
from app.subscriptions.tokens import UnsubscribeClaim

MAX_PER_USER = 50


def list_subscriptions(user: Any) -> list[Subscription]:
    """The user's subscriptions, oldest first."""
    return list(db.session.scalars(select(Subscription).where(Subscription.user_id == user.id)
                                   .order_by(Subscription.created_at, Subscription.id)))


@dataclass
class CleanSubscription:
    theme_id: int | None
    district: str | None
    frequency: str


def clean_subscription_data(raw: dict[str, Any]) -> CleanSubscription:
    """Check ``{theme_id?, district?, frequency}`` (form or API); raises ValidationError naming fields."""
    fields: dict[str, list[Any]] = {}
    theme_id = raw.get("theme_id")
    if theme_id in ("", None):
        theme_id = None
    else:
        if isinstance(theme_id, str) and theme_id.strip().isdigit():
            theme_id = int(theme_id.strip())
        if isinstance(theme_id, bool) or not isinstance(theme_id, int) or not 0 < theme_id < 2**31 \
                or db.session.get(MeetingTheme, theme_id) is None:
            fields["theme_id"] = [_l("Choose a theme from the list.")]
            theme_id = None
    district = raw.get("district")
    if district in ("", None):
        district = None
    elif not isinstance(district, str) or district not in DISTRICTS:
        fields["district"] = [_l("Choose a district from the list.")]
        district = None
    frequency = raw.get("frequency")
    if frequency not in (Frequency.IMMEDIATE.value, Frequency.WEEKLY.value):
        fields["frequency"] = [_l("Choose at once or a weekly digest.")]
    if theme_id is None and district is None and not fields:
        fields["theme_id"] = [_l("Choose a theme, a district or both.")]
    if fields:
        raise ValidationError(_l("Check the highlighted fields."), fields=fields)
    return CleanSubscription(theme_id, district, frequency)


def subscribe(user: Any, data: CleanSubscription, *, now: datetime) -> Subscription:
    """A new subscription; the same theme and district again is refused (409) naming the first."""
    key = subscription_key(data.theme_id, data.district)
    existing = db.session.scalar(select(Subscription).where(Subscription.user_id == user.id,
                                                            Subscription.key == key))
    if existing is not None:
        raise Conflict(_l("You already subscribe to this. Remove the old subscription first to change "
                          "how often you hear of it."), code="exists", field="theme_id")
    count = db.session.scalar(select(db.func.count(Subscription.id)).where(Subscription.user_id == user.id))
    if count >= MAX_PER_USER:
        raise ValidationError(_l("You can have at most %(n)d subscriptions.", n=MAX_PER_USER), field="theme_id")
    subscription = Subscription(user_id=user.id, theme_id=data.theme_id, district=data.district, key=key,
                                frequency=data.frequency, created_at=now)
    db.session.add(subscription)
    db.session.flush()
    audit(user, "subscription.create", "subscription", subscription.id, theme_id=data.theme_id,
          district=data.district, frequency=data.frequency)
    return subscription


def _may_manage(user: Any, subscription: Subscription) -> bool:
    return subscription.user_id == user.id or getattr(user, "role", None) == "admin"


def get_own(user: Any, subscription_id: int) -> Subscription:
    """The user's own subscription (an admin may reach anyone's, e.g. on request); someone else's
    answers as if it did not exist (404)."""
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None or not _may_manage(user, subscription):
        raise NotFound(_l("The subscription was not found."))
    return subscription


def unsubscribe(user: Any, subscription: Subscription) -> None:
    """Remove one of the user's subscriptions."""
    if not _may_manage(user, subscription):
        raise NotFound(_l("The subscription was not found."))
    audit(user, "subscription.delete", "subscription", subscription.id)
    db.session.delete(subscription)
    db.session.flush()


def claimed_subscriptions(claim: UnsubscribeClaim) -> list[Subscription]:
    """The subscriptions an unsubscribe link names that still exist."""
    if not claim.subscription_ids:
        return []
    return list(db.session.scalars(select(Subscription).where(
        Subscription.user_id == claim.user_id, Subscription.id.in_(claim.subscription_ids))
        .order_by(Subscription.id)))


def unsubscribe_by_token(claim: UnsubscribeClaim) -> int:
    """One-click unsubscribe (no login): removes what the link names; repeating it is harmless."""
    removed = db.session.execute(delete(Subscription).where(
        Subscription.user_id == claim.user_id, Subscription.id.in_(claim.subscription_ids or (0,)))
        .execution_options(synchronize_session=False)).rowcount
    if removed:
        audit(None, "subscription.unsubscribe_link", "user", claim.user_id, removed=removed)
    return removed


def series_district(series: MeetingSeries) -> str | None:
    """The series' own district, else its resident space's."""
    if series.district:
        return series.district
    return getattr(series.space, "district", None) if series.space_id else None


def matches(subscription: Subscription, series: MeetingSeries, theme_ids: set[int], district: str | None) -> bool:
    """Both given: the series must have the theme and be in the district."""
    if subscription.theme_id is not None and subscription.theme_id not in theme_ids:
        return False
    if subscription.district is not None and subscription.district != district:
        return False
    return True


def describe(subscription: Subscription, locale: str) -> str:
    """"Theme: Resident spaces · District: Eastern", in ``locale``."""
    from flask_babel import force_locale, gettext

    from app.core.districts import district_name
    from app.core.i18n import localized

    with force_locale(locale):
        parts = []
        if subscription.theme is not None:
            parts.append(gettext("Theme: %(name)s", name=localized(subscription.theme, "name", locale)))
        if subscription.district:
            parts.append(gettext("District: %(name)s", name=district_name(subscription.district, locale)))
        return " · ".join(parts)
