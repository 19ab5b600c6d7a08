"""The reminder and materialise commands (idempotent), GDPR export and erasure, retention, and the
cooperation report's guidance figures with the k ≥ 5 rule."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.extensions import db
from app.guidance.models import GuidanceAppointment, GuidanceWindow
from app.mail.models import OutboxMessage
from app.privacy import services as privacy
from app.reports.guidance import guidance_figures
from app.reports.services import cooperation_report

HEL = ZoneInfo("Europe/Helsinki")


def _reminders(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.recipient).where(
            OutboxMessage.kind == "guidance_reminder")))


def test_remind_command_sends_each_reminder_once_and_again_after_a_move(app, make, runner):
    hour = make.guidance_hour()
    first = make.guidance_windows(hour)[0]
    row = make.appointment(hour)
    early = (first.starts_at - timedelta(hours=30)).isoformat()
    due = (first.starts_at - timedelta(hours=2)).isoformat()
    assert runner.invoke(args=["guidance", "remind", "--now", early]).output.strip() == "reminders 0"
    assert runner.invoke(args=["guidance", "remind", "--now", due]).output.strip() == "reminders 1"
    assert runner.invoke(args=["guidance", "remind", "--now", due]).output.strip() == "reminders 0"
    assert _reminders(app) == [row.email]
    # A moved appointment gets a reminder for its new time.
    from app.guidance.services import appointments

    with app.app_context():
        appointment = db.session.get(GuidanceAppointment, row.id)
        appointments.move(appointment, first.starts_at + timedelta(minutes=30), by_token=True,
                          now=first.starts_at - timedelta(days=3))
        db.session.commit()
    assert runner.invoke(args=["guidance", "remind", "--now", due]).output.strip() == "reminders 1"
    result = runner.invoke(args=["guidance", "remind", "--now", "yesterday"])
    assert result.exit_code != 0 and "ISO 8601" in result.output


def test_no_reminder_when_turned_off(app, make, runner):
    hour = make.guidance_hour(reminder_hours_before=None)
    first = make.guidance_windows(hour)[0]
    make.appointment(hour)
    due = (first.starts_at - timedelta(hours=2)).isoformat()
    assert runner.invoke(args=["guidance", "remind", "--now", due]).output.strip() == "reminders 0"


def test_materialise_extends_an_open_ended_rule_idempotently(app, make, runner):
    hour = make.guidance_hour(rrule="FREQ=WEEKLY")
    with app.app_context():
        db.session.execute(db.delete(GuidanceWindow).where(GuidanceWindow.guidance_hour_id == hour.id,
                                                           GuidanceWindow.starts_at > datetime.now(timezone.utc)
                                                           + timedelta(days=20)))
        db.session.commit()
    out = runner.invoke(args=["guidance", "materialise"]).output
    assert out.startswith("dates ") and not out.startswith("dates 0")
    assert runner.invoke(args=["guidance", "materialise"]).output.strip() == "dates 0, space not booked 0"
    with app.app_context():
        starts = list(db.session.scalars(select(GuidanceWindow.starts_at).where(
            GuidanceWindow.guidance_hour_id == hour.id).order_by(GuidanceWindow.starts_at)))
    assert all((b - a) == timedelta(days=7) or (b - a) in (timedelta(days=7, hours=1), timedelta(days=6, hours=23))
               for a, b in zip(starts, starts[1:]))


def test_gdpr_export_and_erase(app, make):
    hour = make.guidance_hour()
    windows = make.guidance_windows(hour)
    upcoming = make.appointment(hour, email="erase.me@example.org", name="Erkki Poistettava", question="Q1")
    past = make.appointment(hour, start=windows[1].starts_at, email="erase.me@example.org", name="Erkki")
    with app.app_context():
        db.session.get(GuidanceAppointment, past.id).starts_at  # noqa: B018
        exported = privacy.export_person("erase.me@example.org")
        text = str(exported)
        assert "Erkki Poistettava" in text and "Q1" in text
        privacy.erase_person("erase.me@example.org", actor=None, now=datetime.now(timezone.utc))
        db.session.commit()
        rows = db.session.scalars(select(GuidanceAppointment).order_by(GuidanceAppointment.id)).all()
        assert all(r.name == "" and r.question is None and r.manage_secret == "" and r.anonymised_at for r in rows)
        assert db.session.get(GuidanceAppointment, upcoming.id).status == "cancelled"  # the slot is free
        assert privacy.export_person("erase.me@example.org")["guidance_appointments"] == []


def test_retention_anonymises_old_appointments(app, make, runner):
    hour = make.guidance_hour()
    row = make.appointment(hour, name="Vanha Varaaja")
    later = (row.ends_at + timedelta(days=31)).isoformat()
    result = runner.invoke(args=["privacy", "anonymise", "--now", later])
    assert "1 guidance appointment(s) anonymised" in result.output
    with app.app_context():
        assert db.session.get(GuidanceAppointment, row.id).name == ""


def _report_data(app, make):
    theme_id = make.theme(key="grant-guidance", name_fi="Avustusneuvonta", name_sv="Bidrag", name_en="Grants").id
    big = make.organization(name="Iso Yhdistys ry", district="eastern")
    small = make.organization(name="Pieni Kerho ry", district="eastern")
    hour = make.guidance_hour(rrule="FREQ=WEEKLY;COUNT=2", theme_id=theme_id)
    windows = make.guidance_windows(hour)
    starts = [w.starts_at + timedelta(minutes=30 * k) for w in windows for k in range(4)]
    for start in starts[:6]:
        make.appointment(hour, start=start, organization_id=big.id)
    make.appointment(hour, start=starts[6], organization_id=small.id)
    make.appointment(hour, start=starts[7], organization_id=small.id, status="cancelled")
    return theme_id, windows


def test_report_counts_guidance_by_organisation_district_and_theme_with_k5(app, make):
    theme_id, windows = _report_data(app, make)
    start, end = windows[0].starts_at - timedelta(days=1), windows[-1].ends_at + timedelta(days=1)
    with app.app_context():
        now = windows[0].ends_at  # the first window has been given, the second is ahead
        figures = guidance_figures(db.session, start, end, now, minimum=5)
    assert (figures.appointments, figures.given, figures.upcoming, figures.cancelled) == (7, 4, 3, 1)
    assert figures.organisations == 2
    # "Iso Yhdistys" (6) is shown; "Pieni Kerho" (1) is folded into the smaller groups, its count withheld.
    assert [(r.name, r.appointments) for r in figures.by_organisation.rows] == [("Iso Yhdistys ry", 6)]
    assert figures.by_organisation.smaller_groups == 1 and figures.by_organisation.smaller_appointments is None
    assert [(r.key, r.appointments) for r in figures.by_district.rows] == [("eastern", 7)]
    assert [(r.key, r.appointments) for r in figures.by_theme.rows] == [(theme_id, 7)]


def test_report_includes_guidance_with_a_constant_number_of_queries(app, make, count_queries):
    _theme_id, windows = _report_data(app, make)
    day = windows[0].starts_at.astimezone(HEL).date()
    with app.app_context():
        report = cooperation_report(db.session, date(day.year, 1, 1), date(day.year + 1, 12, 31))
        assert report.guidance.appointments == 7
        assert cooperation_report(db.session, day, day, series_id=1).guidance is None
        db.session.rollback()
    for _n in range(3):
        make.appointment(make.guidance_hour(), organization_id=make.organization().id)
    with app.app_context():
        with count_queries() as counter:
            cooperation_report(db.session, date(day.year, 1, 1), date(day.year + 1, 12, 31))
        assert sum(1 for s in counter.statements if not s.lstrip().upper().startswith("BEGIN")) == 15  # 10 + 3 outcomes + 2 guidance


def test_report_page_and_api_show_guidance(app, client, make, login):
    _report_data(app, make)
    staff = make.user("staff")
    login(staff)
    period = f"from={date.today().year}-01-01&to={date.today().year + 1}-12-31"
    page = client.get(f"/reports/cooperation?lang=en&{period}").get_data(as_text=True)
    assert "Guidance by organisation" in page and "Iso Yhdistys ry" in page and "Pieni Kerho ry" not in page
    api = client.get(f"/api/v1/reports/cooperation?{period}",
                     headers=make.auth("staff")).json
    assert api["guidance"]["appointments"] == 7
    assert client.get(f"/reports/cooperation.csv?{period}&table=guidance_districts").status_code == 200
