"""Registration rules: sign-up without an account, capacity, waiting list, cancellation, staff tools.

No request, session or flash here (DESIGN.md convention 4): plain functions taking ``actor`` and
``now``; they flush and raise typed ``DomainError``s, the caller commits.

Capacity is guarded by the database, not by a count in Python: confirming seats is the conditional
``UPDATE meeting_occurrences SET seats_taken = seats_taken + n WHERE ... AND seats_taken + n <=
capacity`` and the row count says whether it worked; the CHECK ``seats_taken <= capacity`` is the
last line of defence.

Waiting list order is strict FIFO by ``(created_at, id)``: promotion stops at the first waiting
registration that does not fit, and new registrations do not take seats while people are
waiting. Skipping a large party to fill a single seat with a later, smaller one would be locally
efficient but could starve groups for ever (every freed seat goes to someone behind them); the
order people registered in is also the order the waiting-list mail promised them. Staff can still
cancel or contact anyone explicitly.

Promotion needs the occurrence row locked: ``SELECT ... FOR UPDATE`` on PostgreSQL, while on
SQLite ``BEGIN IMMEDIATE`` (app.core.database) already serialises every writing transaction.
A registration that finds the occurrence full takes the same lock before it joins the waiting
list, so a cancellation running at the same moment either sees it (and promotes it) or has
already committed the freed seats that the registration then takes directly.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.accounts.models import Organization, User
from app.accounts.services import normalize_email
from app.core.audit import audit
from app.core.i18n import LANGUAGES, localized
from app.core.types import utcnow
from app.core.auth import require_staff
from app.errors import Conflict, Forbidden, NotFound, ValidationError
from app.extensions import db
from app.mail.services import enqueue
from app.meetings.invitations import registration_invitation
from app.meetings.models import ATTENDANCE, MeetingOccurrence, MeetingSeries, Registration
from app.meetings.tokens import new_manage_secret, registration_token

MAX_NAME = 200
MAX_ORGANIZATION = 200
MAX_NEEDS = 2000
MAX_SUBJECT = 200
MAX_BODY = 10000

# Registration status of an occurrence, as shown on its page.
OPEN, NOT_YET_OPEN, CLOSED, FULL, WAITLIST, CANCELLED = (
    "open", "not_yet_open", "closed", "full", "waitlist", "cancelled")


# --- input -----------------------------------------------------------------------------------

@dataclass
class RegistrationData:
    """Validated input for one registration."""

    name: str
    email: str
    seats: int = 1
    organization_id: int | None = None
    organization_name: str | None = None
    needs: str | None = None
    show_on_participant_list: bool = False
    consent: bool = False
    locale: str = "fi"
    user_id: int | None = None


def clean_registration_data(raw: dict[str, Any], *, series: MeetingSeries,
                            require_consent: bool = True) -> RegistrationData:
    """Check formats and the series' seat limit; every field error at once.

    ``require_consent`` is False for the API, whose caller (an NGO user with a token) is the
    controller of the data it sends; the web form always asks the person.
    """
    errors: dict[str, list[Any]] = {}
    name = (raw.get("name") or "").strip()
    if not name:
        errors.setdefault("name", []).append(_l("Enter your name."))
    elif len(name) > MAX_NAME:
        errors.setdefault("name", []).append(_l("The name is too long (at most %(n)d characters).", n=MAX_NAME))
    email = ""
    try:
        email = normalize_email(raw.get("email") or "")
    except ValidationError as exc:
        errors["email"] = exc.fields["email"]
    seats_raw = raw.get("seats", 1)
    seats = 1
    if seats_raw in (None, ""):
        seats = 1
    elif isinstance(seats_raw, bool):
        errors.setdefault("seats", []).append(_l("Enter a whole number of seats."))
    else:
        try:
            seats = int(seats_raw)
        except (TypeError, ValueError):
            errors.setdefault("seats", []).append(_l("Enter a whole number of seats."))
        else:
            if seats < 1:
                errors.setdefault("seats", []).append(_l("Register at least one seat."))
            elif seats > series.max_seats_per_registration:
                errors.setdefault("seats", []).append(
                    _l("At most %(n)d seats per registration.", n=series.max_seats_per_registration))
    organization_id = raw.get("organization_id") or None
    if organization_id is not None:
        try:
            organization_id = int(organization_id)
        except (TypeError, ValueError):
            organization_id = -1
        if organization_id < 1 or db.session.get(Organization, organization_id) is None:
            errors.setdefault("organization_id", []).append(_l("Choose an organisation from the list."))
    organization_name = (raw.get("organization_name") or "").strip() or None
    if organization_name and len(organization_name) > MAX_ORGANIZATION:
        errors.setdefault("organization_name", []).append(
            _l("The name is too long (at most %(n)d characters).", n=MAX_ORGANIZATION))
    if organization_id:
        organization_name = None  # the registry's name wins; no second spelling of it
    needs = (raw.get("needs") or "").strip() or None
    if needs and len(needs) > MAX_NEEDS:
        errors.setdefault("needs", []).append(_l("At most %(n)d characters.", n=MAX_NEEDS))
    consent = bool(raw.get("consent"))
    if require_consent and not consent:
        errors.setdefault("consent", []).append(
            _l("Accept the processing of your personal data to register."))
    locale = raw.get("locale") if raw.get("locale") in LANGUAGES else "fi"
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    return RegistrationData(name=name, email=email, seats=seats, organization_id=organization_id,
                            organization_name=organization_name, needs=needs,
                            show_on_participant_list=bool(raw.get("show_on_participant_list")),
                            consent=consent, locale=locale, user_id=raw.get("user_id"))


def data_from_user(user: User, *, seats: int = 1, locale: str | None = None,
                   show_on_participant_list: bool = False) -> dict[str, Any]:
    """Raw registration input taken from an account (one-click registration)."""
    return {"name": user.display_name, "email": user.email, "organization_id": user.organization_id,
            "seats": seats, "consent": True, "locale": locale or user.locale, "user_id": user.id,
            "show_on_participant_list": show_on_participant_list}


# --- state -----------------------------------------------------------------------------------

@dataclass
class RegistrationWindow:
    """Whether and until when an occurrence takes registrations."""

    state: str
    opens_at: datetime | None
    closes_at: datetime
    free_seats: int

    @property
    def accepting(self) -> bool:
        """True when a registration would be stored (confirmed or on the waiting list)."""
        return self.state in (OPEN, WAITLIST)


def closes_at(occurrence: MeetingOccurrence) -> datetime:
    """The last instant registrations are taken."""
    return occurrence.starts_at - timedelta(minutes=occurrence.series.registration_closes_minutes_before or 0)


def registration_window(occurrence: MeetingOccurrence, now: datetime,
                        waiting: bool | None = None) -> RegistrationWindow:
    """The registration state of ``occurrence`` at ``now``.

    ``waiting`` (anyone on the waiting list) is looked up when not given; new registrations queue
    behind them even when single seats are free (strict FIFO, see the module docstring).
    """
    series = occurrence.series
    end = closes_at(occurrence)
    free = occurrence.free_seats
    if series.status == "cancelled" or occurrence.status != "scheduled":
        state = CANCELLED
    elif series.status != "published":
        state = CLOSED
    elif occurrence.starts_at <= now or now >= end:
        state = CLOSED
    elif series.registration_opens_at is not None and now < series.registration_opens_at:
        state = NOT_YET_OPEN
    else:
        if waiting is None:
            waiting = _has_waiting(occurrence.id)
        if free > 0 and not waiting:
            state = OPEN
        else:
            state = WAITLIST if series.waitlist else FULL
    return RegistrationWindow(state=state, opens_at=series.registration_opens_at, closes_at=end,
                              free_seats=free)


def _has_waiting(occurrence_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        Registration.occurrence_id == occurrence_id, Registration.status == "waitlisted"))))


def _check_open(occurrence: MeetingOccurrence, now: datetime) -> None:
    window = registration_window(occurrence, now, waiting=False)
    if window.state == CANCELLED:
        raise Conflict(_l("This meeting is cancelled; registration is not possible."), code="closed")
    if window.state == CLOSED:
        raise Conflict(_l("Registration for this meeting has closed."), code="closed")
    if window.state == NOT_YET_OPEN:
        raise Conflict(_l("Registration has not opened yet."), code="closed")


# --- registering -----------------------------------------------------------------------------

def duplicate_error() -> Conflict:
    """The one message for a second live registration by the same email (checked or raced)."""
    return Conflict(_l("This email address is already registered for this meeting. "
                       "Use the link in your confirmation email to manage the registration."),
                    field="email", code="duplicate")


def _take_seats(occurrence_id: int, seats: int, *, fifo: bool) -> bool:
    """Add ``seats`` confirmed seats if they fit; True when they did (the row count says)."""
    table = MeetingOccurrence.__table__
    condition = and_(table.c.id == occurrence_id, table.c.status == "scheduled",
                     table.c.seats_taken + seats <= table.c.capacity)
    if fifo:
        # Nobody may overtake people already waiting (strict FIFO).
        condition = and_(condition, ~exists().where(Registration.occurrence_id == occurrence_id,
                                                    Registration.status == "waitlisted"))
    result = db.session.execute(update(table).where(condition)
                                .values(seats_taken=table.c.seats_taken + seats))
    return result.rowcount == 1


def _release_seats(occurrence_id: int, seats: int) -> None:
    table = MeetingOccurrence.__table__
    db.session.execute(update(table).where(table.c.id == occurrence_id, table.c.seats_taken >= seats)
                       .values(seats_taken=table.c.seats_taken - seats))


def lock_occurrence(occurrence_id: int) -> MeetingOccurrence:
    """Reload the occurrence with its row locked for the rest of the transaction.

    ``FOR UPDATE`` on PostgreSQL; SQLite ignores it, where ``BEGIN IMMEDIATE`` already holds the
    database's write lock for the whole transaction.
    """
    occurrence = db.session.scalar(select(MeetingOccurrence).where(MeetingOccurrence.id == occurrence_id)
                                   .with_for_update().execution_options(populate_existing=True))
    if occurrence is None:
        raise NotFound(_l("The meeting was not found."))
    return occurrence


def manage_url(registration: Registration) -> str:
    """The absolute personal manage link (for mails)."""
    return f"{current_app.config['BASE_URL']}/registrations/manage/{registration_token(registration)}"


def register(occurrence: MeetingOccurrence, data: RegistrationData, *, actor: Any = None,
             now: datetime | None = None) -> Registration:
    """Register ``data`` for ``occurrence``: confirmed when the seats fit, otherwise waitlisted
    (or ``Conflict("full")`` when the series has no waiting list). Mails the person in this
    transaction: a confirmation with an iCalendar REQUEST, or a waiting-list notice."""
    now = now or utcnow()
    series = occurrence.series
    _check_open(occurrence, now)
    if data.seats > series.max_seats_per_registration:
        raise ValidationError(_l("At most %(n)d seats per registration.", n=series.max_seats_per_registration),
                              field="seats")
    if data.seats > occurrence.capacity:
        raise ValidationError(_l("At most %(n)d seats per registration.", n=occurrence.capacity),
                              field="seats")
    if db.session.scalar(select(Registration.id).where(Registration.occurrence_id == occurrence.id,
                                                       Registration.email == data.email,
                                                       Registration.status != "cancelled")):
        raise duplicate_error()
    try:
        with db.session.begin_nested():
            confirmed = _take_seats(occurrence.id, data.seats, fifo=series.waitlist)
            if not confirmed:
                # Serialise with cancellations before joining the queue, then try once more: a
                # cancellation that committed meanwhile may have freed the seats.
                locked = lock_occurrence(occurrence.id)
                if locked.status != "scheduled":
                    raise Conflict(_l("This meeting is cancelled; registration is not possible."),
                                   code="closed")
                confirmed = _take_seats(occurrence.id, data.seats, fifo=series.waitlist)
            if not confirmed and not series.waitlist:
                raise Conflict(_l("The meeting is full."), code="full")
            registration = Registration(
                occurrence_id=occurrence.id, user_id=data.user_id, name=data.name, email=data.email,
                organization_id=data.organization_id, organization_name=data.organization_name,
                seats=data.seats, status="confirmed" if confirmed else "waitlisted", needs=data.needs,
                show_on_participant_list=data.show_on_participant_list,
                consent_at=now if data.consent else None, locale=data.locale, manage_secret=new_manage_secret(),
                created_at=now, updated_at=now)
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        # The partial unique index caught a concurrent second registration by the same email.
        raise duplicate_error() from None
    db.session.refresh(occurrence, ["seats_taken"])
    audit(actor, "registration.create", "registration", registration.id,
          occurrence_id=occurrence.id, status=registration.status, seats=registration.seats)
    _mail_registration(registration)
    return registration


def _mail_registration(registration: Registration) -> None:
    context = _mail_context(registration)
    if registration.status == "confirmed":
        enqueue(registration.email, "registration_confirmed", locale=registration.locale,
                ics=registration_invitation(registration, "REQUEST"), ics_method="REQUEST", **context)
    else:
        enqueue(registration.email, "registration_waitlisted", locale=registration.locale, **context)


def _mail_context(registration: Registration) -> dict[str, Any]:
    occurrence = registration.occurrence
    series = occurrence.series
    return {"registration": registration, "occurrence": occurrence, "series": series,
            "title": localized(series, "title", registration.locale), "lang": registration.locale,
            "manage_url": manage_url(registration),
            "occurrence_url": f"{current_app.config['BASE_URL']}/meetings/occurrences/{occurrence.id}",
            "location": _location(series)}


def _location(series: MeetingSeries) -> str:
    from app.calendar.events import location_text

    return location_text(series) or ""


# --- cancelling and the waiting list ---------------------------------------------------------

def can_cancel(registration: Registration, actor: Any) -> bool:
    """Staff, or the registrant (their account, or an API user with the registration's email)."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return False
    if getattr(actor, "is_staff", False):
        return True
    return (registration.user_id is not None and registration.user_id == actor.id) \
        or (registration.email or "") == (getattr(actor, "email", "") or "").lower()


def cancel_registration(registration: Registration, *, actor: Any = None, now: datetime | None = None,
                        by_token: bool = False, notify: bool = True) -> list[Registration]:
    """Cancel a registration, free its seats and promote the waiting list; returns the promoted.

    ``actor`` must be allowed (:func:`can_cancel`) unless the person used their manage link
    (``by_token``). Cancelling twice is refused so the second click cannot mail again.
    """
    now = now or utcnow()
    if not by_token and not can_cancel(registration, actor):
        raise Forbidden(_l("You cannot cancel this registration."))
    occurrence = lock_occurrence(registration.occurrence_id)
    db.session.refresh(registration)
    if registration.status == "cancelled":
        raise Conflict(_l("This registration is already cancelled."), code="already_cancelled")
    if occurrence.starts_at <= now and not getattr(actor, "is_staff", False):
        # After the start a cancellation frees nothing useful and would blur the attendance figures.
        raise Conflict(_l("The meeting has already started; the registration can no longer be cancelled."),
                       code="closed")
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.cancelled_at = now
    registration.updated_at = now
    db.session.flush()
    if was_confirmed:
        _release_seats(occurrence.id, registration.seats)
    audit(actor, "registration.cancel", "registration", registration.id, occurrence_id=occurrence.id,
          seats=registration.seats, by_token=by_token or None)
    if notify:
        # A CANCEL also for a place on the waiting list: a change of the meeting may have sent it a
        # TENTATIVE invitation, and a CANCEL of a date the calendar never had is ignored (RFC 5546).
        enqueue(registration.email, "registration_cancelled", locale=registration.locale,
                ics=registration_invitation(registration, "CANCEL"), ics_method="CANCEL",
                **_mail_context(registration))
    return promote_waitlist(occurrence, actor=actor, now=now, locked=True)


def promote_waitlist(occurrence: MeetingOccurrence, *, actor: Any = None, now: datetime | None = None,
                     locked: bool = False) -> list[Registration]:
    """Confirm waiting registrations in FIFO order while their seats fit; stop at the first that
    does not (strict order, see the module docstring). Mails each promoted person an invitation.

    Also for the series side, e.g. after a capacity increase. Locks the occurrence unless the
    caller already did.
    """
    now = now or utcnow()
    if not locked:
        occurrence = lock_occurrence(occurrence.id)
    if occurrence.status != "scheduled" or occurrence.starts_at <= now:
        return []
    waiting = db.session.scalars(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)).all()
    promoted: list[Registration] = []
    for registration in waiting:
        if not _take_seats(occurrence.id, registration.seats, fifo=False):
            break
        registration.status = "confirmed"
        registration.promoted_at = now
        registration.updated_at = now
        db.session.flush()
        promoted.append(registration)
        audit(actor, "registration.promote", "registration", registration.id, occurrence_id=occurrence.id)
        enqueue(registration.email, "registration_promoted", locale=registration.locale,
                ics=registration_invitation(registration, "REQUEST"), ics_method="REQUEST",
                **_mail_context(registration))
    db.session.refresh(occurrence, ["seats_taken"])
    return promoted


