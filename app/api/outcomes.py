"""/api/v1 outcomes ("what came of it", CONTRACT.md "Outcomes")."""
from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import schemas
from app.api.core import endpoint
from app.core.i18n import LANGUAGES
from app.errors import NotFound
from app.extensions import db
from app.outcomes import services
from app.outcomes.models import Outcome, OutcomeFollower, outcome_themes
from app.core.personal_data import iso
from app.outcomes.statuses import OutcomeStatus

Status = Literal[tuple(s.value for s in OutcomeStatus)]  # the stored values, as in openapi.json


class Title(schemas.ApiModel):
    fi: str = Field(min_length=1, max_length=services.MAX_TITLE, json_schema_extra={"pattern": r"\S"})
    sv: str | None = Field(default=None, max_length=services.MAX_TITLE)
    en: str | None = Field(default=None, max_length=services.MAX_TITLE)


class Text(schemas.ApiModel):
    fi: str | None = Field(default=None, max_length=services.MAX_TEXT)
    sv: str | None = Field(default=None, max_length=services.MAX_TEXT)
    en: str | None = Field(default=None, max_length=services.MAX_TEXT)


class Note(schemas.ApiModel):
    fi: str = Field(min_length=1, max_length=services.MAX_TEXT, json_schema_extra={"pattern": r"\S"})
    sv: str | None = Field(default=None, max_length=services.MAX_TEXT)
    en: str | None = Field(default=None, max_length=services.MAX_TEXT)


class OutcomeIn(schemas.ApiModel):
    title: Title
    description: Text | None = None
    status: Status = OutcomeStatus.OPEN.value
    topic_ids: list[int] = Field(default_factory=list, max_length=500)
    occurrence_ids: list[int] = Field(default_factory=list, max_length=500)
    theme_ids: list[int] = Field(default_factory=list, max_length=100)
    note: Note | None = Field(default=None, description="A first timeline note")


class OutcomePatch(schemas.ApiModel):
    status: Status | None = Field(default=None, description="A new status adds a timeline entry and mails followers")
    note: Note | None = Field(default=None, description="A note adds a timeline entry and mails followers")
    title: Title | None = None
    description: Text | None = None
    topic_ids: list[int] | None = Field(default=None, max_length=500)
    occurrence_ids: list[int] | None = Field(default=None, max_length=500)
    theme_ids: list[int] | None = Field(default=None, max_length=100)


class OutcomeQuery(schemas.ApiModel):
    status: Status | None = None
    theme: int | None = Field(default=None, description="Theme id")


class TimelineEntry(BaseModel):
    at: str
    status: Status | None
    note: dict[str, str | None] | None


class OutcomeOut(BaseModel):
    id: int
    title: dict[str, str | None]
    description: dict[str, str | None]
    status: Status
    created_at: str
    updated_at: str
    timeline: list[TimelineEntry]
    topics: list[dict[str, Any]]
    occurrences: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    followers_count: int


def _texts(obj: Any, field: str) -> dict[str, str | None]:
    return {lang: getattr(obj, f"{field}_{lang}", None) for lang in LANGUAGES}


def outcome_json(outcome: Outcome, followers: int) -> dict[str, Any]:
    return {
        "id": outcome.id, "title": _texts(outcome, "title"), "description": _texts(outcome, "description"),
        "status": outcome.status, "created_at": iso(outcome.created_at), "updated_at": iso(outcome.updated_at),
        "timeline": [{"at": iso(e.at), "status": e.status, "note": _texts(e, "note") if e.note_fi else None}
                     for e in outcome.events],
        "topics": [{"id": t.id, "title": t.title, "status": t.status, "occurrence_id": t.occurrence_id}
                   for t in outcome.topics],
        "occurrences": [{"id": o.id, "series_id": o.series_id, "start": iso(o.starts_at)} for o in outcome.occurrences],
        "themes": [{"id": t.id, "key": t.key, "name": _texts(t, "name")} for t in outcome.themes],
        "followers_count": followers}


