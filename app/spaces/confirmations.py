"""What the confirmation pages of the spaces' destructive actions say (see app/core/confirm.py)."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app.core.confirm import Confirmation
from app.core.dates import timespan
from app.extensions import db
from app.spaces.models import Booking, BookingRequest, SpaceException
from app.spaces.ownership import BookingOwner
from app.spaces.statuses import BookingStatus


def _timespan(start, end) -> str:
    return timespan(start, end)


def later_bookings(booking: Booking) -> list[Booking]:
    """The live bookings of the same recurring booking from this one on (what "this and later" cancels)."""
    if not booking.group_id:
        return [booking]
    return list(db.session.scalars(select(Booking).where(
        Booking.group_id == booking.group_id, Booking.status != BookingStatus.CANCELLED,
        Booking.starts_at >= booking.starts_at).order_by(Booking.starts_at)))


def booked_for(booking: Booking) -> str:
    """Who the booking is for: the organisation, or the NGO user whose request it came from."""
    req = db.session.scalar(select(BookingRequest).where(BookingRequest.booking_id == booking.id))
    if booking.organization is not None:
        return booking.organization.name
    if req is not None and req.requester is not None:
        return req.requester.display_name
    return ""


def cancel_booking(booking: Booking, form, owner: BookingOwner | None) -> Confirmation:
    """Cancel one booking (or it and the later dates); refused for a meeting's booking."""
    space = booking.space
    back = url_for("spaces.bookings", space_id=space.id)
    facts = [(_("Space"), space.local_name), (_("Time"), _timespan(booking.starts_at, booking.ends_at)),
             (_("Title"), booking.title)]
    who = booked_for(booking)
    if who:
        facts.append((_("Booked for"), who))
    if owner is not None:
        return _owned(booking, owner, back, facts)
    later = later_bookings(booking)
    consequences = [_("The time is freed and others can book it. This cannot be undone: to keep the time, "
                      "book it again.")]
    if who and db.session.scalar(select(BookingRequest.id).where(BookingRequest.booking_id == booking.id)):
        consequences.append(_("The booking came from a request: the requester gets an email about the cancellation."))
    items = []
    inputs = [form.reason]
    if booking.group_id and len(later) > 1:
        consequences.append(ngettext("Choose below whether only this date is cancelled, or also the %(num)d later "
                                     "date of this recurring booking.",
                                     "Choose below whether only this date is cancelled, or also the %(num)d later "
                                     "dates of this recurring booking.", len(later) - 1))
        items = [_timespan(b.starts_at, b.ends_at) for b in later]
        inputs = [form.scope, form.reason]
    return Confirmation(
        title=_("Cancel the booking?"), action=url_for("spaces.cancel_booking", space_id=space.id,
                                                       booking_id=booking.id),
        back=back, button=_("Cancel the booking"), facts=facts, consequences=consequences, items=items,
        items_heading=_("This date and the later ones"), inputs=inputs,
        back_label=_("Keep the booking"))


def _owned(booking: Booking, owner: BookingOwner, back: str, facts: list) -> Confirmation:
    """Refused: a meeting's (or guidance hour's) booking follows its date, changed on its page."""
    when = _timespan(booking.starts_at, booking.ends_at)
    if owner.kind == "guidance":
        title = _("This booking belongs to a guidance hour")
        consequence = _("The space is booked for the guidance hour “%(title)s” on %(when)s. Its booking is not "
                        "cancelled here: cancel that date on the guidance hour's page, and the space booking "
                        "follows it (the people who booked are told).", title=owner.title, when=when)
        link = _("Go to the guidance hour “%(title)s”", title=owner.title)
    else:
        title = _("This booking belongs to a meeting")
        consequence = _("The space is booked for the meeting “%(title)s” on %(when)s. A meeting's booking is "
                        "not cancelled here: cancel or move that meeting date on the meeting's page, and the "
                        "space booking follows it (the registrants are told).", title=owner.title, when=when)
        link = _("Go to the meeting “%(title)s”", title=owner.title)
    return Confirmation(title=title, action="", back=back, button="", facts=facts, blocked=True,
                        back_label=_("Back to the bookings"), consequences=[consequence],
                        links=[(link, owner.manage_url)])


def delete_exception(row: SpaceException) -> Confirmation:
    from flask_babel import format_date

    return Confirmation(
        title=_("Remove the exception day?"),
        action=url_for("spaces.delete_exception", space_id=row.space_id, exception_id=row.id),
        back=url_for("spaces.exceptions", space_id=row.space_id), button=_("Remove the exception day"),
        facts=[(_("Space"), row.space.local_name), (_("Day"), format_date(row.day, "EEE d.M.yyyy")),
               (_("Hours"), _("closed") if row.closed else ", ".join(f"{a}–{b}" for a, b in row.hours))]
        + ([(_("Note"), row.note)] if row.note else []),
        consequences=[_("The space then follows its weekly opening hours on that day.")],
        back_label=_("Keep the exception day"))


def withdraw_request(req: BookingRequest) -> Confirmation:
    return Confirmation(
        title=_("Withdraw the booking request?"),
        action=url_for("booking_requests.withdraw", request_id=req.id),
        back=url_for("booking_requests.mine"), button=_("Withdraw the request"),
        facts=[(_("Space"), req.space.local_name), (_("Time"), _timespan(req.starts_at, req.ends_at)),
               (_("Title"), req.title)],
        consequences=[_("City staff will no longer handle the request. To ask for the time again, send a new "
                        "request.")],
        back_label=_("Keep the request"))


def cancel_approved(req: BookingRequest) -> Confirmation:
    return Confirmation(
        title=_("Cancel your booking?"),
        action=url_for("booking_requests.cancel_booking", request_id=req.id),
        back=url_for("booking_requests.mine"), button=_("Cancel the booking"),
        facts=[(_("Space"), req.space.local_name), (_("Time"), _timespan(req.starts_at, req.ends_at)),
               (_("Title"), req.title)],
        consequences=[_("The space is freed for others and city staff see the cancellation. This cannot be "
                        "undone: to use the space later, send a new request.")],
        back_label=_("Keep the booking"))
