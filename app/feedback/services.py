"""Feedback rules: forms and questions, invitations and reminders, responses, aggregation.

Plain functions with explicit ``actor`` and ``now``; they flush and raise ``DomainError``s,
the caller commits (DESIGN.md). The send run commits itself, per occurrence, because it is a
batch job that several workers may run at once.
"""
from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, delete, exists, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import Organization
from app.core.audit import audit
from app.core.i18n import LANGUAGES
from app.core.types import utcnow
from app.errors import Conflict, NotFound, ValidationError
from app.extensions import db
from app.feedback.models import (QUESTION_KINDS, RATING_MAX, RATING_MIN, FeedbackAnswer, FeedbackForm,
                                 FeedbackInvitation, FeedbackQuestion, FeedbackResponse)
from app.feedback import disclosure
from app.feedback.template import DEFAULT_INTRO, DEFAULT_QUESTIONS, FALLBACK_THEME_OPTIONS
from app.mail.services import enqueue
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration

# Free-text answers are shown only when at least this many people answered (the one rule shared
# with the report: app/feedback/disclosure.py).
MIN_RESPONDENTS_FOR_TEXTS = disclosure.MIN_RESPONDENTS
# Occurrences that ended longer ago than this are never looked at by the send run.
SEND_LOOKBACK_DAYS = 366
OPTION_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


# --------------------------------------------------------------------------- dialect helpers

def _insert(model):
    """``INSERT`` with ``ON CONFLICT DO NOTHING`` support on both databases."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


# --------------------------------------------------------------------------- forms and questions

def form_for_series(series_id: int) -> FeedbackForm | None:
    """The series' form, or None when it has none yet."""
    return db.session.scalar(select(FeedbackForm).where(FeedbackForm.series_id == series_id))


def ensure_form(series: MeetingSeries, *, actor: Any = None) -> FeedbackForm:
    """The series' form; created from the default template on first use.

    Two callers racing to create it meet at the unique ``series_id``: the loser's savepoint is
    rolled back and it reads the winner's form.
    """
    form = form_for_series(series.id)
    if form is not None:
        return form
    try:
        with db.session.begin_nested():
            form = FeedbackForm(series_id=series.id, anonymous=False, open_days=14, send_after_hours=2,
                                remind_after_days=3, enabled=True, intro_fi=DEFAULT_INTRO["fi"],
                                intro_sv=DEFAULT_INTRO["sv"], intro_en=DEFAULT_INTRO["en"])
            db.session.add(form)
            db.session.flush()
            for position, spec in enumerate(DEFAULT_QUESTIONS):
                db.session.add(FeedbackQuestion(
                    form_id=form.id, position=position, kind=spec["kind"], key=spec["key"],
                    text_fi=spec["fi"], text_sv=spec["sv"], text_en=spec["en"], required=spec["required"],
                    options=[dict(o) for o in FALLBACK_THEME_OPTIONS] if spec.get("options_from_themes") else None,
                    options_from_themes=bool(spec.get("options_from_themes"))))
            db.session.flush()
    except IntegrityError:
        form = form_for_series(series.id)
        if form is None:
            raise
        return form
    audit(actor, "feedback_form.create", "feedback_form", form.id, series_id=series.id)
    return form


@dataclass
class FormSettings:
    """What staff may change on a form."""

    anonymous: bool = False
    open_days: int = 14
    send_after_hours: int = 2
    remind_after_days: int = 3
    enabled: bool = True
    intro: dict[str, str | None] = field(default_factory=dict)


def _has_responses(form: FeedbackForm) -> bool:
    return bool(db.session.scalar(select(exists().where(FeedbackResponse.form_id == form.id))))


