"""OIDC_* settings: read from the environment (config.py), refused at start-up when they cannot work."""
from __future__ import annotations

import pytest

from app import create_app
from app.accounts.oidc import ConfigurationError, parse_providers
from config import TestingConfig, oidc_providers

ENV = {
    "OIDC_PROVIDERS": " Helsinki, suomifi ,",
    "OIDC_HELSINKI_ISSUER": "https://login.hel.example/realms/staff/",
    "OIDC_HELSINKI_CLIENT_ID": "kohtaamo",
    "OIDC_HELSINKI_CLIENT_SECRET": "s3cret",
    "OIDC_HELSINKI_LABEL_FI": "Kirjaudu Helsinki-tunnuksella",
    "OIDC_HELSINKI_LABEL_SV": "Logga in med Helsingfors-ID",
    "OIDC_HELSINKI_ROLE": "staff",
    "OIDC_SUOMIFI_ISSUER": "https://tunnistus.example",
    "OIDC_SUOMIFI_CLIENT_ID": "kohtaamo-ngo",
}


def test_providers_are_read_from_the_environment():
    helsinki, suomifi = oidc_providers(ENV)
    assert helsinki["name"] == "helsinki" and helsinki["role"] == "staff"
    assert helsinki["labels"] == {"fi": "Kirjaudu Helsinki-tunnuksella", "sv": "Logga in med Helsingfors-ID",
                                  "en": None}
    assert suomifi["role"] == "ngo" and suomifi["client_secret"] is None  # NGO by default; a public client
    assert suomifi["scope"] == "openid email profile"
    assert oidc_providers({}) == [] and oidc_providers({"OIDC_PROVIDERS": " , "}) == []


def test_parsed_providers_and_their_labels():
    helsinki, suomifi = parse_providers(oidc_providers(ENV))
    assert helsinki.issuer == "https://login.hel.example/realms/staff"  # no trailing slash
    assert helsinki.metadata_url == "https://login.hel.example/realms/staff/.well-known/openid-configuration"
    assert helsinki.label("sv") == "Logga in med Helsingfors-ID"
    assert helsinki.label("en") == "Kirjaudu Helsinki-tunnuksella"  # Finnish when English is not given


@pytest.mark.parametrize("change, message", [
    ({"OIDC_SUOMIFI_ISSUER": ""}, "OIDC_SUOMIFI_ISSUER is missing"),
    ({"OIDC_SUOMIFI_ISSUER": "http://tunnistus.example"}, "OIDC_SUOMIFI_ISSUER must be an https:// address"),
    ({"OIDC_SUOMIFI_CLIENT_ID": ""}, "OIDC_SUOMIFI_CLIENT_ID is missing"),
    ({"OIDC_SUOMIFI_ROLE": "admin"}, "OIDC_SUOMIFI_ROLE must be one of ngo, staff"),
    ({"OIDC_SUOMIFI_SCOPE": "email"}, "OIDC_SUOMIFI_SCOPE must include openid"),
    ({"OIDC_PROVIDERS": "helsinki,helsinki"}, "names 'helsinki' twice"),
    ({"OIDC_PROVIDERS": "hel-sinki"}, "not a valid name"),
])
def test_settings_that_cannot_work_stop_the_start(change, message):
    env = {**ENV, **change}
    with pytest.raises(ConfigurationError, match=message):
        create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite://", "OIDC_PROVIDERS": oidc_providers(env)})


def test_loopback_issuers_may_use_http():
    [provider] = parse_providers([{"name": "dev", "issuer": "http://127.0.0.1:8080", "client_id": "x"}])
    assert provider.role == "ngo"
