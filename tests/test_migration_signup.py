"""Migration 0016 (sign-up and memberships): users who already had an organisation become its approved members,
the first of each organisation its contact person; staff are left out."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from tests.conftest import fresh_database_url
from tests.test_migrations import _flask

USERS = [  # (id, email, role, organization_id)
    (1, "first@example.org", "ngo", 1), (2, "second@example.org", "ngo", 1), (3, "other@example.org", "ngo", 2),
    (4, "staff@example.org", "staff", 1), (5, "alone@example.org", "ngo", None),
]


def test_existing_members_are_migrated(tmp_path):
    url = fresh_database_url(tmp_path, "signup_migration")
    assert _flask("db", "upgrade", "0012", url=url, instance=tmp_path).returncode == 0
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            for org_id in (1, 2):
                conn.execute(text("INSERT INTO organizations (id, name, email, created_at, updated_at) "
                                  "VALUES (:id, :name, 'o@example.org', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                             {"id": org_id, "name": f"Org {org_id}"})
            for user_id, email, role, org_id in USERS:
                conn.execute(text(
                    "INSERT INTO users (id, email, name, role, organization_id, locale, active, feed_token_version, "
                    "session_version, created_at, updated_at) VALUES (:id, :email, '', :role, :org, 'fi', :yes, 1, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"id": user_id, "email": email, "role": role,
                                                               "org": org_id, "yes": True})
        upgrade = _flask("db", "upgrade", url=url, instance=tmp_path)
        assert upgrade.returncode == 0, upgrade.stderr
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT user_id, organization_id, role, status FROM organization_memberships "
                                     "ORDER BY user_id")).all()
        assert [tuple(r) for r in rows] == [(1, 1, "contact", "approved"), (2, 1, "member", "approved"),
                                            (3, 2, "contact", "approved")]
    finally:
        engine.dispose()
