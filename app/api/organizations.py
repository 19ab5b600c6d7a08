"""/api/v1/organizations."""
from __future__ import annotations

from sqlalchemy import func, select

from app.accounts.content import ORGANIZATIONS
from app.accounts import services
from app.accounts.models import Organization
from app.api import schemas
from app.api.core import endpoint
from app.extensions import db


def organization_json(org: Organization) -> dict:
    """The public representation of an organisation."""
    return {"id": org.id, "name": org.name, "business_id": org.business_id, "email": org.email,
            "district": org.district, "website": org.website, "description": org.description}


@endpoint("/organizations", "POST", summary="Register an organisation", tag="organizations", role="staff",
          body=schemas.OrganizationIn, responses={201: schemas.Organization, 409: schemas.Error, 422: schemas.Error})
def create_organization(user, data: schemas.OrganizationIn):
    org = services.create_organization(services.clean_organization_data(data.model_dump()), actor=user)
    return organization_json(org), 201


@endpoint("/organizations", "GET", summary="List organisations", tag="organizations", role="ngo",
          responses={200: list[schemas.Organization]}, cache=(ORGANIZATIONS,))
def list_organizations(user):
    orgs = db.session.scalars(select(Organization).order_by(func.lower(Organization.name), Organization.id))
    return [organization_json(org) for org in orgs]