def update_form_settings(form: FeedbackForm, settings: FormSettings, *, actor: Any) -> FeedbackForm:
    """Change anonymity, timing and the introduction.

    Anonymity cannot change once someone has answered: people answered under the promise they
    were given.
    """
    errors: dict[str, list[Any]] = {}
    if not 1 <= settings.open_days <= 365:
        errors.setdefault("open_days", []).append(_l("Enter a number of days from 1 to 365."))
    if not 0 <= settings.send_after_hours <= 720:
        errors.setdefault("send_after_hours", []).append(_l("Enter a number of hours from 0 to 720."))
    if not 1 <= settings.remind_after_days <= 60:
        errors.setdefault("remind_after_days", []).append(_l("Enter a number of days from 1 to 60."))
    if settings.anonymous != form.anonymous and _has_responses(form):
        errors.setdefault("anonymous", []).append(
            _l("Anonymity cannot be changed after the first answers have arrived."))
    if errors:
        raise ValidationError(_l("Check the settings."), fields=errors)
    changes = {}
    for name in ("anonymous", "open_days", "send_after_hours", "remind_after_days", "enabled"):
        if getattr(form, name) != getattr(settings, name):
            changes[name] = getattr(settings, name)
            setattr(form, name, getattr(settings, name))
    for lang in LANGUAGES:
        value = (settings.intro.get(lang) or "").strip() or None
        if getattr(form, f"intro_{lang}") != value:
            changes[f"intro_{lang}"] = True
            setattr(form, f"intro_{lang}", value)
    if "open_days" in changes:
        _recompute_closing(form)
    db.session.flush()
    if changes:
        audit(actor, "feedback_form.update", "feedback_form", form.id, **changes)
    return form


def _recompute_closing(form: FeedbackForm) -> None:
    """Existing invitations follow a change of ``open_days``."""
    rows = db.session.execute(
        select(FeedbackInvitation, MeetingOccurrence.ends_at)
        .join(MeetingOccurrence, MeetingOccurrence.id == FeedbackInvitation.occurrence_id)
        .where(FeedbackInvitation.form_id == form.id))
    for invitation, ends_at in rows:
        invitation.closes_at = ends_at + timedelta(days=form.open_days)


@dataclass
class QuestionData:
    """A question as staff enter it."""

    kind: str
    text: dict[str, str | None]
    required: bool = False
    options: list[dict[str, str]] | None = None
    options_from_themes: bool = False
    theme_id: int | None = None