def _get(outcome_id: int) -> Outcome:
    outcome = services.load_outcome(outcome_id)
    if outcome is None:
        raise NotFound(_l("The outcome was not found."))
    return outcome


def _texts_in(model: BaseModel | None) -> dict[str, str | None] | None:
    return model.model_dump() if model is not None else None


@endpoint("/outcomes", "POST", summary="Record an outcome", tag="outcomes", role="staff", body=OutcomeIn,
          responses={201: OutcomeOut, 422: schemas.Error})
def create_outcome(user, data: OutcomeIn):
    outcome = services.create_outcome(services.OutcomeData(
        title=data.title.model_dump(), description=_texts_in(data.description), status=data.status,
        topic_ids=data.topic_ids, occurrence_ids=data.occurrence_ids, theme_ids=data.theme_ids,
        note=_texts_in(data.note)), actor=user)
    db.session.flush()
    return outcome_json(_get(outcome.id), services.followers_count(outcome.id)), 201


@endpoint("/outcomes/<int:outcome_id>", "PATCH", summary="Change an outcome; a new status or note mails followers",
          tag="outcomes", role="staff", body=OutcomePatch,
          responses={200: OutcomeOut, 404: schemas.Error, 422: schemas.Error})
def patch_outcome(user, outcome_id: int, data: OutcomePatch):
    outcome = _get(outcome_id)
    services.update_outcome(outcome, services.OutcomeData(
        title=_texts_in(data.title), description=_texts_in(data.description), status=data.status,
        topic_ids=data.topic_ids, occurrence_ids=data.occurrence_ids, theme_ids=data.theme_ids,
        note=_texts_in(data.note)), actor=user)
    db.session.flush()
    db.session.expire(outcome)
    return outcome_json(_get(outcome_id), services.followers_count(outcome_id))


@endpoint("/outcomes", "GET", summary="Outcomes (what came of it)", tag="outcomes", query=OutcomeQuery,
          responses={200: list[OutcomeOut], 422: schemas.Error})
def list_outcomes(user, params: OutcomeQuery):
    query = (select(Outcome).options(selectinload(Outcome.topics), selectinload(Outcome.occurrences),
                                     selectinload(Outcome.themes), selectinload(Outcome.events))
             .order_by(Outcome.updated_at.desc(), Outcome.id.desc()))
    if params.status:
        query = query.where(Outcome.status == params.status)
    if params.theme is not None:
        query = query.where(Outcome.id.in_(select(outcome_themes.c.outcome_id)
                                           .where(outcome_themes.c.theme_id == params.theme)))
    outcomes = list(db.session.scalars(query))
    counts = dict(db.session.execute(
        select(OutcomeFollower.outcome_id, db.func.count(OutcomeFollower.id))
        .where(OutcomeFollower.unfollowed_at.is_(None), OutcomeFollower.outcome_id.in_([o.id for o in outcomes] or [0]))
        .group_by(OutcomeFollower.outcome_id)).all())
    return [outcome_json(o, counts.get(o.id, 0)) for o in outcomes]


@endpoint("/outcomes/<int:outcome_id>", "GET", summary="One outcome with its timeline", tag="outcomes",
          responses={200: OutcomeOut, 404: schemas.Error})
def get_outcome(user, outcome_id: int):
    outcome = _get(outcome_id)
    return outcome_json(outcome, services.followers_count(outcome.id))


@endpoint("/outcomes/<int:outcome_id>/followers", "POST", summary="Follow an outcome (idempotent)",
          tag="outcomes", role="ngo", responses={204: None, 404: schemas.Error})
def follow_outcome(user, outcome_id: int):
    services.follow(_get(outcome_id), actor=user)
    return None, 204


@endpoint("/outcomes/<int:outcome_id>/followers", "DELETE", summary="Stop following an outcome (idempotent)",
          tag="outcomes", role="ngo", responses={204: None, 404: schemas.Error})
def unfollow_outcome(user, outcome_id: int):
    services.unfollow(_get(outcome_id), actor=user)
    return None, 204
