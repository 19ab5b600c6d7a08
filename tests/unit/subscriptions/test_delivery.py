"""Subscriptions without HTTP: who hears of which series, once; immediate mails and weekly digests."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.types import utcnow
from app.accounts.models import User
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.meetings.models import MeetingSeries
from app.subscriptions import delivery, services
from app.subscriptions.models import SeriesAnnouncement, SubscriptionNotice
from tests.unit.subscriptions.helpers import outbox


def _send(app, now=None):
    with app.app_context():
        return delivery.send_immediate(now or utcnow())


def _digest(app, now):
    with app.app_context():
        return delivery.send_digests(now)


def test_immediate_mail_for_a_matching_theme_once(app, make):
    user = make.user("ngo", locale="sv")
    theme = make.default_theme().id
    make.subscription(user, theme=theme)
    series_id = make.series(themes=[theme], title_sv="Lokalträff").id
    make.series(themes=[make.default_theme("communication").id])  # another theme: not told
    assert _send(app) == 1
    assert _send(app) == 0  # idempotent
    [mail] = outbox(app, "subscription_new_series")
    assert mail.recipient == user.email and "Lokalträff" in mail.subject
    assert mail.headers["List-Unsubscribe"].startswith("<http://kohtaamo.test/subscriptions/unsubscribe/")
    assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/meetings/{series_id}" in mail.text_body


def test_district_of_the_series_or_its_space_and_both_must_match(app, make):
    user = make.user("ngo")
    theme = make.default_theme().id
    make.subscription(user, theme=theme, district="eastern")
    make.series(themes=[theme], district="western")  # theme only: no
    make.series(district="eastern")  # district only: no
    wanted = make.series(themes=[theme], district="eastern").id
    assert _send(app) == 1
    with app.app_context():
        assert [n.series_id for n in db.session.scalars(db.select(SubscriptionNotice))] == [wanted]


def test_several_matching_subscriptions_give_one_mention(app, make):
    user = make.user("ngo")
    theme = make.default_theme().id
    make.subscription(user, theme=theme)
    make.subscription(user, district="central")
    make.subscription(user, theme=theme, district="central", frequency="weekly")
    make.series(themes=[theme], district="central")
    assert _send(app) == 1
    assert _digest(app, utcnow()) == 0  # told already
    assert len(outbox(app)) == 1


def test_only_series_published_after_the_subscription_and_still_upcoming(app, make):
    user = make.user("ngo")
    make.series(district="northern")  # before the subscription
    make.subscription(user, district="northern")
    past = make.series(district="northern", occurrences=1,
                       start_local=(utcnow() + timedelta(hours=3)).replace(tzinfo=None, microsecond=0)).id
    assert _send(app, utcnow() + timedelta(days=1)) == 0  # its only date has passed by then
    assert _send(app) == 1
    with app.app_context():
        assert db.session.scalar(db.select(SubscriptionNotice.series_id)) == past


def test_republishing_and_new_dates_announce_nothing_new(app, make):
    user = make.user("ngo")
    make.subscription(user, district="southern")
    series_id = make.series(district="southern").id
    assert _send(app) == 1
    with app.app_context():
        series = db.session.get(MeetingSeries, series_id)
        series.status = "draft"
        db.session.commit()
        series.status = "published"
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(SeriesAnnouncement)) == 1
    assert _send(app) == 0


def test_inactive_user_and_drafts_get_nothing(app, make):
    user = make.user("ngo")
    make.subscription(user, district="southern")
    make.series(status="draft", district="southern")
    assert _send(app) == 0
    make.series(district="southern")
    with app.app_context():
        from app.accounts.models import User

        db.session.get(User, user.id).active = False
        db.session.commit()
    assert _send(app) == 0


def test_weekly_digest_no_repeats_nothing_missed_across_runs(app, make):
    user = make.user("ngo")
    make.subscription(user, district="eastern", frequency="weekly")
    first = make.series(district="eastern", title_fi="Eka").id
    now = utcnow()
    assert _send(app, now) == 0  # weekly subscribers get no immediate mail
    assert _digest(app, now) == 1
    second = make.series(district="eastern", title_fi="Toka").id
    assert _digest(app, now + timedelta(minutes=1)) == 0  # one digest per ISO week
    next_week = now + timedelta(days=7)
    assert _digest(app, next_week) == 1
    assert _digest(app, next_week) == 0
    mails = outbox(app, "subscription_digest")
    assert len(mails) == 2
    assert "Eka" in mails[0].text_body and "Toka" not in mails[0].text_body
    assert "Toka" in mails[1].text_body and "Eka" not in mails[1].text_body
    with app.app_context():
        told = {r[0]: r[1] for r in db.session.execute(db.select(SubscriptionNotice.series_id, SubscriptionNotice.via))}
    assert told == {first: "weekly", second: "weekly"}


def test_a_week_with_nothing_new_is_not_used_up(app, make):
    user = make.user("ngo")
    make.subscription(user, district="eastern", frequency="weekly")
    now = utcnow()
    assert _digest(app, now) == 0
    make.series(district="eastern")
    assert _digest(app, now + timedelta(minutes=5)) == 1


def test_clean_subscription_data_refuses_bad_input(app, make):
    theme = make.default_theme().id
    with app.app_context():
        for raw, field in (({"frequency": "immediate"}, "theme_id"),
                           ({"theme_id": 10**12, "frequency": "weekly"}, "theme_id"),
                           ({"theme_id": True, "frequency": "weekly"}, "theme_id"),
                           ({"district": "atlantis", "frequency": "weekly"}, "district"),
                           ({"district": ["eastern"], "frequency": "weekly"}, "district"),
                           ({"theme_id": theme, "frequency": "daily"}, "frequency")):
            with pytest.raises(ValidationError) as error:
                services.clean_subscription_data(raw)
            assert field in error.value.fields, raw


def test_the_same_subscription_twice_is_a_conflict(app, make):
    user = make.user("ngo")
    make.subscription(user, district="eastern")
    with app.app_context(), pytest.raises(Conflict):
        services.subscribe(db.session.get(User, user.id), services.clean_subscription_data(
            {"theme_id": None, "district": "eastern", "frequency": "weekly"}), now=utcnow())


def test_gdpr_export_and_erasure(app, make):
    from app.accounts.models import User
    from app.privacy.registry import Subject
    from app.subscriptions import privacy

    user = make.user("ngo")
    make.subscription(user, district="eastern", frequency="weekly")
    make.series(district="eastern")
    assert _digest(app, utcnow()) == 1
    with app.app_context():
        subject = Subject(email=user.email, user=db.session.get(User, user.id))
        assert [s["district"] for s in privacy.export(subject)] == ["Itäinen"]
        assert privacy.erase(subject, actor=None, now=utcnow()) == 1
        db.session.commit()
        assert privacy.export(subject) == []
        assert db.session.scalar(db.select(db.func.count(SubscriptionNotice.id))) == 0