# --- listings --------------------------------------------------------------------------------

def get_occurrence(occurrence_id: int) -> MeetingOccurrence:
    """The occurrence with its series (and space) loaded; NotFound otherwise."""
    occurrence = db.session.scalar(
        select(MeetingOccurrence).where(MeetingOccurrence.id == occurrence_id)
        .options(joinedload(MeetingOccurrence.series).joinedload(MeetingSeries.space)))
    if occurrence is None:
        raise NotFound(_l("The meeting was not found."))
    return occurrence


def occurrence_registrations(occurrence: MeetingOccurrence, *, include_cancelled: bool = False
                             ) -> list[Registration]:
    """Registrations of an occurrence, confirmed first, then the waiting list in queue order.

    One query whatever their number (organisations joined eagerly).
    """
    order = case((Registration.status == "confirmed", 0), (Registration.status == "waitlisted", 1), else_=2)
    query = (select(Registration).where(Registration.occurrence_id == occurrence.id)
             .options(joinedload(Registration.organization))
             .order_by(order, Registration.created_at, Registration.id))
    if not include_cancelled:
        query = query.where(Registration.status != "cancelled")
    return list(db.session.scalars(query))


def public_participants(occurrence: MeetingOccurrence) -> list[tuple[str, str]]:
    """(name, organisation) of confirmed people who opted in to the networking list; no emails."""
    rows = db.session.execute(
        select(Registration.name, Registration.organization_name, Organization.name)
        .outerjoin(Organization, Organization.id == Registration.organization_id)
        .where(Registration.occurrence_id == occurrence.id, Registration.status == "confirmed",
               Registration.show_on_participant_list.is_(True), Registration.anonymised_at.is_(None))
        .order_by(func.lower(Registration.name), Registration.id)).all()
    return [(name, org or free or "") for name, free, org in rows]


