"""Factories: create committed rows for tests and return them detached with attributes loaded.

One convention for every model: ``make.<model>(parents…, **overrides)`` writes the row (directly,
not through the feature's rules, unless the docstring says "as staff do"), commits, and returns it
detached (``detach``) so tests read its attributes outside an app context. Keyword arguments
override the defaults. Pure time helpers (``hel``, ``at``, ``next_weekday``) live in tests/timeutil.py.
"""
from __future__ import annotations

import itertools
import secrets
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

import pytest

from app.accounts import services as accounts
from app.accounts.models import Organization, User
from app.extensions import db
from app import scheduling as recurrence
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)
HEL = ZoneInfo("Europe/Helsinki")


def _id(row_or_id: Any) -> Any:
    """A row's id, or the id itself (factories accept either)."""
    return getattr(row_or_id, "id", row_or_id)


def detach(obj: Any) -> Any:
    """Load every column, then detach, so tests can read attributes outside an app context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


class Factory:
    """``make.organization()``, ``make.user("staff")``, ``make.series()``, ``make.space()``,
    ``make.booking(space, start, end)``, ``make.topic(occurrence)``, ``make.subscription(user)``…"""

    def __init__(self, app) -> None:
        self.app = app

    def organization(self, **fields: Any) -> Organization:
        n = next(_sequence)
        values = {"name": f"Testijärjestö {n} ry", "email": f"org{n}@example.org", "district": "central"}
        values.update(fields)
        with self.app.app_context():
            org = Organization(**values)
            db.session.add(org)
            db.session.commit()
            return detach(org)

    def user(self, role: str = "ngo", *, organization: Organization | None = None, password: str = PASSWORD,
             **fields: Any) -> User:
        n = next(_sequence)
        with self.app.app_context():
            user = accounts.create_user(fields.pop("email", f"user{n}@example.org"), role=role,
                                        name=fields.pop("name", f"Testi Käyttäjä {n}"),
                                        organization_id=organization.id if organization else None,
                                        password=password, **fields)
            db.session.commit()
            return detach(user)

    def token(self, user: User, label: str = "test") -> str:
        with self.app.app_context():
            _token, plain = accounts.create_api_token(db.session.get(User, user.id), label)
            db.session.commit()
            return plain

    def series(self, *, start_local: datetime | None = None, rrule: str | None = None, occurrences: int = 3,
               themes: Iterable[Any] = (), **fields: Any) -> MeetingSeries:
        """A published series with its occurrences materialised (at most ``occurrences``).

        Written directly, not through the meetings services, so that tests of other features do
        not depend on those rules. Default: weekly on Tuesdays at 17:00 from a week ahead.
        ``themes``: themes or theme ids the series is about.
        """
        n = next(_sequence)
        if start_local is None:
            today = datetime.now().replace(hour=17, minute=0, second=0, microsecond=0)
            start_local = today + timedelta(days=7 + (1 - today.weekday()) % 7)
        if rrule is None and occurrences > 1:
            rrule = "FREQ=WEEKLY"
        values = {"uid": f"{uuid.uuid4()}@kohtaamo.test", "title_fi": f"Verkostotapaaminen {n}",
                  "start_local": start_local, "timezone": "Europe/Helsinki", "duration_minutes": 120,
                  "rrule": rrule, "capacity": 20, "waitlist": True, "max_seats_per_registration": 3,
                  "status": "published", "location": "Kalasatamankatu 1, Helsinki"}
        values.update(fields)
        with self.app.app_context():
            series = MeetingSeries(**values)
            series.themes = [db.session.get(MeetingTheme, _id(t)) for t in themes]
            db.session.add(series)
            db.session.flush()
            starts = recurrence.expand(series.start_local, series.timezone, series.rrule, limit=occurrences)
            for start in starts:
                db.session.add(MeetingOccurrence(
                    series_id=series.id, recurrence_id=start, starts_at=start,
                    ends_at=start + timedelta(minutes=series.duration_minutes), capacity=series.capacity))
            db.session.commit()
            return detach(series)

    def occurrences(self, series: MeetingSeries) -> list[MeetingOccurrence]:
        """The series' occurrences in time order."""
        with self.app.app_context():
            rows = db.session.scalars(db.select(MeetingOccurrence).filter_by(series_id=series.id)
                                      .order_by(MeetingOccurrence.starts_at)).all()
            return [detach(row) for row in rows]

    def occurrence(self, **series_fields: Any) -> MeetingOccurrence:
        """The first occurrence of a new series."""
        return self.occurrences(self.series(occurrences=1, **series_fields))[0]

    def past_occurrence(self, days_ago: int = 1, **series_fields: Any) -> MeetingOccurrence:
        """The only occurrence of a series that took place ``days_ago`` days ago at 15:00 (Helsinki)."""
        start = (datetime.now(HEL) - timedelta(days=days_ago)).replace(
            hour=15, minute=0, second=0, microsecond=0, tzinfo=None)
        return self.occurrence(start_local=start, **series_fields)

    def registration(self, occurrence: MeetingOccurrence, *, status: str = "confirmed", seats: int = 1,
                     **fields: Any) -> Registration:
        """A registration; confirmed seats are counted into the occurrence's ``seats_taken``."""
        n = next(_sequence)
        values = {"name": f"Osallistuja {n}", "email": f"person{n}@example.org", "seats": seats,
                  "status": status, "manage_secret": secrets.token_hex(16), "locale": "fi"}
        values.update(fields)
        with self.app.app_context():
            row = Registration(occurrence_id=occurrence.id, **values)
            db.session.add(row)
            if status == "confirmed":
                db.session.get(MeetingOccurrence, occurrence.id).seats_taken += seats
            db.session.commit()
            return detach(row)

    def guidance_hour(self, *, start_local: datetime | None = None, rrule: str | None = "FREQ=WEEKLY;COUNT=4",
                      advisers: list[User] | None = None, **fields: Any):
        """A published guidance hour with its windows (Tuesdays 9–11 from next week, 30-minute slots).

        Written directly, like ``series``; ``advisers`` default to one new staff user.
        """
        from app.guidance.models import GuidanceHour, GuidanceWindow

        n = next(_sequence)
        if start_local is None:
            today = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0)
            start_local = today + timedelta(days=7 + (1 - today.weekday()) % 7)
        advisers = advisers if advisers is not None else [self.user("staff")]
        values = {"uid": f"guidance-{uuid.uuid4()}@kohtaamo.test", "title_fi": f"Avustusneuvonta {n}",
                  "title_sv": f"Bidragsrådgivning {n}", "title_en": f"Grant advice {n}",
                  "start_local": start_local, "timezone": "Europe/Helsinki", "duration_minutes": 120,
                  "slot_minutes": 30, "rrule": rrule, "status": "published", "reminder_hours_before": 24,
                  "location": "Helsingin kaupungintalo, Pohjoisesplanadi 11–13"}
        values.update(fields)
        with self.app.app_context():
            hour = GuidanceHour(**values)
            hour.advisers = [db.session.get(User, a.id) for a in advisers]
            db.session.add(hour)
            db.session.flush()
            for start in recurrence.expand(hour.start_local, hour.timezone, hour.rrule, limit=52):
                db.session.add(GuidanceWindow(guidance_hour_id=hour.id, starts_at=start,
                                              ends_at=start + timedelta(minutes=hour.duration_minutes)))
            db.session.commit()
            return detach(hour)

    def guidance_windows(self, hour) -> list:
        """The guidance hour's windows in time order."""
        from app.guidance.models import GuidanceWindow

        with self.app.app_context():
            rows = db.session.scalars(db.select(GuidanceWindow).filter_by(guidance_hour_id=hour.id)
                                      .order_by(GuidanceWindow.starts_at)).all()
            return [detach(row) for row in rows]

    def appointment(self, hour, *, start: datetime | None = None, status: str = "booked", **fields: Any):
        """An appointment in the first slot of the first window (or at ``start``)."""
        from app.guidance.models import GuidanceAppointment, GuidanceWindow

        n = next(_sequence)
        with self.app.app_context():
            windows = db.session.scalars(db.select(GuidanceWindow).filter_by(guidance_hour_id=hour.id)
                                         .order_by(GuidanceWindow.starts_at)).all()
            start = start or windows[0].starts_at
            window = next(w for w in windows if w.starts_at <= start < w.ends_at)
            values = {"name": f"Neuvottava {n}", "email": f"guided{n}@example.org", "status": status,
                      "manage_secret": secrets.token_hex(16), "locale": "fi", "question": f"Kysymys {n}"}
            values.update(fields)
            row = GuidanceAppointment(guidance_hour_id=hour.id, window_id=window.id, starts_at=start,
                                      ends_at=start + timedelta(minutes=hour.slot_minutes), **values)
            db.session.add(row)
            db.session.commit()
            return detach(row)

    # --- themes ----------------------------------------------------------------------------------

    def theme(self, **fields: Any) -> MeetingTheme:
        """A meeting theme (active, position 0)."""
        n = next(_sequence)
        values = {"key": f"theme-{n}", "name_fi": f"Teema {n}", "position": 0, "active": True}
        values.update(fields)
        return self._save(MeetingTheme(**values))

    def default_theme(self, key: str = "resident-spaces") -> MeetingTheme:
        """One of the default themes (all of them are created the first time), by key."""
        from app.meetings.services import ensure_default_themes

        with self.app.app_context():
            ensure_default_themes()
            db.session.commit()
            return detach(db.session.scalar(db.select(MeetingTheme).where(MeetingTheme.key == key)))

    # --- resident spaces -------------------------------------------------------------------------

    def space(self, **fields: Any):
        """A space open at all hours (no opening hours, open on holidays, no buffer), in the central district."""
        from app.spaces.models import Space

        values: dict[str, Any] = {"name": "Kalasataman asukastila", "address": "Capellan puistotie 1, Helsinki",
                                  "district": "central", "capacity": 20, "opening_hours": None,
                                  "closed_on_holidays": False, "buffer_minutes": 0, "booking_horizon_days": 365,
                                  "accessibility": {}, "equipment": []}
        values.update(fields)
        return self._save(Space(**values))

    def booking(self, space, start: datetime | None = None, end: datetime | None = None, **fields: Any):
        """A confirmed booking written directly (no rules), with the space's buffer in its block.

        Default: from 10:00 to 12:00 (UTC) a week ahead; ``end`` defaults to two hours after ``start``.
        """
        from app.spaces.models import Booking

        if start is None:
            start = (datetime.now(timezone.utc) + timedelta(days=7)).replace(hour=10, minute=0, second=0,
                                                                             microsecond=0)
        end = end or start + timedelta(hours=2)
        values = {"title": "Varaus", "status": "confirmed", "block_starts_at": start,
                  "block_ends_at": end + timedelta(minutes=space.buffer_minutes or 0)}
        values.update(fields)
        return self._save(Booking(space_id=space.id, starts_at=start, ends_at=end, **values))

    def booking_request(self, space, *, requester: User | None = None, start: datetime | None = None,
                        end: datetime | None = None, **fields: Any):
        """A pending booking request of ``requester`` (and their organisation) two weeks ahead, 2 hours."""
        from app.spaces.models import BookingRequest

        n = next(_sequence)
        start = start or (datetime.now(timezone.utc) + timedelta(days=14)).replace(minute=0, second=0,
                                                                                   microsecond=0)
        end = end or start + timedelta(hours=2)
        values = {"title": f"Varaustoive {n}", "purpose": "Kokous", "headcount": 10,
                  "requester_id": requester.id if requester else None,
                  "organization_id": requester.organization_id if requester else None}
        values.update(fields)
        return self._save(BookingRequest(space_id=space.id, starts_at=start, ends_at=end, **values))

    def space_exception(self, space, day: date | None = None, **fields: Any):
        """An exception day of the space: closed (``hours=None``) three weeks ahead by default."""
        from app.spaces.models import SpaceException

        values = {"hours": None}
        values.update(fields)
        return self._save(SpaceException(space_id=space.id, day=day or date.today() + timedelta(days=21), **values))

    # --- feedback and topics ---------------------------------------------------------------------

    def feedback_form(self, series, *, questions: list[dict[str, Any]] | None = None, **fields: Any):
        """The series' feedback form. ``questions=None``: the standard questions (``ensure_form``);
        otherwise exactly the given questions (dicts of FeedbackQuestion fields), in order.
        Read the questions with ``questions(form)``."""
        from app.feedback import services as feedback
        from app.feedback.models import FeedbackForm, FeedbackQuestion

        with self.app.app_context():
            if questions is None:
                form = feedback.ensure_form(db.session.get(MeetingSeries, _id(series)))
                for name, value in fields.items():
                    setattr(form, name, value)
            else:
                form = FeedbackForm(series_id=_id(series), **fields)
                db.session.add(form)
                db.session.flush()
                for position, question in enumerate(questions):
                    db.session.add(FeedbackQuestion(form_id=form.id, **{"position": position, **question}))
            db.session.commit()
            return detach(form)

    def questions(self, form) -> list:
        """The form's questions in order."""
        from app.feedback.models import FeedbackQuestion

        with self.app.app_context():
            rows = db.session.scalars(db.select(FeedbackQuestion).filter_by(form_id=_id(form))
                                      .order_by(FeedbackQuestion.position, FeedbackQuestion.id)).all()
            return [detach(row) for row in rows]

    def feedback_invitation(self, registration, *, form=None, **fields: Any):
        """A sent invitation of ``registration`` (for its occurrence) to ``form`` (default: the series' form),
        open 14 days."""
        from app.feedback.models import FeedbackForm, FeedbackInvitation

        now = datetime.now(timezone.utc)
        with self.app.app_context():
            occurrence = db.session.get(MeetingOccurrence, registration.occurrence_id)
            form_id = _id(form) if form is not None else db.session.scalar(
                db.select(FeedbackForm.id).filter_by(series_id=occurrence.series_id))
            values = {"secret": secrets.token_hex(16), "locale": "fi", "sent_at": now,
                      "closes_at": now + timedelta(days=14)}
            values.update(fields)
            row = FeedbackInvitation(occurrence_id=occurrence.id, registration_id=registration.id,
                                     form_id=form_id, **values)
            db.session.add(row)
            db.session.commit()
            return detach(row)

    def feedback_response(self, invitation, answers: dict[int, Any] | None = None, *,
                          responded_at: datetime | None = None, **fields: Any):
        """The invitation's response with ``answers`` ({question id: rating | text | choices}); marks the
        invitation responded (at ``responded_at``, default now)."""
        from app.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse

        with self.app.app_context():
            inv = db.session.get(FeedbackInvitation, invitation.id)
            values = {"registration_id": inv.registration_id, "locale": inv.locale}
            values.update(fields)
            row = FeedbackResponse(invitation_id=inv.id, occurrence_id=inv.occurrence_id, form_id=inv.form_id,
                                   **values)
            for question_id, value in (answers or {}).items():
                kind = {str: "text", list: "choices"}.get(type(value), "rating")
                row.answers.append(FeedbackAnswer(question_id=question_id, **{kind: value}))
            inv.responded_at = responded_at or datetime.now(timezone.utc)
            db.session.add(row)
            db.session.commit()
            return detach(row)

    def topic(self, occurrence=None, *, voters: Iterable[User] = (), **fields: Any):
        """A proposed topic on ``occurrence`` (and its series); ``voters`` vote for it (counted)."""
        from app.feedback.models import TopicProposal, TopicVote

        n = next(_sequence)
        values: dict[str, Any] = {"title": f"Aihe {n}"}
        if occurrence is not None:
            values.update(occurrence_id=occurrence.id, series_id=occurrence.series_id)
        values.update(fields)
        voters = list(voters)
        if voters:
            values.setdefault("votes_count", len(voters))
        with self.app.app_context():
            row = TopicProposal(**values)
            db.session.add(row)
            db.session.flush()
            db.session.add_all([TopicVote(proposal_id=row.id, user_id=v.id) for v in voters])
            db.session.commit()
            return detach(row)

    # --- records, outcomes, subscriptions --------------------------------------------------------

    def record(self, occurrence, *, actor: User | None = None, publish: bool | None = None, **data: Any):
        """The occurrence's record saved as staff do (``RecordData`` fields, e.g. ``summary={"fi": ...}``):
        a draft unless ``publish=True`` (which mails the registrants, as publishing does)."""
        from app.records import services as records

        actor = actor or self.user("staff")
        with self.app.app_context():
            row = records.save_record(db.session.get(MeetingOccurrence, occurrence.id), records.RecordData(**data),
                                      actor=db.session.get(User, actor.id), publish=publish)
            db.session.commit()
            return detach(row)

    def attachment(self, occurrence, *, filename: str = "slides.pdf", data: bytes | None = None,
                   actor: User | None = None, **fields: Any):
        """A file of the occurrence uploaded as staff do (a small PDF by default)."""
        from app.records import materials
        from app.records.samples import sample_pdf

        actor = actor or self.user("staff")
        with self.app.app_context():
            row = materials.upload_attachment(
                db.session.get(MeetingOccurrence, occurrence.id),
                materials.Upload(filename=filename, data=data if data is not None else sample_pdf(), **fields),
                actor=db.session.get(User, actor.id))
            db.session.commit()
            return detach(row)

    def outcome(self, *, actor: User | None = None, **data: Any):
        """An outcome created as staff do (``OutcomeData`` fields; ``title`` defaults to {"fi": "Tulos N"})."""
        from app.outcomes import services as outcomes

        data.setdefault("title", {"fi": f"Tulos {next(_sequence)}"})
        actor = actor or self.user("staff")
        with self.app.app_context():
            row = outcomes.create_outcome(outcomes.OutcomeData(**data), actor=db.session.get(User, actor.id))
            db.session.commit()
            return detach(row)

    def subscription(self, user: User, *, theme=None, district: str | None = None, frequency: str = "immediate",
                     **fields: Any):
        """``user``'s subscription to a theme (row or id) and/or a district, written directly."""
        from app.subscriptions.models import Subscription, subscription_key

        theme_id = _id(theme)
        return self._save(Subscription(user_id=user.id, theme_id=theme_id, district=district,
                                       key=subscription_key(theme_id, district), frequency=frequency, **fields))

    def auth(self, role: str = "staff", **kwargs: Any) -> dict[str, str]:
        """Headers with a Bearer token of a new user of ``role``."""
        user = self.user(role, **kwargs)
        return {"Authorization": f"Bearer {self.token(user)}"}

    def _save(self, row: Any) -> Any:
        with self.app.app_context():
            db.session.add(row)
            db.session.commit()
            return detach(row)


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)
