"""Organisation rules: Y-tunnus, districts, permissions, audit."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts import services
from app.accounts.validators import normalize_business_id
from app.core.audit import AuditEvent
from app.errors import Conflict, Forbidden, ValidationError


@pytest.mark.parametrize("raw, expected", [("0201256-6", "0201256-6"), ("02012566", "0201256-6"),
                                           (" 0201256-6 ", "0201256-6"), ("", None), (None, None)])
def test_business_id_normalised(raw, expected, app):
    with app.test_request_context():
        assert normalize_business_id(raw) == expected


@pytest.mark.parametrize("raw", ["0201256-5", "1234567-8", "12345", "abcdefg-h"])
def test_bad_business_id_refused(raw, app):
    with app.test_request_context(), pytest.raises(ValueError):
        normalize_business_id(raw)


def test_clean_collects_every_field_error(ctx):
    with pytest.raises(ValidationError) as info:
        services.clean_organization_data({"name": "", "email": "x", "business_id": "0201256-5", "district": "mars"})
    assert set(info.value.fields) == {"name", "email", "business_id", "district"}


def test_staff_create_and_audit(ctx, make):
    staff = ctx.merge(make.user("staff"))
    org = services.create_organization(services.clean_organization_data(
        {"name": "Vallilan Asukkaat ry", "email": "INFO@vallila.example", "business_id": "02012566"}), actor=staff)
    assert org.business_id == "0201256-6" and org.email == "info@vallila.example"
    event = ctx.scalar(select(AuditEvent).where(AuditEvent.action == "organization.create"))
    assert event.actor_id == staff.id and event.entity_id == str(org.id)


def test_ngo_cannot_create(ctx, make):
    ngo = ctx.merge(make.user("ngo"))
    with pytest.raises(Forbidden):
        services.create_organization(services.clean_organization_data({"name": "X", "email": "x@example.org"}),
                                     actor=ngo)


def test_duplicate_business_id_conflicts(ctx, make):
    make.organization(business_id="0201256-6")
    staff = ctx.merge(make.user("staff"))
    with pytest.raises(Conflict):
        services.create_organization(services.clean_organization_data(
            {"name": "Toinen", "email": "t@example.org", "business_id": "0201256-6"}), actor=staff)


def test_member_edits_own_but_not_other_organisation(ctx, make):
    own, other = make.organization(), make.organization()
    member = ctx.merge(make.user("ngo", organization=own))
    data = services.clean_organization_data({"name": "Uusi nimi ry", "email": "uusi@example.org"})
    services.update_organization(ctx.merge(own), data, actor=member)
    with pytest.raises(Forbidden):
        services.update_organization(ctx.merge(other), data, actor=member)