def waitlist_position(registration: Registration) -> int | None:
    """1-based place in the queue of a waiting registration."""
    if registration.status != "waitlisted":
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.occurrence_id == registration.occurrence_id, Registration.status == "waitlisted",
            (Registration.created_at < registration.created_at)
            | ((Registration.created_at == registration.created_at) & (Registration.id < registration.id))))
    return int(ahead or 0) + 1


def user_registrations(user: User, *, now: datetime | None = None
                       ) -> tuple[list[Registration], list[Registration]]:
    """(upcoming, past) registrations of a logged-in user: by account or by their email."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Registration).join(Registration.occurrence)
        .where((Registration.user_id == user.id) | (Registration.email == user.email.lower()),
               Registration.anonymised_at.is_(None))
        .options(joinedload(Registration.occurrence).joinedload(MeetingOccurrence.series))
        .order_by(MeetingOccurrence.starts_at, Registration.id)).all()
    upcoming = [r for r in rows if r.occurrence.ends_at > now]
    past = [r for r in rows if r.occurrence.ends_at <= now][::-1]
    return upcoming, past


def user_registration_for(occurrence: MeetingOccurrence, user: Any) -> Registration | None:
    """The logged-in user's own live registration for ``occurrence``, if any (by their address:
    people they registered for others, e.g. a group, are not "theirs")."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.status != "cancelled",
                                   Registration.email == user.email.lower()))


