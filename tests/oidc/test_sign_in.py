"""Sign-in with OpenID Connect against a real provider (npm oidc-provider, tests/oidc/provider.mjs).

The Flask test client plays Kohtaamo's side, ``provider_login`` the person at the provider (its
own login form over HTTP); the provider's redirect back is then requested from the test client.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from sqlalchemy import func, select

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.oidc_models import UserIdentity
from app.extensions import db
from tests.oidc.fixtures import CITY_LABELS, LABELS


def _local(url: str) -> str:
    """The path and query of an absolute URL back to Kohtaamo (the test client serves any host)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://kohtaamo.test", url
    return parts.path + "?" + parts.query


def _with_param(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _start(client, provider: str = "helsinki", **params) -> str:
    response = client.get(f"/login/oidc/{provider}", query_string=params)
    assert response.status_code == 302, response.data[:500]
    return response.headers["Location"]


def _sign_in(client, provider_login, who: str, provider: str = "helsinki", **params):
    """The whole round trip; returns Kohtaamo's answer to the provider's redirect."""
    back = provider_login(_start(client, provider, **params), who)
    return client.get(_local(back))


def _in_english(client) -> None:
    """Pages in English from now on (the texts below are the msgids; Finnish is the default)."""
    with client.session_transaction() as session:
        session["lang"] = "en"


def _logged_in(client) -> bool:
    return client.get("/profile").status_code == 200


def _users(app) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        rows = db.session.execute(select(User.email, User.role, User.organization_id).order_by(User.id)).all()
        db.session.rollback()
        return [tuple(r) for r in rows]


def _identities(app) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session.execute(select(UserIdentity.user_id, UserIdentity.provider, UserIdentity.subject)
                                  .order_by(UserIdentity.id)).all()
        db.session.rollback()
        return [tuple(r) for r in rows]


# --- the login page -----------------------------------------------------------------------------

def test_login_page_is_unchanged_without_providers(client, app):
    assert not app.config["OIDC_PROVIDERS"]
    html = client.get("/login").get_data(as_text=True)
    assert "/login/oidc/" not in html
    assert 'id="oidc-heading"' not in html
    assert client.get("/login/oidc/helsinki").status_code == 404
    assert client.get("/login/oidc/helsinki/callback?code=x&state=y").status_code == 404


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_login_page_shows_the_providers_in_each_language(client, oidc_settings, lang):
    html = client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'href="/login/oidc/helsinki">{LABELS[lang]}</a>' in html
    assert f'href="/login/oidc/city">{CITY_LABELS[lang]}</a>' in html
    heading = {"fi": "Kirjaudu tunnistuspalvelulla", "sv": "Logga in med en inloggningstjänst",
               "en": "Log in with a sign-in service"}[lang]
    assert heading in html


def test_the_button_keeps_where_the_person_was_going(client, oidc_settings):
    html = client.get("/login?next=/meetings/").get_data(as_text=True)
    assert 'href="/login/oidc/helsinki?next=/meetings/"' in html
    html = client.get("/login?next=https://evil.example/").get_data(as_text=True)
    assert 'href="/login/oidc/helsinki"' in html


# --- the flow -----------------------------------------------------------------------------------

def test_authorisation_request_uses_pkce_state_and_nonce(client, oidc_settings):
    query = parse_qs(urlsplit(_start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == ["http://kohtaamo.test/login/oidc/helsinki/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}


def test_first_sign_in_creates_an_ngo_account_and_later_ones_find_it_by_subject(client, app, oidc_settings,
                                                                                provider_login):
    response = _sign_in(client, provider_login, "anna")
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisation/join"  # a new account: find the organisation
    assert _users(app) == [("anna@jarjesto.example", "ngo", None)]
    profile = client.get("/profile")
    assert profile.status_code == 200
    [(user_id, provider, subject)] = _identities(app)
    assert (provider, subject) == ("helsinki", "anna")

    # The address changes here; the provider's subject still leads to the same account.
    client.post("/logout")
    assert not _logged_in(client)
    with app.app_context():
        db.session.get(User, user_id).email = "anna.uusi@jarjesto.example"
        db.session.commit()
    response = _sign_in(client, provider_login, "anna")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _logged_in(client)
    assert _users(app) == [("anna.uusi@jarjesto.example", "ngo", None)]
    assert _identities(app) == [(user_id, "helsinki", "anna")]


def test_verified_email_links_the_existing_account(client, app, make, oidc_settings, provider_login):
    org = make.organization()
    user = make.user(email="anna@jarjesto.example", organization=org)
    response = _sign_in(client, provider_login, "anna", next="/meetings/")
    assert response.status_code == 302 and response.headers["Location"] == "/meetings/"
    assert _identities(app) == [(user.id, "helsinki", "anna")]
    assert _users(app) == [("anna@jarjesto.example", "ngo", org.id)]
    assert _logged_in(client)
    # The password still works too.
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": "correct-horse-battery"}).status_code == 302


def test_a_new_account_gets_the_address_in_lower_case(client, app, oidc_settings, provider_login):
    assert _sign_in(client, provider_login, "uusi").status_code == 302
    assert _users(app) == [("uusi.ihminen@jarjesto.example", "ngo", None)]


def test_unverified_email_does_not_link_to_an_existing_account(client, app, make, oidc_settings, provider_login):
    _in_english(client)
    make.user(email="ulla@jarjesto.example")
    response = _sign_in(client, provider_login, "ulla")
    assert response.status_code == 403
    assert "did not confirm your email address" in response.get_data(as_text=True)
    assert _identities(app) == []
    assert not _logged_in(client)


def test_unverified_or_missing_email_creates_no_account(client, app, oidc_settings, provider_login):
    assert _sign_in(client, provider_login, "ulla").status_code == 403
    assert _sign_in(client, provider_login, "nomail").status_code == 403
    assert _users(app) == [] and _identities(app) == []


def test_a_deactivated_user_cannot_sign_in(client, app, make, oidc_settings, provider_login):
    _in_english(client)
    user = make.user(email="anna@jarjesto.example")
    assert _sign_in(client, provider_login, "anna").status_code == 302  # linked
    client.post("/logout")
    with app.app_context():
        accounts.deactivate_user(db.session.get(User, user.id))
        db.session.commit()
    _in_english(client)
    response = _sign_in(client, provider_login, "anna")
    assert response.status_code == 403
    assert "closed" in response.get_data(as_text=True)
    assert not _logged_in(client)


def test_a_deactivated_user_is_not_linked_by_email_either(client, app, make, oidc_settings, provider_login):
    user = make.user(email="anna@jarjesto.example")
    with app.app_context():
        accounts.deactivate_user(db.session.get(User, user.id))
        db.session.commit()
    assert _sign_in(client, provider_login, "anna").status_code == 403
    assert _identities(app) == [] and not _logged_in(client)


def test_an_ngo_provider_never_signs_in_a_staff_account(client, app, make, oidc_settings, provider_login):
    staff = make.user("staff", email="virkailija@hel.example")
    assert _sign_in(client, provider_login, "virkailija").status_code == 403
    assert _identities(app) == [] and not _logged_in(client)
    # The city's own service (OIDC_CITY_ROLE=staff) is trusted for staff.
    response = _sign_in(client, provider_login, "virkailija", provider="city")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert _identities(app) == [(staff.id, "city", "virkailija")]


def test_a_staff_provider_creates_staff_accounts(client, app, oidc_settings, provider_login):
    assert _sign_in(client, provider_login, "uusi", provider="city").status_code == 302
    assert _users(app) == [("uusi.ihminen@jarjesto.example", "staff", None)]


def test_an_address_reused_by_another_person_does_not_take_over_the_account(client, app, oidc_settings,
                                                                           provider_login):
    assert _sign_in(client, provider_login, "anna").status_code == 302
    client.post("/logout")
    # Another subject at the same provider now claims the same verified address.
    response = _sign_in(client, provider_login, "anna2")
    assert response.status_code == 409
    assert len(_identities(app)) == 1 and not _logged_in(client)


# --- refusals -----------------------------------------------------------------------------------

def test_a_tampered_state_is_refused(client, app, oidc_settings, provider_login):
    _in_english(client)
    back = provider_login(_start(client), "anna")
    response = client.get(_local(_with_param(back, state="not-the-state-we-sent")))
    assert response.status_code == 400
    assert "did not succeed" in response.get_data(as_text=True)
    response = client.get(_local(_with_param(back, state="")))
    assert response.status_code == 400
    assert _users(app) == [] and not _logged_in(client)


def test_an_answer_from_another_issuer_is_refused(client, app, oidc_settings, provider_login):
    back = provider_login(_start(client), "anna")
    assert client.get(_local(_with_param(back, iss="https://evil.example"))).status_code == 400
    assert _users(app) == []


def test_an_id_token_with_another_nonce_is_refused(client, app, oidc_settings, provider_login):
    # Someone swaps the nonce of our authorisation request: the provider signs an ID token with the
    # swapped nonce, the state and the PKCE verifier are still ours, only the nonce check can refuse.
    url = _with_param(_start(client), nonce="an-attackers-nonce-0123456789")
    response = client.get(_local(provider_login(url, "anna")))
    assert response.status_code == 400
    assert _users(app) == [] and not _logged_in(client)


def test_a_code_from_another_sign_in_is_refused_by_pkce(client, app, oidc_settings, provider_login):
    first = provider_login(_start(client), "anna")  # the code an attacker got hold of
    second = provider_login(_start(client), "anna")
    code = parse_qs(urlsplit(first).query)["code"][0]
    response = client.get(_local(_with_param(second, code=code)))
    assert response.status_code == 400  # the provider refuses: the verifier is not the code's
    assert _users(app) == [] and not _logged_in(client)


def test_repeated_clicks_do_not_grow_the_session_cookie(client, app, oidc_settings, provider_login, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "100 per minute")
    first = _start(client)
    for _ in range(9):
        last = _start(client)
    with client.session_transaction() as session:
        assert len([key for key in session if key.startswith("_state_")]) == 3
    # The newest attempts still complete; the oldest is forgotten (refused, as any unknown state).
    assert client.get(_local(provider_login(first, "anna"))).status_code == 400
    assert client.get(_local(provider_login(last, "anna"))).status_code == 302


def test_a_code_is_used_once(client, app, oidc_settings, provider_login):
    back = provider_login(_start(client), "anna")
    assert client.get(_local(back)).status_code == 302
    client.post("/logout")
    assert client.get(_local(back)).status_code == 400  # the state was spent with the first use


def test_cancelling_at_the_provider(client, app, oidc_settings, provider_login):
    _in_english(client)
    back = provider_login(_start(client), cancel=True)
    assert parse_qs(urlsplit(back).query)["error"] == ["access_denied"]
    response = client.get(_local(back))
    assert response.status_code == 400
    assert "cancelled" in response.get_data(as_text=True)
    assert _users(app) == []


def test_errors_are_translated(client, oidc_settings, provider_login):
    client.get("/login?lang=sv")  # remembered for the session (as the language switch does)
    with client.session_transaction() as session:
        session["lang"] = "sv"
    back = provider_login(_start(client), cancel=True)
    response = client.get(_local(back))
    assert response.status_code == 400
    assert "Inloggningen avbröts" in response.get_data(as_text=True)


def test_an_unreachable_provider_is_a_clear_error_page(client, app, monkeypatch):
    _in_english(client)
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", [
        {"name": "helsinki", "issuer": "http://127.0.0.1:9", "client_id": "x", "client_secret": "y",
         "labels": LABELS, "role": "ngo"}])
    response = client.get("/login/oidc/helsinki")
    assert response.status_code == 502
    assert "did not answer" in response.get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited(client, app, oidc_settings, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert client.get("/login/oidc/helsinki").status_code == 302
    response = client.get("/login/oidc/helsinki")
    assert response.status_code == 429
    assert client.get("/login/oidc/helsinki/callback?code=x&state=y").status_code == 429


def test_sign_out_ends_the_session(client, app, oidc_settings, provider_login):
    assert _sign_in(client, provider_login, "anna").status_code == 302
    with client.session_transaction() as session:
        stolen = dict(session)
    assert client.post("/logout").status_code == 302
    assert not _logged_in(client)
    with client.session_transaction() as session:  # an old copy of the cookie no longer works
        session.update(stolen)
    assert not _logged_in(client)


# --- privacy ------------------------------------------------------------------------------------

def test_my_data_lists_and_erasure_removes_the_links(client, app, oidc_settings, provider_login):
    assert _sign_in(client, provider_login, "anna").status_code == 302
    data = client.get("/privacy/my-data/export.json").get_json()
    assert data["sign_in_services"][0]["provider"] == "helsinki"
    assert data["sign_in_services"][0]["subject"] == "anna"
    from app.privacy.services import erase_person

    with app.app_context():
        user = db.session.scalar(select(User))
        assert erase_person(user, actor=None)["sign_in_services"] == 1
        db.session.commit()
        assert db.session.scalar(select(func.count(UserIdentity.id))) == 0
