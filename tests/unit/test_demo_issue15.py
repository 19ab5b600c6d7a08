"""`flask demo load` shows issue 15 too: the demo NGO users are contact persons of their
organisations, the Finnish one has a subscription and has registered a group of colleagues;
loading twice changes nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import membership
from app.accounts.models import User
from app.demo import load_demo_data
from app.extensions import db
from app.meetings.models import Registration
from app.subscriptions.models import Subscription


def _state():
    ngo = db.session.scalar(select(User).where(User.email == "ngo@kohtaamo.example"))
    subscriptions = db.session.scalar(select(func.count(Subscription.id)).where(Subscription.user_id == ngo.id))
    group = db.session.execute(
        select(Registration.occurrence_id, func.count(Registration.id))
        .where(Registration.user_id == ngo.id, func.lower(Registration.email) != ngo.email,
               Registration.status != "cancelled")
        .group_by(Registration.occurrence_id)).all()
    return ngo, subscriptions, group


def test_demo_has_memberships_a_subscription_and_a_group(app):
    with app.app_context():
        load_demo_data()
        db.session.commit()
        ngo, subscriptions, group = _state()
        assert subscriptions == 1
        assert len(group) == 1 and group[0][1] == 3
        for email in ("ngo@kohtaamo.example", "forening@kohtaamo.example"):
            user = db.session.scalar(select(User).where(User.email == email))
            assert membership.is_contact(user, user.organization_id)
        load_demo_data()
        db.session.commit()
        assert _state()[1:] == (subscriptions, group)