# --- staff tools -----------------------------------------------------------------------------

def attendance_open(occurrence: MeetingOccurrence, now: datetime) -> bool:
    """Attendance is a fact only once a held meeting has started."""
    return occurrence.status == "scheduled" and occurrence.starts_at <= now


def set_attendance(occurrence: MeetingOccurrence, marks: dict[int, str | None], *, actor: Any,
                   now: datetime | None = None) -> int:
    """Record present / no-show (or clear it) for confirmed registrations; returns how many changed."""
    require_staff(actor)
    now = now or utcnow()
    if not attendance_open(occurrence, now):
        raise ValidationError(_l("Attendance can be marked once the meeting has started (%(start)s).",
                                 start=format_datetime(occurrence.starts_at, "d.M.yyyy HH.mm")),
                              field="attendance", code="not_started")
    if any(value not in (None, *ATTENDANCE) for value in marks.values()):
        raise ValidationError(_l("Unknown attendance value."), field="attendance")
    registrations = {r.id: r for r in db.session.scalars(
        select(Registration).where(Registration.occurrence_id == occurrence.id,
                                   Registration.status == "confirmed", Registration.id.in_(list(marks))))}
    changed = 0
    for registration_id, value in marks.items():
        registration = registrations.get(registration_id)
        if registration is None:
            raise NotFound(_l("The registration was not found."))
        if registration.attendance != value:
            registration.attendance = value
            registration.updated_at = now
            changed += 1
    db.session.flush()
    if changed:
        audit(actor, "registration.attendance", "occurrence", occurrence.id, changed=changed)
    return changed


