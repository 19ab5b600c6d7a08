"""Personal and staff feed tokens: derived, revocable, constant-time compared."""
from __future__ import annotations

from app.accounts.models import User
from app.calendar import services, tokens
from app.extensions import db


def test_personal_token_round_trip_and_revocation(make, app):
    user = make.user()
    with app.app_context():
        row = db.session.get(User, user.id)
        token = tokens.personal_feed_token(row)
        user_id, _, mac = token.partition(".")
        assert user_id == str(user.id)
        assert len(mac) * 6 >= 128  # base64url characters carry 6 bits each
        assert tokens.user_for_personal_token(token).id == user.id
        assert tokens.personal_feed_token(row) == token  # derived: the same until renewed

        services.renew_feed_token(row, actor=row)
        db.session.flush()
        assert tokens.user_for_personal_token(token) is None
        assert tokens.user_for_personal_token(tokens.personal_feed_token(row)).id == user.id
        db.session.rollback()


def test_forged_or_foreign_tokens_are_refused(make, app):
    alice, bob = make.user(), make.user()
    with app.app_context():
        a, b = db.session.get(User, alice.id), db.session.get(User, bob.id)
        good = tokens.personal_feed_token(a)
        mac = good.partition(".")[2]
        for bad in ["", "x", f"{alice.id}", f"{alice.id}.", f"{bob.id}.{mac}", f"{alice.id}.{mac[:-1]}A",
                    f"999999.{mac}", f"-1.{mac}", tokens.space_staff_token(a, 1)]:
            assert tokens.user_for_personal_token(bad) is None, bad
        assert tokens.user_for_personal_token(tokens.personal_feed_token(b)).id == bob.id


def test_space_token_needs_active_staff_and_the_right_space(make, app):
    staff, ngo = make.user("staff"), make.user("ngo")
    with app.app_context():
        s, n = db.session.get(User, staff.id), db.session.get(User, ngo.id)
        token = tokens.space_staff_token(s, 5)
        assert tokens.staff_for_space_token(token, 5).id == staff.id
        assert tokens.staff_for_space_token(token, 6) is None
        assert tokens.staff_for_space_token(tokens.personal_feed_token(s), 5) is None
        assert tokens.staff_for_space_token(tokens.space_staff_token(n, 5), 5) is None  # not staff
        s.active = False
        assert tokens.staff_for_space_token(token, 5) is None
        db.session.rollback()


def test_only_the_owner_or_an_admin_renews(make, app):
    import pytest

    from app.errors import Forbidden

    owner, other, admin = make.user(), make.user(), make.user("admin")
    with app.app_context():
        row = db.session.get(User, owner.id)
        with pytest.raises(Forbidden):
            services.renew_feed_token(row, actor=db.session.get(User, other.id))
        assert services.renew_feed_token(row, actor=db.session.get(User, admin.id)) == 2
        db.session.rollback()
