"""/api/v1/me/subscriptions: the signed-in NGO user's subscriptions (CONTRACT.md)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from app.api.core import endpoint
from app.api.schemas import ApiModel, Error
from app.core.types import utcnow
from app.subscriptions import services
from app.subscriptions.models import Subscription as SubscriptionRow


class SubscriptionIn(ApiModel):
    theme_id: int | None = Field(default=None, description="A meeting theme (GET /series shows theme ids)")
    district: str | None = Field(default=None, description="southern, western, central, northern, northeastern, "
                                                           "southeastern, eastern or ostersundom")
    frequency: Literal["immediate", "weekly"] = Field(description="immediate: one mail per new meeting series; "
                                                                  "weekly: one digest a week")


class Subscription(ApiModel):
    id: int
    theme_id: int | None
    district: str | None
    frequency: Literal["immediate", "weekly"]
    created_at: str


def subscription_json(row: SubscriptionRow) -> dict[str, Any]:
    return {"id": row.id, "theme_id": row.theme_id, "district": row.district, "frequency": row.frequency,
            "created_at": row.created_at.isoformat()}


@endpoint("/me/subscriptions", "GET", summary="My subscriptions to themes and districts", tag="subscriptions",
          role="ngo", responses={200: list[Subscription]})
def list_subscriptions(user):
    return [subscription_json(s) for s in services.list_subscriptions(user)]


@endpoint("/me/subscriptions", "POST", summary="Subscribe to new meetings of a theme and/or a district "
          "(both: a meeting must match both)", tag="subscriptions", role="ngo", body=SubscriptionIn,
          responses={201: Subscription, 409: Error, 422: Error})
def create_subscription(user, data: SubscriptionIn):
    cleaned = services.clean_subscription_data(data.model_dump())
    return subscription_json(services.subscribe(user, cleaned, now=utcnow())), 201


@endpoint("/me/subscriptions/<int:subscription_id>", "DELETE", summary="Remove one of my subscriptions",
          tag="subscriptions", role="ngo", responses={204: None, 404: Error})
def delete_subscription(user, subscription_id: int):
    services.unsubscribe(user, services.get_own(user, subscription_id))
    return None, 204