def message_registrants(occurrence: MeetingOccurrence, subject: str, body: str, *, actor: Any,
                        include_waitlist: bool = True, now: datetime | None = None) -> int:
    """One outbox mail per live registrant (each in their language's frame); audited. Returns the count."""
    require_staff(actor)
    subject, body = (subject or "").strip(), (body or "").strip()
    errors: dict[str, list[Any]] = {}
    if not subject:
        errors.setdefault("subject", []).append(_l("Enter a subject."))
    elif len(subject) > MAX_SUBJECT:
        errors.setdefault("subject", []).append(_l("At most %(n)d characters.", n=MAX_SUBJECT))
    if not body:
        errors.setdefault("body", []).append(_l("Enter a message."))
    elif len(body) > MAX_BODY:
        errors.setdefault("body", []).append(_l("At most %(n)d characters.", n=MAX_BODY))
    if errors:
        raise ValidationError(_l("Check the highlighted fields."), fields=errors)
    statuses = ("confirmed", "waitlisted") if include_waitlist else ("confirmed",)
    registrations = [r for r in occurrence_registrations(occurrence) if r.status in statuses]
    for registration in registrations:
        enqueue(registration.email, "registration_message", locale=registration.locale,
                message_subject=subject, message_body=body, **_mail_context(registration))
    audit(actor, "registration.message", "occurrence", occurrence.id, recipients=len(registrations),
          subject=subject)
    return len(registrations)


