"""Hand-made data for the cooperation report tests, with the figures worked out by hand.

Period 2026-01-01 … 2026-03-31 (Helsinki dates); ``NOW`` is after it, so every scheduled
occurrence in it has been held.

    S0 (theme A)  2025-12-10  outside the period: X confirmed+present (so X is not new)
    S1 (theme A)  2026-01-13  X 2 seats present, Y 1 no-show, anonymous 1 (unmarked, anonymised),
                              Y waitlisted, W cancelled
                  2026-02-13  Y 1 present
                  2026-03-13  nobody
    S2 (theme B)  2026-02-20  Z 3 seats present
                  2026-02-27  occurrence cancelled; Z's registration cancelled
    S3 (no theme) 2026-04-10  outside the period: W confirmed
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from app.extensions import db
from app.meetings.models import MeetingOccurrence

PERIOD = (date(2026, 1, 1), date(2026, 3, 31))
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


@dataclass
class Dataset:
    theme_a: int
    theme_b: int
    s0: int
    s1: int
    s2: int
    s3: int
    s1_feb: int  # the February occurrence of S1
    orgs: dict


def cancel_occurrence(app, occurrence_id: int) -> None:
    with app.app_context():
        db.session.get(MeetingOccurrence, occurrence_id).status = "cancelled"
        db.session.commit()


def build(app, make) -> Dataset:
    """Create the data described in the module docstring."""
    theme_a = make.theme(key="codev", name_fi="Yhteiskehittäminen", name_en="Yhteiskehittäminen").id
    theme_b = make.theme(key="spaces", name_fi="Asukastilat", name_en="Asukastilat").id
    x = make.organization(name="X ry", district="central")
    y = make.organization(name="Y ry", district="eastern")
    z = make.organization(name="Z ry", district=None)
    w = make.organization(name="W ry", district="eastern")

    s0 = make.series(start_local=datetime(2025, 12, 10, 17, 0), occurrences=1, themes=[theme_a])
    s1 = make.series(start_local=datetime(2026, 1, 13, 17, 0), rrule="FREQ=MONTHLY", occurrences=3, themes=[theme_a])
    s2 = make.series(start_local=datetime(2026, 2, 20, 17, 0), rrule="FREQ=WEEKLY", occurrences=2, themes=[theme_b])
    s3 = make.series(start_local=datetime(2026, 4, 10, 17, 0), occurrences=1)

    (o0,) = make.occurrences(s0)
    jan, feb, mar = make.occurrences(s1)
    feb20, feb27 = make.occurrences(s2)
    (apr,) = make.occurrences(s3)

    make.registration(o0, organization_id=x.id, attendance="present")
    make.registration(jan, seats=2, organization_id=x.id, attendance="present")
    make.registration(jan, organization_id=y.id, attendance="no_show")
    make.registration(jan, anonymised_at=NOW, name="", email="anonymised-1@invalid")
    make.registration(jan, status="waitlisted", organization_id=y.id)
    make.registration(jan, status="cancelled", organization_id=w.id)
    make.registration(feb, organization_id=y.id, attendance="present")
    make.registration(feb20, seats=3, organization_id=z.id, attendance="present")
    make.registration(feb27, status="cancelled", organization_id=z.id)
    cancel_occurrence(app, feb27.id)
    make.registration(apr, organization_id=w.id)
    return Dataset(theme_a=theme_a, theme_b=theme_b, s0=s0.id, s1=s1.id, s2=s2.id, s3=s3.id, s1_feb=feb.id,
                   orgs={"x": x.id, "y": y.id, "z": z.id, "w": w.id})


# --- feedback and topic proposals ------------------------------------------------------------

@dataclass
class FeedbackDataset:
    f1: int
    f2: int
    q_venue: int  # F1's own rating question (theme A), answered by 4: never broken down
    theme_a: int
    theme_b: int
    texts_a: list


def feedback_form(make, series_id: int, questions: list[dict]) -> list[int]:
    """A feedback form with exactly ``questions``: [form id, question ids…]."""
    form = make.feedback_form(series_id, questions=questions)
    return [form.id, *(q.id for q in make.questions(form))]


def respond(make, occurrence, form_id: int, answers: list[dict | None], *, sent: bool = True) -> None:
    """One registration + invitation per entry; ``None`` means invited but no answer."""
    ends = occurrence.ends_at
    for entry in answers:
        registration = make.registration(occurrence, attendance="present")
        invitation = make.feedback_invitation(registration, form=form_id, sent_at=ends if sent else None,
                                              closes_at=ends.replace(year=ends.year + 1))
        if entry is not None:
            make.feedback_response(invitation, entry, responded_at=ends, submitted_at=ends)


def build_feedback(app, make, theme_a: int, theme_b: int) -> FeedbackDataset:
    """F1 (theme A) 2026-03-05: 7 invited, 6 answered; F2 (theme B) 2026-03-10: 3 invited, 2 sent, 2 answered.

    usefulness (template key, both series): F1 5,4,4,3,5,2  F2 1,3  → 8 respondents, 27/8
    venue (F1 only, theme A): 5,5,4,4 → 4 respondents (suppressed)
    ideas (F1 text, theme A): 5 texts + 1 blank → shown;  F2 text (theme B): 1 → suppressed
    format (F1 single choice): live 4, online 2, hybrid 0 of 6;  F2 themes (multiple): 2 respondents → suppressed
    """
    f1 = make.series(start_local=datetime(2026, 3, 5, 17, 0), occurrences=1, title_fi="Palaute 1", themes=[theme_a])
    f2 = make.series(start_local=datetime(2026, 3, 10, 17, 0), occurrences=1, title_fi="Palaute 2", themes=[theme_b])
    form1, useful1, venue, ideas, fmt = feedback_form(make, f1.id, [
        {"kind": "rating", "key": "usefulness", "text_fi": "Hyödyllisyys", "text_en": "Usefulness"},
        {"kind": "rating", "text_fi": "Esteettömyys", "theme_id": theme_a},
        {"kind": "text", "key": "ideas", "text_fi": "Ideat", "theme_id": theme_a},
        {"kind": "single", "key": "format", "text_fi": "Muoto", "text_en": "Format",
         "options": [{"key": "live", "fi": "Paikan päällä", "en": "On site"},
                     {"key": "online", "fi": "Etänä", "en": "Online"},
                     {"key": "hybrid", "fi": "Hybridi", "en": "Hybrid"}]},
    ])
    form2, useful2, comments, topics = feedback_form(make, f2.id, [
        {"kind": "rating", "key": "usefulness", "text_fi": "Hyödyllisyys", "text_en": "Usefulness"},
        {"kind": "text", "text_fi": "Kommentit", "theme_id": theme_b},
        {"kind": "multiple", "text_fi": "Aiheet", "options_from_themes": True},
    ])
    texts_a = ["Hyvä tilaisuus", "Lisää aikaa keskustelulle", "=HYPERLINK(\"x\")", "Kiitos", "Tilat ok"]
    (o1,) = make.occurrences(f1)
    (o2,) = make.occurrences(f2)
    respond(make, o1, form1, [
        {useful1: 5, venue: 5, ideas: texts_a[0], fmt: ["live"]},
        {useful1: 4, venue: 5, ideas: texts_a[1], fmt: ["live"]},
        {useful1: 4, venue: 4, ideas: texts_a[2], fmt: ["online"]},
        {useful1: 3, venue: 4, ideas: texts_a[3], fmt: ["live"]},
        {useful1: 5, ideas: texts_a[4], fmt: ["online"]},
        {useful1: 2, ideas: "   ", fmt: ["live"]},
        None,
    ])
    respond(make, o2, form2, [{useful2: 1, comments: "Huono", topics: ["codev", "spaces"]},
                                    {useful2: 3, topics: ["spaces"]}])
    respond(make, o2, form2, [None], sent=False)
    return FeedbackDataset(f1=f1.id, f2=f2.id, q_venue=venue, theme_a=theme_a, theme_b=theme_b, texts_a=texts_a)


def build_proposals(app, make, ds: Dataset, fb: FeedbackDataset) -> None:
    """P1 S1 taken up (5 votes), P2 S1's February occurrence proposed (2), P3 F2 declined (0),
    P4 before the period, P5 S2 proposed (7)."""
    rows = [
        dict(title="Avustusneuvonta", series_id=ds.s1, status="taken_up", votes_count=5,
             created_at=datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)),
        dict(title="Tilavaraukset", occurrence_id=ds.s1_feb, status="proposed", votes_count=2,
             created_at=datetime(2026, 1, 20, 10, 0, tzinfo=timezone.utc)),
        dict(title="Hylätty aihe", series_id=fb.f2, status="declined", votes_count=0,
             created_at=datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)),
        dict(title="Vanha aihe", series_id=ds.s1, status="taken_up", votes_count=9,
             created_at=datetime(2025, 11, 1, 10, 0, tzinfo=timezone.utc)),
        dict(title="Suosittu aihe", series_id=ds.s2, status="proposed", votes_count=7,
             created_at=datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)),
    ]
    for row in rows:
        make.topic(**row)


def build_all(app, make):
    """Participation, feedback and proposals together (used by the page, export and API tests)."""
    ds = build(app, make)
    fb = build_feedback(app, make, ds.theme_a, ds.theme_b)
    build_proposals(app, make, ds, fb)
    return ds, fb
