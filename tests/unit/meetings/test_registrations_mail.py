"""Registration mail through a real SMTP server: confirmation with an iMIP REQUEST, cancellation
with CANCEL, promotion with REQUEST, waiting-list notice without an invitation."""
from __future__ import annotations

from app.mail import services as mail
from app.meetings import registrations as services
from app.meetings.models import MeetingOccurrence, Registration
from app.meetings.tokens import registration_from_token


def _parts(message):
    return {part.get_content_type(): part for part in message.iter_parts()}


def _register(ctx, occurrence, email, **raw):
    occ = ctx.get(MeetingOccurrence, occurrence.id)
    data = services.clean_registration_data(
        dict({"name": "Maija Meikäläinen", "email": email, "consent": True, "locale": "fi"}, **raw),
        series=occ.series)
    registration = services.register(occ, data)
    ctx.commit()
    return registration


def test_confirmation_carries_an_imip_request_and_the_manage_link(make, ctx, smtp_server):
    occurrence = make.occurrence(title_fi="Järjestöfoorumi", capacity=1)
    registration = _register(ctx, occurrence, "maija@example.org")
    assert mail.deliver_due() == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "maija@example.org" and "Järjestöfoorumi" in message["Subject"]
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    ics = calendar.get_content()
    assert "METHOD:REQUEST" in ics and "mailto:maija@example.org" in ics.replace("\r\n ", "").lower()
    assert "TZID=Europe/Helsinki" in ics
    text = parts["text/plain"].get_content()
    assert "17.00–19.00" in text  # Helsinki wall clock, Finnish format
    token = text.split("http://kohtaamo.test/registrations/manage/")[1].split()[0]
    assert registration_from_token(token).id == registration.id
    assert "/registrations/manage/" in parts["text/html"].get_content()


def test_waitlist_notice_then_promotion_invitation_and_cancel(make, ctx, smtp_server):
    occurrence = make.occurrence(capacity=1)
    first = _register(ctx, occurrence, "first@example.org")
    second = _register(ctx, occurrence, "second@example.org", locale="en")
    assert second.status == "waitlisted"
    services.cancel_registration(ctx.get(Registration, first.id), by_token=True)
    ctx.commit()
    assert mail.deliver_due() == (4, 0)
    messages = smtp_server.wait_for(4)
    first_mails = smtp_server.to("first@example.org")
    second_mails = smtp_server.to("second@example.org")
    assert len(messages) == 4 and len(first_mails) == 2 and len(second_mails) == 2
    waitlisted, promoted = second_mails
    assert "text/calendar" not in _parts(waitlisted) and "waiting list" in waitlisted["Subject"]
    assert _parts(promoted)["text/calendar"].get_param("method") == "REQUEST"
    cancelled = first_mails[1]
    calendar = _parts(cancelled)["text/calendar"]
    assert calendar.get_param("method") == "CANCEL" and "STATUS:CANCELLED" in calendar.get_content()
