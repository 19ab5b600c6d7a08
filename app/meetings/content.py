"""What the meeting content versions cover (app.core.versions).

``meetings``: everything the meeting feeds and pages show — series, their dates, themes, the
resident spaces they are held in and the bookings of those spaces (whether a date's space is booked). ``seats``: free seats only (an occurrence's ``seats_taken``),
which the pages show and the feeds do not, so a registration leaves the feeds' caches alone.
A change to any of these rows bumps its counter in the same transaction.
"""
from app.core.versions import watch, watch_columns
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, series_themes
from app.spaces.models import Booking, Space

MEETINGS = "meetings"
SEATS = "seats"
PAGES = (MEETINGS, SEATS)  # what the public meeting pages show

# Bookings: a date whose space booking is cancelled stops naming the space (issue 17).
watch(MEETINGS, [MeetingSeries, MeetingOccurrence, MeetingTheme, series_themes, Space, Booking])
watch_columns(SEATS, MeetingOccurrence, ["seats_taken", "updated_at"])
