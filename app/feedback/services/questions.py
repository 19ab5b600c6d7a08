"""The questions of a feedback form and their options (staff edit them; participants see them)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from app.core.audit import audit
from app.core.i18n import LANGUAGES
from app.errors import ValidationError
from app.extensions import db
from app.feedback.models import (QUESTION_KINDS, FeedbackAnswer, FeedbackForm,
                                 FeedbackQuestion)
from app.meetings.models import MeetingTheme


OPTION_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


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
