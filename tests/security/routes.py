"""THE AUTHORISATION TABLE: every endpoint of ``app.url_map`` with the least access it needs.

One line per endpoint name (``"endpoint"`` or, when methods differ, ``"endpoint:METHOD"``):

    "public"  anyone, also without logging in
    "token"   anyone holding the secret token in the URL (manage links, personal feeds,
              password reset); a tampered token must be refused (test_tokens_in_urls)
    "login"   any logged-in user (ngo, staff, admin)
    "org"     the NGO users of the organisation the URL points to (org A), and staff/admin
    "owner"   the user who owns the object in the URL (ngo A), and admin
    "staff"   staff and admin
    "admin"   admin only
    "api:public", "api:ngo", "api:staff", "api:admin"   the JSON API, Bearer token of that role

tests/security/test_authz.py checks every endpoint × role (anonymous, ngo of org A, ngo of
org B, staff, admin) against this table. A route missing here fails the test with the line to
add; an entry without a route fails too. Path parameters come from ``PARAMS`` below (by name,
or ``"endpoint.param"`` for an endpoint-specific value), computed from the ``world`` fixture.
"""
from __future__ import annotations

from typing import Any, Callable

ROUTES: dict[str, str] = {
    # pages
    "pages.index": "public",
    "pages.accessibility": "public",
    "pages.privacy": "public",
    "pages.healthz": "public",
    "pages.switch_language": "public",
    "static": "public",
    # accounts
    "accounts.login": "public",
    "accounts.logout": "public",
    "accounts.forgot_password": "public",
    "accounts.reset_password": "token",
    "accounts.profile": "login",
    "accounts.create_token": "login",
    "accounts.revoke_token": "owner",
    # organisations
    "organizations.index": "staff",
    "organizations.create": "staff",
    "organizations.detail": "org",
    "organizations.edit": "org",
    # privacy
    "privacy.my_data": "login",
    "privacy.my_data_export": "login",
    "privacy.my_data_erase": "login",
    "privacy.registration": "token",
    "privacy.registration_export": "token",
    "privacy.registration_erase": "token",
    # API
    "api.openapi_json": "api:public",
    "api.organizations_list_organizations": "api:ngo",
    "api.organizations_create_organization": "api:staff",
}

ROLES = ("anonymous", "ngo_b", "ngo_a", "staff", "admin")

# Which of ROLES may use an endpoint of each level.
ALLOWED: dict[str, frozenset[str]] = {
    "public": frozenset(ROLES),
    "token": frozenset(ROLES),
    "login": frozenset({"ngo_a", "ngo_b", "staff", "admin"}),
    "org": frozenset({"ngo_a", "staff", "admin"}),
    "owner": frozenset({"ngo_a", "admin"}),
    "staff": frozenset({"staff", "admin"}),
    "admin": frozenset({"admin"}),
    "api:public": frozenset(ROLES),
    "api:ngo": frozenset({"ngo_a", "ngo_b", "staff", "admin"}),
    "api:staff": frozenset({"staff", "admin"}),
    "api:admin": frozenset({"admin"}),
}

# Path parameter values: by name, or "endpoint.name" to override for one endpoint.
# Each is a function of the ``world`` (tests/security/conftest.py): org A's and ngo A's objects.
PARAMS: dict[str, Callable[[Any], Any]] = {
    "org_id": lambda w: w.org_a.id,
    "token_id": lambda w: w.api_token_a_id,
    "series_id": lambda w: w.series.id,
    "occurrence_id": lambda w: w.occurrence.id,
    "registration_id": lambda w: w.registration.id,
    "user_id": lambda w: w.ngo_a.id,
    "code": lambda w: "en",
    "filename": lambda w: "css/app.css",
    "token": lambda w: w.registration_token,
    "accounts.reset_password.token": lambda w: w.reset_token_a,
}


def rule_for(endpoint: str, method: str) -> str | None:
    """The table's level for ``endpoint`` and ``method`` (a method-specific line wins)."""
    return ROUTES.get(f"{endpoint}:{method}") or ROUTES.get(endpoint)
