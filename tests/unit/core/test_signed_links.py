"""app/core/signed_links.py: the one signed-link helper (format, refusals, expiry, payload checks)."""
from __future__ import annotations

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from app.core.signed_links import LinkExpired, SignedLink, mac, positive_id, secret_matches


def test_the_token_is_itsdangerous_format_so_old_links_keep_working(app):
    with app.app_context():
        link = SignedLink("some-salt")
        old = URLSafeSerializer(app.config["SECRET_KEY"], salt="some-salt").dumps({"a": 1, "s": "x"})
        assert link.sign({"a": 1, "s": "x"}) == old
        assert link.read(old) == {"a": 1, "s": "x"}


def test_anything_but_a_signed_object_is_none(app):
    with app.app_context():
        link = SignedLink("some-salt", max_length=100)
        token = link.sign({"a": 1})
        other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps({"a": 1})
        not_an_object = link.sign([1])
        for bad in (None, "", "abc", token[:-1] + ("A" if token[-1] != "A" else "B"), other_salt, not_an_object,
                    "é" * 20, "\x00", "x" * 101):
            assert link.read(bad) is None, bad


def test_a_timed_link_expires(app):
    with app.app_context():
        link = SignedLink("timed-salt", max_age=-1)
        token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="timed-salt").dumps({"u": 1})
        with pytest.raises(LinkExpired):
            link.read(token)
        assert SignedLink("timed-salt", max_age=3600).read(token) == {"u": 1}
        assert SignedLink("timed-salt", max_age="PASSWORD_RESET_MAX_AGE").read(token) == {"u": 1}


def test_payload_checks():
    assert positive_id(1) and positive_id(2**63 - 1)
    assert not any(positive_id(v) for v in (0, -1, 2**63, True, "1", 1.0, None))
    assert not positive_id(2**31, 2**31)
    assert secret_matches("abc", "abc")
    assert not secret_matches("abc", "abd") and not secret_matches("abc", None) and not secret_matches("", "")
    assert not secret_matches("abc", "äbc")  # non-ASCII text is compared as bytes, not refused with an error


def test_mac_is_url_safe_and_keyed(app):
    with app.app_context():
        value = mac("message")
        assert len(value) == 32 and "=" not in value and value == mac("message") != mac("other")