def parse_options_text(raw: str) -> list[dict[str, str]]:
    """Staff write one option a line: ``key | suomeksi | på svenska | in English``.

    A line without ``|`` is a Finnish label whose key is derived from its position.
    """
    options: list[dict[str, str]] = []
    for number, line in enumerate((raw or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 1:
            parts = [f"o{number}", parts[0]]
        parts += [""] * (4 - len(parts))
        options.append({"key": parts[0].lower(), "fi": parts[1], "sv": parts[2], "en": parts[3]})
    return options


def options_as_text(options: list[dict[str, str]] | None) -> str:
    """The inverse of ``parse_options_text`` for the edit form."""
    return "\n".join(" | ".join([o.get("key", ""), o.get("fi", ""), o.get("sv") or "", o.get("en") or ""]).rstrip(" |")
                     for o in options or [])


def clean_question(data: QuestionData) -> QuestionData:
    """Validate a question; errors name the form fields (kind, text_fi, options, theme_id)."""
    errors: dict[str, list[Any]] = {}
    if data.kind not in QUESTION_KINDS:
        errors.setdefault("kind", []).append(_l("Choose a question type."))
    text = {lang: ((data.text.get(lang) or "").strip() or None) for lang in LANGUAGES}
    if not text["fi"]:
        errors.setdefault("text_fi", []).append(_l("Enter the question in Finnish."))
    for lang, value in text.items():
        if value and len(value) > 500:
            errors.setdefault(f"text_{lang}", []).append(_l("At most 500 characters."))
    options = None
    if data.kind in ("single", "multiple"):
        options = []
        seen: set[str] = set()
        for option in data.options or []:
            key = (option.get("key") or "").strip().lower()
            if not OPTION_KEY_RE.match(key):
                errors.setdefault("options", []).append(
                    _l("Option key “%(key)s” may contain only a–z, 0–9, - and _.", key=key))
            elif key in seen:
                errors.setdefault("options", []).append(_l("Option key “%(key)s” is used twice.", key=key))
            if not (option.get("fi") or "").strip():
                errors.setdefault("options", []).append(_l("Every option needs a Finnish label."))
            seen.add(key)
            options.append({"key": key, **{lang: (option.get(lang) or "").strip() for lang in LANGUAGES}})
        if not options and not data.options_from_themes:
            errors.setdefault("options", []).append(_l("Give at least one option."))
    if data.theme_id is not None and db.session.get(MeetingTheme, data.theme_id) is None:
        errors.setdefault("theme_id", []).append(_l("Unknown theme."))
    if errors:
        raise ValidationError(_l("Check the question."), fields=errors)
    return QuestionData(kind=data.kind, text=text, required=data.required, options=options,
                        options_from_themes=data.options_from_themes and data.kind in ("single", "multiple"),
                        theme_id=data.theme_id)


def answer_count(question: FeedbackQuestion) -> int:
    """How many answers the question has (staff confirm before removing answered questions)."""
    return db.session.scalar(select(func.count(FeedbackAnswer.id)).where(FeedbackAnswer.question_id == question.id)) or 0


def _question_has_answers(question: FeedbackQuestion) -> bool:
    return bool(db.session.scalar(select(exists().where(FeedbackAnswer.question_id == question.id))))


def add_question(form: FeedbackForm, data: QuestionData, *, actor: Any) -> FeedbackQuestion:
    """Append a question to the form."""
    data = clean_question(data)
    last = db.session.scalar(select(func.max(FeedbackQuestion.position)).where(FeedbackQuestion.form_id == form.id))
    question = FeedbackQuestion(form_id=form.id, position=(last + 1) if last is not None else 0)
    _apply_question(question, data)
    db.session.add(question)
    db.session.flush()
    db.session.expire(form, ["questions"])
    audit(actor, "feedback_question.create", "feedback_question", question.id, form_id=form.id, kind=data.kind)
    return question


def _apply_question(question: FeedbackQuestion, data: QuestionData) -> None:
    question.kind = data.kind
    question.text_fi, question.text_sv, question.text_en = (data.text["fi"], data.text["sv"], data.text["en"])
    question.required = data.required
    question.options = data.options
    question.options_from_themes = data.options_from_themes
    question.theme_id = data.theme_id


def update_question(question: FeedbackQuestion, data: QuestionData, *, actor: Any) -> FeedbackQuestion:
    """Edit a question; its type cannot change once it has answers (they would stop making sense)."""
    data = clean_question(data)
    if data.kind != question.kind and _question_has_answers(question):
        raise ValidationError(_l("The type of a question that already has answers cannot be changed."),
                              field="kind")
    _apply_question(question, data)
    db.session.flush()
    audit(actor, "feedback_question.update", "feedback_question", question.id, form_id=question.form_id)
    return question


def move_question(question: FeedbackQuestion, direction: str, *, actor: Any) -> None:
    """Swap the question with its neighbour ``up`` or ``down`` (positions are renumbered 0..n-1)."""
    if direction not in ("up", "down"):
        raise ValidationError(_l("Unknown direction."), field="direction")
    questions = list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == question.form_id)
                                        .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))
    index = next(i for i, q in enumerate(questions) if q.id == question.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, row in enumerate(questions):
        row.position = position
    db.session.flush()
    audit(actor, "feedback_question.move", "feedback_question", question.id, direction=direction)


def delete_question(question: FeedbackQuestion, *, actor: Any) -> None:
    """Remove a question (its answers go with it; the audit trail records how many)."""
    answers = answer_count(question)
    audit(actor, "feedback_question.delete", "feedback_question", question.id, form_id=question.form_id,
          text_fi=question.text_fi, answers=answers)
    form = question.form
    db.session.delete(question)
    db.session.flush()
    db.session.expire(form, ["questions"])


def active_theme_options() -> list[dict[str, str]]:
    """The active meeting themes as choice options (keys are theme keys)."""
    themes = db.session.scalars(select(MeetingTheme).where(MeetingTheme.active.is_(True))
                                .order_by(MeetingTheme.position, MeetingTheme.id))
    return [{"key": t.key, "fi": t.name_fi, "sv": t.name_sv or "", "en": t.name_en or ""} for t in themes]


def effective_options(question: FeedbackQuestion, theme_options: list[dict[str, str]] | None) -> list[dict[str, str]]:
    """The options a participant sees: active themes when the question follows them (and any exist)."""
    if question.kind not in ("single", "multiple"):
        return []
    if question.options_from_themes and theme_options:
        return theme_options
    return list(question.options or [])


def option_label(option: dict[str, str], lang: str) -> str:
    """An option's label in ``lang``, falling back to Finnish."""
    return option.get(lang) or option.get("fi") or option.get("key", "")


def load_form(form_id: int) -> FeedbackForm:
    """A form with its questions (one extra query)."""
    form = db.session.scalar(select(FeedbackForm).options(selectinload(FeedbackForm.questions))
                             .where(FeedbackForm.id == form_id).execution_options(populate_existing=True))
    if form is None:
        raise NotFound(_l("The feedback form was not found."))
    return form


# --------------------------------------------------------------------------- tokens

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="feedback-invitation")


