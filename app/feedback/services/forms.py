"""Feedback forms of a series: created from the default template, and their settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.audit import audit
from app.core.i18n import LANGUAGES
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.feedback.models import (FeedbackForm,
                                 FeedbackInvitation, FeedbackQuestion, FeedbackResponse)
from app.feedback.template import DEFAULT_INTRO, DEFAULT_QUESTIONS, FALLBACK_THEME_OPTIONS
from app.meetings.models import MeetingOccurrence, MeetingSeries


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


def load_form(form_id: int) -> FeedbackForm:
    """A form with its questions (one extra query)."""
    form = db.session.scalar(select(FeedbackForm).options(selectinload(FeedbackForm.questions))
                             .where(FeedbackForm.id == form_id).execution_options(populate_existing=True))
    if form is None:
        raise NotFound(_l("The feedback form was not found."))
    return form
