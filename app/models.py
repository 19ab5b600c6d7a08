"""Imports every model module so that metadata is complete (migrations, create_all)."""
from app.accounts.models import ApiToken, Organization, User  # noqa: F401
from app.core.audit import AuditEvent  # noqa: F401
from app.mail.models import OutboxMessage  # noqa: F401
from app.spaces.models import Booking, BookingRequest, Space, SpaceException  # noqa: F401
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration  # noqa: F401
from app.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackInvitation, FeedbackQuestion, FeedbackResponse, TopicProposal, TopicVote  # noqa: F401,E501
from app.guidance.models import GuidanceAdviserFeed, GuidanceAppointment, GuidanceHour, GuidanceWindow  # noqa: F401