def make_token(invitation: FeedbackInvitation) -> str:
    """The personal link's token: signed (invitation id, secret)."""
    return _serializer().dumps({"i": invitation.id, "s": invitation.secret})


def feedback_link(invitation: FeedbackInvitation) -> str:
    """The absolute personal link used in mail."""
    return f"{current_app.config['BASE_URL']}/feedback/{make_token(invitation)}"


def invitation_for_token(token: str) -> FeedbackInvitation:
    """The invitation a token names; 404 for anything tampered, unknown or revoked."""
    invalid = NotFound(_l("This feedback link is not valid. Check that you copied the whole link from the "
                          "email, or contact the meeting organiser."), code="invalid_link")
    try:
        data = _serializer().loads(token)
    except BadSignature:
        raise invalid from None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("s"), str):
        raise invalid
    invitation = db.session.scalar(
        select(FeedbackInvitation)
        .options(joinedload(FeedbackInvitation.occurrence).joinedload(MeetingOccurrence.series),
                 joinedload(FeedbackInvitation.form), joinedload(FeedbackInvitation.registration))
        .where(FeedbackInvitation.id == data["i"]))
    if invitation is None or not hmac.compare_digest(invitation.secret.encode(), data["s"].encode()):
        raise invalid
    return invitation


def is_closed(invitation: FeedbackInvitation, now: datetime) -> bool:
    """True once the form no longer accepts answers for this invitation."""
    return now >= invitation.closes_at


# --------------------------------------------------------------------------- delivery

def eligible_registration_clause():
    """Who is invited: confirmed registrants who were not marked absent, or anyone marked present."""
    return and_(Registration.anonymised_at.is_(None), or_(
        and_(Registration.status == "confirmed",
             or_(Registration.attendance.is_(None), Registration.attendance != "no_show")),
        Registration.attendance == "present"))


@dataclass
class SendResult:
    """What one send run did."""

    invitations: int = 0
    reminders: int = 0
    occurrences: int = 0


def _mail_context(invitation_id: int, secret: str, locale: str, closes_at: datetime,
                  occurrence: MeetingOccurrence, series: MeetingSeries, registration: Registration) -> dict[str, Any]:
    lang = locale if locale in LANGUAGES else "fi"
    token = _serializer().dumps({"i": invitation_id, "s": secret})
    return {"name": registration.name, "title": getattr(series, f"title_{lang}", None) or series.title_fi,
            "starts_at": occurrence.starts_at, "closes_at": closes_at,
            "link": f"{current_app.config['BASE_URL']}/feedback/{token}", "lang": lang}


def send_due(now: datetime | None = None) -> SendResult:
    """Invite everyone due and remind those who have not answered; safe to run concurrently.

    Invitations are claimed by inserting them with ``ON CONFLICT DO NOTHING`` on the unique
    (occurrence, registration) pair, and the mail is written to the outbox in the same
    transaction: whoever inserted the row sends the mail, a concurrent run gets nothing back.
    Reminders are claimed with ``UPDATE ... WHERE reminded_at IS NULL`` (row count 1 = ours).
    """
    now = now or utcnow()
    result = SendResult()
    _send_invitations(now, result)
    _send_reminders(now, result)
    return result


