"""Answering: checking a participant's answers and storing their response; the staff's view of who answered."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts.models import Organization
from app.core.types import utcnow
from app.errors import Conflict, ValidationError
from app.extensions import db
from app.feedback.models import (RATING_MAX, RATING_MIN, FeedbackAnswer, FeedbackInvitation, FeedbackQuestion,
                                 FeedbackResponse)
from app.feedback.services.forms import form_for_series, load_form
from app.feedback.services.questions import active_theme_options, effective_options
from app.feedback.services.tokens import is_closed
from app.meetings.models import MeetingOccurrence, Registration


@dataclass
class CleanAnswer:
    """A validated answer ready to store."""

    question_id: int
    rating: int | None = None
    choices: list[str] | None = None
    text: str | None = None


def clean_answers(questions: Iterable[FeedbackQuestion], raw: dict[int, Any],
                  theme_options: list[dict[str, str]] | None) -> list[CleanAnswer]:
    """Check every answer against its question; errors are keyed ``q<id>``.

    ``raw`` maps a question id to a string (rating, single, text) or a list of strings (multiple).
    """
    errors: dict[str, list[Any]] = {}
    answers: list[CleanAnswer] = []
    for question in questions:
        name = f"q{question.id}"
        value = raw.get(question.id)
        if question.kind == "multiple":
            values = [v.strip() for v in (value if isinstance(value, list) else [value] if value else []) if v and v.strip()]
        else:
            values = [str(value).strip()] if value is not None and str(value).strip() else []
        if not values:
            if question.required:
                errors.setdefault(name, []).append(_l("This question requires an answer."))
            continue
        if question.kind == "rating":
            try:
                rating = int(values[0])
            except ValueError:
                rating = None
            if rating is None or not RATING_MIN <= rating <= RATING_MAX:
                errors.setdefault(name, []).append(_l("Choose a value from 1 to 5."))
                continue
            answers.append(CleanAnswer(question.id, rating=rating))
        elif question.kind in ("single", "multiple"):
            allowed = {o["key"] for o in effective_options(question, theme_options)}
            unknown = [v for v in values if v not in allowed]
            if unknown or (question.kind == "single" and len(values) > 1):
                errors.setdefault(name, []).append(_l("Choose from the options given."))
                continue
            answers.append(CleanAnswer(question.id, choices=list(dict.fromkeys(values))))
        else:
            text = values[0]
            if len(text) > 5000:
                errors.setdefault(name, []).append(_l("At most 5000 characters."))
                continue
            answers.append(CleanAnswer(question.id, text=text))
    if errors:
        raise ValidationError(_l("Some answers need checking."), fields=errors)
    return answers


def response_for_invitation(invitation: FeedbackInvitation) -> FeedbackResponse | None:
    """The invitation's response with its answers, if any."""
    return db.session.scalar(select(FeedbackResponse).options(selectinload(FeedbackResponse.answers))
                             .where(FeedbackResponse.invitation_id == invitation.id))


def answers_as_raw(response: FeedbackResponse | None) -> dict[int, Any]:
    """Stored answers in the shape ``clean_answers`` takes (to re-open a filled form)."""
    raw: dict[int, Any] = {}
    for answer in (response.answers if response else []):
        if answer.rating is not None:
            raw[answer.question_id] = str(answer.rating)
        elif answer.choices is not None:
            raw[answer.question_id] = list(answer.choices)
        else:
            raw[answer.question_id] = answer.text
    return raw


def submit_response(invitation: FeedbackInvitation, raw: dict[int, Any], *, locale: str = "fi",
                    now: datetime | None = None) -> FeedbackResponse:
    """Store the answers: the first submission creates the response, later ones replace its answers.

    Refused (409 ``closed``) once the form has closed; invalid answers raise ``ValidationError``
    and change nothing. Concurrent submissions of one link are serialised on the invitation row,
    and the unique invitation on the response keeps it one per invitation in any case.
    """
    now = now or utcnow()
    if is_closed(invitation, now):
        raise Conflict(_l("The feedback form has closed."), code="closed")
    form = load_form(invitation.form_id)
    answers = clean_answers(form.questions, raw, active_theme_options())
    # Two submissions of one link (a double click, two tabs) must not interleave their
    # delete-and-insert of answers: lock the invitation row (SQLite's BEGIN IMMEDIATE already
    # serialises writers; FOR UPDATE is what PostgreSQL needs).
    db.session.execute(select(FeedbackInvitation.id).where(FeedbackInvitation.id == invitation.id)
                       .with_for_update())
    response = response_for_invitation(invitation)
    if response is None:
        try:
            with db.session.begin_nested():
                response = FeedbackResponse(
                    invitation_id=invitation.id, occurrence_id=invitation.occurrence_id, form_id=form.id,
                    registration_id=None if form.anonymous else invitation.registration_id,
                    locale=locale, submitted_at=now, updated_at=now)
                db.session.add(response)
                db.session.flush()
        except IntegrityError:
            response = response_for_invitation(invitation)
            if response is None:
                raise
    else:
        response.updated_at = now
        response.locale = locale
    db.session.execute(delete(FeedbackAnswer).where(FeedbackAnswer.response_id == response.id))
    db.session.expire(response, ["answers"])
    for answer in answers:
        db.session.add(FeedbackAnswer(response_id=response.id, question_id=answer.question_id,
                                      rating=answer.rating, choices=answer.choices, text=answer.text))
    if invitation.responded_at is None:
        invitation.responded_at = now
    db.session.flush()
    return response


def occurrence_status(occurrence: MeetingOccurrence) -> dict[str, Any]:
    """Invited / answered counts and, when the form is named, who has not answered yet."""
    form = form_for_series(occurrence.series_id)
    rows = db.session.execute(
        select(FeedbackInvitation, Registration.name, Registration.email,
               func.coalesce(Organization.name, Registration.organization_name))
        .join(Registration, Registration.id == FeedbackInvitation.registration_id)
        .outerjoin(Organization, Organization.id == Registration.organization_id)
        .where(FeedbackInvitation.occurrence_id == occurrence.id)
        .order_by(func.lower(Registration.name), FeedbackInvitation.id)).all()
    invited = len(rows)
    answered = sum(1 for inv, *_ in rows if inv.responded_at is not None)
    anonymous = bool(form and form.anonymous)
    pending = [] if anonymous else [
        {"name": name, "email": email, "organization": org, "sent_at": inv.sent_at, "reminded_at": inv.reminded_at}
        for inv, name, email, org in rows if inv.responded_at is None]
    return {"form": form, "invited": invited, "answered": answered, "anonymous": anonymous, "pending": pending,
            "closes_at": rows[0][0].closes_at if rows else None,
            "reminded": sum(1 for inv, *_ in rows if inv.reminded_at is not None)}
