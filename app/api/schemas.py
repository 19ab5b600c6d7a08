"""Pydantic input models shared across API modules (types here; rules in the services)."""
from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.districts import DISTRICTS


class ApiModel(BaseModel):
    """Unknown fields are ignored so that clients may send more than we read."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _years_in_range(cls, value: Any) -> Any:
        """Every date and time of every API model within the service's years (app.core.dates)."""
        from app.core.dates import MAX_YEAR, MIN_YEAR, in_range

        if isinstance(value, date) and not in_range(value):
            raise ValueError(f"give a date between the years {MIN_YEAR} and {MAX_YEAR}")
        return value


# Formats the services check (with translated messages), declared here so that clients and the
# fuzzer (tests/fuzz) know them from openapi.json.
EMAIL_FORMAT = {"format": "email"}
BUSINESS_ID_FORMAT = {"pattern": r"^(?:(?:[Ff][Ii])?[0-9]{7}[ -]?[0-9])?$"}
DISTRICT_ENUM = {"enum": [*DISTRICTS, None]}


class OrganizationIn(ApiModel):
    name: str = Field(max_length=200, description="The organisation's name",
                      json_schema_extra={"pattern": r"\S"})
    email: str = Field(max_length=254, description="Contact email", json_schema_extra=EMAIL_FORMAT)
    business_id: str | None = Field(default=None, description="Finnish Y-tunnus NNNNNNN-C, check digit verified",
                                    json_schema_extra=BUSINESS_ID_FORMAT)
    district: str | None = Field(default=None, description="Helsinki major district key, e.g. 'eastern'",
                                 json_schema_extra=DISTRICT_ENUM)
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
