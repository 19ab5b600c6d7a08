"""Factories: create committed rows for tests and return them detached with attributes loaded."""
from __future__ import annotations

import itertools
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from app.accounts import services as accounts
from app.accounts.models import Organization, User
from app.extensions import db
from app import scheduling as recurrence
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration

PASSWORD = "correct-horse-battery"
_sequence = itertools.count(1)


def detach(obj: Any) -> Any:
    """Load every column, then detach, so tests can read attributes outside an app context."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


class Factory:
    """``make.organization()``, ``make.user(role="staff")``, ``make.token(user)``…"""

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
               **fields: Any) -> MeetingSeries:
        """A published series with its occurrences materialised (at most ``occurrences``).

        Written directly, not through the meetings services, so that tests of other features do
        not depend on those rules. Default: weekly on Tuesdays at 17:00 from a week ahead.
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

    def auth(self, role: str = "staff", **kwargs: Any) -> dict[str, str]:
        """Headers with a Bearer token of a new user of ``role``."""
        user = self.user(role, **kwargs)
        return {"Authorization": f"Bearer {self.token(user)}"}


@pytest.fixture
def make(app) -> Factory:
    return Factory(app)
