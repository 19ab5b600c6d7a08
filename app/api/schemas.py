"""Pydantic input models shared across API modules (types here; rules in the services)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ApiModel(BaseModel):
    """Unknown fields are ignored so that clients may send more than we read."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class OrganizationIn(ApiModel):
    name: str = Field(max_length=200, description="The organisation's name")
    email: str = Field(max_length=254, description="Contact email")
    business_id: str | None = Field(default=None, description="Finnish Y-tunnus NNNNNNN-C, check digit verified")
    district: str | None = Field(default=None, description="Helsinki major district key, e.g. 'eastern'")
    website: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=2000)


class Organization(ApiModel):
    id: int
    name: str
    business_id: str | None
    email: str
    district: str | None
    website: str | None = None
    description: str | None = None


class Error(ApiModel):
    error: str
    message: str
    fields: dict[str, list[str]] | None = None
