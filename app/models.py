"""Imports every model module so that metadata is complete (migrations, create_all)."""
from app.accounts.models import ApiToken, Organization, User  # noqa: F401
from app.core.audit import AuditEvent  # noqa: F401
from app.mail.models import OutboxMessage  # noqa: F401
from app.spaces.models import Booking, BookingRequest, Space, SpaceException  # noqa: F401
from app.meetings.models import MeetingOccurrence, MeetingSeries, MeetingTheme, Registration  # noqa: F401
from app.feedback.models import FeedbackAnswer, FeedbackForm, FeedbackInvitation, FeedbackQuestion, FeedbackResponse, TopicProposal, TopicVote  # noqa: F401,E501
from app.records.models import MeetingAttachment, MeetingRecord, RecordReminder  # noqa: F401
from app.outcomes.models import Outcome, OutcomeEvent, OutcomeFollower  # noqa: F401
from app.core.versions import ContentVersion  # noqa: F401,E402
from app.accounts import content as _accounts_content  # noqa: F401,E402  (what bumps "users", "organizations")
from app.meetings import content as _meetings_content  # noqa: F401,E402  (what bumps the "meetings" version)
from app.guidance.models import GuidanceAdviserFeed, GuidanceAppointment, GuidanceHour, GuidanceWindow  # noqa: F401
from app.accounts.oidc_models import UserIdentity  # noqa: F401,E402
from app.subscriptions.models import MeetingReminder, SeriesAnnouncement, Subscription, SubscriptionDigest, SubscriptionNotice  # noqa: F401,E501
from app.subscriptions import announcements as _subscription_announcements  # noqa: F401,E402  (series publication hook)
from app.accounts.membership_models import Membership, OrganizationProposal, PendingSignup  # noqa: F401,E402
