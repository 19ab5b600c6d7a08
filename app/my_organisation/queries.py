"""The lists of the 'My organisation' page: one page of each, a fixed number of queries whatever
the amount of data (each list is a count and a page, related rows loaded in the same query)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from app.accounts.membership_models import Membership, MembershipStatus
from app.accounts.models import User
from app.extensions import db
from app.feedback.models import TopicProposal
from app.meetings.models import MeetingOccurrence, Registration
from app.spaces.models import Booking, BookingRequest

PER_PAGE = 10
LISTS = ("members", "requests", "registrations", "bookings", "booking_requests", "topics")


@dataclass
class OrganisationLists:
    """A page of each list; ``requests`` is None for people who may not decide on them."""

    members: Any
    requests: Any | None
    registrations: Any
    bookings: Any
    booking_requests: Any
    topics: Any


def _page(query, page: int):
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def members_query(org_id: int):
    """Approved members whose account still acts for the organisation, contact persons first."""
    return (select(Membership).join(User, User.id == Membership.user_id)
            .options(contains_eager(Membership.user))
            .where(Membership.organization_id == org_id, Membership.status == MembershipStatus.APPROVED,
                   User.organization_id == org_id, User.active.is_(True))
            .order_by((Membership.role == "contact").desc(), User.name, User.id))


def requests_query(org_id: int):
    return (select(Membership).join(User, User.id == Membership.user_id)
            .options(contains_eager(Membership.user))
            .where(Membership.organization_id == org_id, Membership.status == MembershipStatus.PENDING)
            .order_by(Membership.requested_at, Membership.id))


def registrations_query(org_id: int, now: datetime):
    """The organisation's live registrations to meetings that have not ended."""
    return (select(Registration).join(MeetingOccurrence, MeetingOccurrence.id == Registration.occurrence_id)
            .options(contains_eager(Registration.occurrence).joinedload(MeetingOccurrence.series))
            .where(Registration.organization_id == org_id, Registration.status != "cancelled",
                   MeetingOccurrence.ends_at > now)
            .order_by(MeetingOccurrence.starts_at, Registration.id))


def bookings_query(org_id: int, now: datetime):
    return (select(Booking).options(joinedload(Booking.space))
            .where(Booking.organization_id == org_id, Booking.status != "cancelled", Booking.ends_at > now)
            .order_by(Booking.starts_at, Booking.id))


def booking_requests_query(org_id: int):
    return (select(BookingRequest).options(joinedload(BookingRequest.space))
            .where(BookingRequest.organization_id == org_id)
            .order_by(BookingRequest.created_at.desc(), BookingRequest.id.desc()))


def topics_query(org_id: int):
    return (select(TopicProposal)
            .options(joinedload(TopicProposal.occurrence).joinedload(MeetingOccurrence.series),
                     joinedload(TopicProposal.series))
            .where(TopicProposal.organization_id == org_id)
            .order_by(TopicProposal.created_at.desc(), TopicProposal.id.desc()))


def organisation_lists(org_id: int, *, pages: dict[str, int], now: datetime,
                       with_requests: bool) -> OrganisationLists:
    """One page of every list (``pages``: list name → page number)."""
    return OrganisationLists(
        members=_page(members_query(org_id), pages.get("members", 1)),
        requests=_page(requests_query(org_id), pages.get("requests", 1)) if with_requests else None,
        registrations=_page(registrations_query(org_id, now), pages.get("registrations", 1)),
        bookings=_page(bookings_query(org_id, now), pages.get("bookings", 1)),
        booking_requests=_page(booking_requests_query(org_id), pages.get("booking_requests", 1)),
        topics=_page(topics_query(org_id), pages.get("topics", 1)),
    )