def _export_headers() -> list[str]:
    return [str(_l("Status")), str(_l("Name")), str(_l("Email")), str(_l("Organisation")), str(_l("Seats")),
            str(_l("Accessibility or dietary needs")), str(_l("On the participant list")),
            str(_l("Attendance")), str(_l("Registered at"))]


def _status_label(status: str) -> str:
    return str({"confirmed": _l("Confirmed"), "waitlisted": _l("Waiting list"),
                "cancelled": _l("Cancelled")}.get(status, status))


def _attendance_label(value: str | None) -> str:
    return str({"present": _l("Present"), "no_show": _l("No-show")}.get(value or "", ""))


def export_rows(occurrence: MeetingOccurrence) -> list[list[Any]]:
    """Header + one row per live registration (confirmed, then the waiting list)."""
    from app.core.dates import format_datetime

    rows: list[list[Any]] = [_export_headers()]
    for r in occurrence_registrations(occurrence):
        rows.append([_status_label(r.status), r.name, r.email,
                     r.organization.name if r.organization else (r.organization_name or ""), r.seats,
                     r.needs or "", str(_l("Yes")) if r.show_on_participant_list else str(_l("No")),
                     _attendance_label(r.attendance),
                     format_datetime(r.created_at)])
    return rows


def _safe_cell(value: Any) -> Any:
    # Spreadsheet formula injection (OWASP "CSV injection"): text starting with = + - @ is inert.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(occurrence: MeetingOccurrence) -> bytes:
    """The participant list as CSV that Excel opens right in Finland (``;``, UTF-8 with BOM)."""
    from app.core.spreadsheet import excel_csv

    return excel_csv(export_rows(occurrence))


def export_xlsx(occurrence: MeetingOccurrence) -> bytes:
    """The participant list as an Excel workbook (openpyxl)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_l("Participants"))[:31]
    for index, row in enumerate(export_rows(occurrence)):
        sheet.append([_safe_cell(v) for v in row])
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def get_registration(registration_id: int) -> Registration:
    """A registration with its occurrence and series; NotFound otherwise."""
    registration = db.session.scalar(
        select(Registration).where(Registration.id == registration_id)
        .options(joinedload(Registration.occurrence).joinedload(MeetingOccurrence.series)))
    if registration is None:
        raise NotFound(_l("The registration was not found."))
    return registration