def _due_occurrence_ids(now: datetime) -> list[int]:
    pending_registration = (
        select(Registration.id)
        .where(Registration.occurrence_id == MeetingOccurrence.id, eligible_registration_clause(),
               ~exists().where(FeedbackInvitation.occurrence_id == MeetingOccurrence.id,
                               FeedbackInvitation.registration_id == Registration.id))
        .exists())
    return list(db.session.scalars(
        select(MeetingOccurrence.id)
        .join(MeetingSeries, MeetingSeries.id == MeetingOccurrence.series_id)
        .outerjoin(FeedbackForm, FeedbackForm.series_id == MeetingSeries.id)
        .where(MeetingOccurrence.status == "scheduled", MeetingSeries.status != "cancelled",
               MeetingOccurrence.ends_at <= now,
               MeetingOccurrence.ends_at > now - timedelta(days=SEND_LOOKBACK_DAYS),
               or_(FeedbackForm.id.is_(None), FeedbackForm.enabled.is_(True)),
               pending_registration)
        .order_by(MeetingOccurrence.ends_at, MeetingOccurrence.id)))


def _send_invitations(now: datetime, result: SendResult) -> None:
    occurrence_ids = _due_occurrence_ids(now)
    db.session.commit()  # end the read; each occurrence gets its own short transaction
    for occurrence_id in occurrence_ids:
        occurrence = db.session.get(MeetingOccurrence, occurrence_id)
        series = occurrence.series
        form = ensure_form(series)
        closes_at = occurrence.ends_at + timedelta(days=form.open_days)
        if not form.enabled or now < occurrence.ends_at + timedelta(hours=form.send_after_hours) or now >= closes_at:
            db.session.commit()
            continue
        registrations = db.session.scalars(
            select(Registration).where(
                Registration.occurrence_id == occurrence.id, eligible_registration_clause(),
                ~exists().where(FeedbackInvitation.occurrence_id == occurrence.id,
                                FeedbackInvitation.registration_id == Registration.id))
            .order_by(Registration.id)).all()
        sent_here = 0
        for registration in registrations:
            locale = registration.locale if registration.locale in LANGUAGES else "fi"
            secret = secrets.token_hex(16)  # 128 bits
            statement = (_insert(FeedbackInvitation)
                         .values(occurrence_id=occurrence.id, registration_id=registration.id, form_id=form.id,
                                 secret=secret, locale=locale, sent_at=now, closes_at=closes_at, created_at=now)
                         .on_conflict_do_nothing(index_elements=["occurrence_id", "registration_id"])
                         .returning(FeedbackInvitation.id))
            invitation_id = db.session.execute(statement).scalar()
            if invitation_id is None:
                continue  # another run invited this person
            enqueue(registration.email, "feedback_invitation", locale=locale, reminder=False,
                    **_mail_context(invitation_id, secret, locale, closes_at, occurrence, series, registration))
            sent_here += 1
        db.session.commit()
        if sent_here:
            result.occurrences += 1
            result.invitations += sent_here


