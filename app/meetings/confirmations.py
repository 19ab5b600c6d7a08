"""What the confirmation page of cancelling a whole meeting series says (app/core/confirm.py)."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.core.confirm import Confirmation
from app.core.i18n import localized
from app.extensions import db
from app.meetings.models import MeetingOccurrence, MeetingSeries, Registration
from app.meetings.statuses import OccurrenceStatus, RegistrationStatus, SeriesStatus


def cancel_series(series: MeetingSeries, now: datetime) -> Confirmation:
    """Lists the upcoming dates that are cancelled and how many registrants are told."""
    from app.spaces.views import timespan

    upcoming = list(db.session.scalars(select(MeetingOccurrence).where(
        MeetingOccurrence.series_id == series.id, MeetingOccurrence.status == OccurrenceStatus.SCHEDULED,
        MeetingOccurrence.starts_at > now).order_by(MeetingOccurrence.starts_at)))
    registrants = db.session.scalar(select(func.count(Registration.id)).where(
        Registration.occurrence_id.in_([o.id for o in upcoming]), Registration.status != RegistrationStatus.CANCELLED)) or 0
    consequences = [ngettext("%(num)d upcoming date is cancelled.", "%(num)d upcoming dates are cancelled.",
                             len(upcoming)),
                    ngettext("%(num)d registrant gets an email about the cancellation.",
                             "%(num)d registrants get an email about the cancellation.", registrants)]
    if series.space_id:
        consequences.append(_("The space bookings of those dates are freed."))
    return Confirmation(
        title=_("Cancel the whole series?"), action=url_for("meetings.set_status", series_id=series.id),
        back=url_for("meetings.manage_detail", series_id=series.id), button=_("Cancel the whole series"),
        facts=[(_("Series"), localized(series, "title"))], consequences=consequences,
        items=[timespan(o.starts_at, o.ends_at) for o in upcoming[:60]], items_heading=_("Dates that are cancelled"),
        fields={"status": SeriesStatus.CANCELLED.value}, back_label=_("Keep the series"))
