"""The one way a page acts (app/core/actions.py) and absolute addresses (app/core/urls.py)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField

from app.accounts.models import Organization
from app.core.actions import act
from app.core.urls import external_url
from app.errors import Conflict, ValidationError
from app.extensions import db


class _NameForm(FlaskForm):
    class Meta:
        csrf = False

    title = StringField()


def _add(name: str) -> Organization:
    org = Organization(name=name, email="info@example.fi")
    db.session.add(org)
    db.session.flush()
    return org


def test_success_commits_and_returns_the_value(app):
    with app.test_request_context(method="POST"):
        result = act(lambda: _add("Kallion kotiseutuyhdistys"))
        assert result.ok and result.status == 200 and result.value.id
        db.session.rollback()  # nothing left to undo: it was committed
        assert db.session.scalar(db.select(Organization.name)) == "Kallion kotiseutuyhdistys"


def test_refusal_rolls_back_everything_and_places_messages_on_the_form(app):
    def half_then_refuse():
        _add("Puoliksi kirjoitettu")
        raise ValidationError("Nimi on pakollinen.", field="name")

    with app.test_request_context(method="POST"):
        form = _NameForm()
        result = act(half_then_refuse, form=form, field_map={"name": "title"})
        assert not result.ok and result.status == 400
        assert form.title.errors == ["Nimi on pakollinen."]
        assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0


def test_conflict_answers_409_and_is_flashed_without_a_form(app):
    with app.test_request_context(method="POST"):
        result = act(lambda: (_ for _ in ()).throw(Conflict("Tila on jo varattu.")))
        from flask import get_flashed_messages
        assert result.status == 409
        assert get_flashed_messages(with_categories=True) == [("error", "Tila on jo varattu.")]


def test_external_url_follows_base_url_outside_a_request(app):
    old = app.config["BASE_URL"]
    app.config["BASE_URL"] = "https://kohtaamo.hel.fi/"
    try:
        with app.app_context():
            assert external_url("accounts.reset_password", token="abc") == "https://kohtaamo.hel.fi/password/reset/abc"
    finally:
        app.config["BASE_URL"] = old
