"""Feedback rules: forms and questions, invitations and reminders, responses, aggregation.

Plain functions with explicit ``actor`` and ``now``; they flush and raise ``DomainError``s,
the caller commits (DESIGN.md). The send run commits itself, per occurrence, because it is a
batch job that several workers may run at once.

One module per job; this package re-exports them so callers keep ``services.submit_response``:

- ``forms``: a series' form (created from the default template) and its settings
- ``questions``: the form's questions and their options
- ``tokens``: the personal feedback link
- ``delivery``: the send run (invitations and reminders)
- ``answers``: checking and storing a participant's answers; who has answered
- ``aggregate``: the answers aggregated for the results page and the API
"""
from __future__ import annotations

from app.core.disclosure import MIN_RESPONDENTS
from app.feedback.services.aggregate import aggregate_form
from app.feedback.services.answers import (CleanAnswer, answers_as_raw, clean_answers, occurrence_status,
                                           response_for_invitation, submit_response)
from app.feedback.services.delivery import SEND_LOOKBACK_DAYS, SendResult, eligible_registration_clause, send_due
from app.feedback.services.forms import (FormSettings, ensure_form, form_for_series, load_form,
                                         update_form_settings)
from app.feedback.services.questions import (OPTION_KEY_RE, QuestionData, active_theme_options, add_question,
                                             answer_count, clean_question, delete_question, effective_options,
                                             move_question, option_label, options_as_text, parse_options_text,
                                             update_question)
from app.feedback.services.tokens import _serializer, feedback_link, invitation_for_token, is_closed, make_token

__all__ = [
    "MIN_RESPONDENTS", "aggregate_form", "CleanAnswer", "answers_as_raw", "clean_answers", "occurrence_status",
    "response_for_invitation", "submit_response", "SEND_LOOKBACK_DAYS", "SendResult",
    "eligible_registration_clause", "send_due", "FormSettings", "ensure_form", "form_for_series", "load_form",
    "update_form_settings", "OPTION_KEY_RE", "QuestionData", "active_theme_options", "add_question", "answer_count",
    "clean_question", "delete_question", "effective_options", "move_question", "option_label", "options_as_text",
    "parse_options_text", "update_question", "feedback_link", "invitation_for_token", "is_closed", "make_token",
    "_serializer",
]