def _send_reminders(now: datetime, result: SendResult) -> None:
    candidates = db.session.execute(
        select(FeedbackInvitation.id, FeedbackInvitation.sent_at, FeedbackForm.remind_after_days)
        .join(FeedbackForm, FeedbackForm.id == FeedbackInvitation.form_id)
        .where(FeedbackInvitation.responded_at.is_(None), FeedbackInvitation.reminded_at.is_(None),
               FeedbackInvitation.sent_at.is_not(None), FeedbackInvitation.closes_at > now,
               FeedbackForm.enabled.is_(True))
        .order_by(FeedbackInvitation.id)).all()
    db.session.commit()
    for invitation_id, sent_at, remind_after_days in candidates:
        if now < sent_at + timedelta(days=remind_after_days):
            continue
        claimed = db.session.execute(
            update(FeedbackInvitation)
            .where(FeedbackInvitation.id == invitation_id, FeedbackInvitation.reminded_at.is_(None),
                   FeedbackInvitation.responded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        invitation = db.session.get(FeedbackInvitation, invitation_id)
        registration = invitation.registration
        occurrence = invitation.occurrence
        enqueue(registration.email, "feedback_invitation", locale=invitation.locale, reminder=True,
                **_mail_context(invitation.id, invitation.secret, invitation.locale, invitation.closes_at,
                                occurrence, occurrence.series, registration))
        db.session.commit()
        result.reminders += 1


# --------------------------------------------------------------------------- answering

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


# --------------------------------------------------------------------------- staff views of the state

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


# --------------------------------------------------------------------------- aggregation

def _choice_elements():
    """A table-valued function over ``feedback_answers.choices`` (json_each / json_array_elements_text)."""
    if db.engine.dialect.name == "postgresql":
        return func.json_array_elements_text(FeedbackAnswer.choices).table_valued("value").lateral("choice")
    return func.json_each(FeedbackAnswer.choices).table_valued("value").alias("choice")


def _response_filter(form_ids: list[int] | None, occurrence_id: int | None, start: datetime | None,
                     end: datetime | None):
    conditions = []
    if form_ids is not None:
        conditions.append(FeedbackResponse.form_id.in_(form_ids))
    if occurrence_id is not None:
        conditions.append(FeedbackResponse.occurrence_id == occurrence_id)
    if start is not None or end is not None:
        occ = select(MeetingOccurrence.id)
        if start is not None:
            occ = occ.where(MeetingOccurrence.starts_at >= start)
        if end is not None:
            occ = occ.where(MeetingOccurrence.starts_at < end)
        conditions.append(FeedbackResponse.occurrence_id.in_(occ.scalar_subquery()))
    return and_(true(), *conditions)


def aggregate_form(form: FeedbackForm, *, occurrence_id: int | None = None, start: datetime | None = None,
                   end: datetime | None = None, lang: str = "fi") -> dict[str, Any]:
    """Answers per question aggregated in SQL: counts, rating averages and distributions, option counts.

    Free texts are included only with at least ``MIN_RESPONDENTS_FOR_TEXTS`` respondents.
    A fixed number of queries whatever the amount of data.
    """
    questions = list(db.session.scalars(select(FeedbackQuestion).where(FeedbackQuestion.form_id == form.id)
                                        .order_by(FeedbackQuestion.position, FeedbackQuestion.id)))
    where = _response_filter([form.id], occurrence_id, start, end)
    respondents = db.session.scalar(select(func.count(FeedbackResponse.id)).where(where)) or 0
    answered = dict(db.session.execute(
        select(FeedbackAnswer.question_id, func.count(FeedbackAnswer.id))
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(where).group_by(FeedbackAnswer.question_id)).all())
    ratings: dict[int, dict[int, int]] = {}
    for question_id, rating, count in db.session.execute(
            select(FeedbackAnswer.question_id, FeedbackAnswer.rating, func.count(FeedbackAnswer.id))
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .where(where, FeedbackAnswer.rating.is_not(None))
            .group_by(FeedbackAnswer.question_id, FeedbackAnswer.rating)):
        ratings.setdefault(question_id, {})[rating] = count
    choice = _choice_elements()
    option_counts: dict[int, dict[str, int]] = {}
    for question_id, key, count in db.session.execute(
            select(FeedbackAnswer.question_id, choice.c.value, func.count())
            .select_from(FeedbackAnswer)
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .join(choice, true())
            .where(where, FeedbackAnswer.choices.is_not(None))
            .group_by(FeedbackAnswer.question_id, choice.c.value)):
        option_counts.setdefault(question_id, {})[str(key)] = count
    texts: dict[int, list[str]] = {}
    show_texts = disclosure.may_show(respondents)
    if show_texts:
        for question_id, text in db.session.execute(
                select(FeedbackAnswer.question_id, FeedbackAnswer.text)
                .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
                .where(where, FeedbackAnswer.text.is_not(None))
                .order_by(FeedbackAnswer.question_id, FeedbackResponse.submitted_at, FeedbackAnswer.id)):
            texts.setdefault(question_id, []).append(text)
    theme_options = active_theme_options() if any(q.options_from_themes for q in questions) else None
    result_questions = []
    for question in questions:
        item: dict[str, Any] = {
            "id": question.id, "key": question.key, "kind": question.kind, "position": question.position,
            "text": question.text(lang), "theme_id": question.theme_id, "answered": answered.get(question.id, 0),
            "average": None, "distribution": None, "options": None, "texts": None}
        if question.kind == "rating":
            dist = {str(n): ratings.get(question.id, {}).get(n, 0) for n in range(RATING_MIN, RATING_MAX + 1)}
            total = sum(dist.values())
            item["distribution"] = dist
            item["average"] = round(sum(int(k) * v for k, v in dist.items()) / total, 2) if total else None
        elif question.kind in ("single", "multiple"):
            counts = option_counts.get(question.id, {})
            options = effective_options(question, theme_options)
            known = {o["key"] for o in options}
            # Options removed (or themes retired) after people chose them still count.
            options = options + [{"key": k} for k in sorted(counts) if k not in known]
            item["options"] = [{"key": o["key"], "label": option_label(o, lang), "count": counts.get(o["key"], 0)}
                               for o in options]
        elif question.kind == "text":
            item["texts"] = texts.get(question.id, []) if show_texts else None
        result_questions.append(item)
    return {"form_id": form.id, "series_id": form.series_id, "anonymous": form.anonymous,
            "respondents": respondents, "texts_shown": show_texts,
            "min_respondents_for_texts": MIN_RESPONDENTS_FOR_TEXTS, "questions": result_questions}


def rating_averages_by_key(*, start: datetime | None = None, end: datetime | None = None) -> list[dict[str, Any]]:
    """Across all series: answers and average per template question key (for the cooperation report).

    Only questions with a ``key`` (those from the default template) are comparable across series.
    One query.
    """
    where = _response_filter(None, None, start, end)
    rows = db.session.execute(
        select(FeedbackQuestion.key, func.count(FeedbackAnswer.id), func.avg(FeedbackAnswer.rating))
        .join(FeedbackAnswer, FeedbackAnswer.question_id == FeedbackQuestion.id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(where, FeedbackQuestion.key.is_not(None), FeedbackQuestion.kind == "rating",
               FeedbackAnswer.rating.is_not(None))
        .group_by(FeedbackQuestion.key).order_by(FeedbackQuestion.key)).all()
    return [{"key": key, "answers": count, "average": round(float(avg), 2) if avg is not None else None}
            for key, count, avg in rows]


def response_rate(*, start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """Invitations sent and answered for occurrences starting in [start, end). One query."""
    occ = select(MeetingOccurrence.id)
    if start is not None:
        occ = occ.where(MeetingOccurrence.starts_at >= start)
    if end is not None:
        occ = occ.where(MeetingOccurrence.starts_at < end)
    invited, answered = db.session.execute(
        select(func.count(FeedbackInvitation.id), func.count(FeedbackInvitation.responded_at))
        .where(FeedbackInvitation.occurrence_id.in_(occ.scalar_subquery()))).one()
    return {"invited": invited, "answered": answered,
            "rate": round(answered / invited, 3) if invited else None}


def rating_averages_by_theme(*, start: datetime | None = None, end: datetime | None = None) -> list[dict[str, Any]]:
    """Across all series: rating answers and average per cooperation theme linked to questions. One query."""
    where = _response_filter(None, None, start, end)
    rows = db.session.execute(
        select(FeedbackQuestion.theme_id, func.count(FeedbackAnswer.id), func.avg(FeedbackAnswer.rating))
        .join(FeedbackAnswer, FeedbackAnswer.question_id == FeedbackQuestion.id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(where, FeedbackQuestion.theme_id.is_not(None), FeedbackAnswer.rating.is_not(None))
        .group_by(FeedbackQuestion.theme_id).order_by(FeedbackQuestion.theme_id)).all()
    return [{"theme_id": theme_id, "answers": count, "average": round(float(avg), 2) if avg is not None else None}
            for theme_id, count, avg in rows]


def theme_wishes(*, start: datetime | None = None, end: datetime | None = None) -> dict[str, int]:
    """Across all series: how often each theme key was chosen in "themes to continue" questions
    (those whose options follow the meeting themes). One query."""
    where = _response_filter(None, None, start, end)
    choice = _choice_elements()
    rows = db.session.execute(
        select(choice.c.value, func.count())
        .select_from(FeedbackAnswer)
        .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackAnswer.question_id)
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .join(choice, true())
        .where(where, FeedbackQuestion.options_from_themes.is_(True), FeedbackAnswer.choices.is_not(None))
        .group_by(choice.c.value))
    return {str(key): count for key, count in rows}
