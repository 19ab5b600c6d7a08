"""THE AUTHORISATION TABLE: every endpoint of ``app.url_map`` with the least access it needs.

One line per endpoint name (``"endpoint"`` or, when methods differ, ``"endpoint:METHOD"``):

    "public"  anyone, also without logging in
    "token"   anyone holding the secret token in the URL (manage links, personal feeds,
              password reset); a tampered token must be refused (test_tokens_in_urls)
    "login"   any logged-in user (ngo, staff, admin)
    "org"     the NGO users of the organisation the URL points to (org A), and staff/admin
    "owner"   the user who owns the object in the URL (ngo A), and admin
    "staff"   staff and admin
    "admin"   admin only
    "api:public", "api:ngo", "api:staff", "api:admin"   the JSON API, Bearer token of that role
    "api:org"  an API endpoint declared role="ngo" that also checks the object: its owner (ngo A of
              org A), staff and admin; another NGO's user gets 403/404

tests/security/test_authz.py checks every endpoint × role (anonymous, ngo of org A, ngo of
org B, staff, admin) against this table. A route missing here fails the test with the line to
add; an entry without a route fails too. Path parameters come from ``PARAMS`` below (by name,
or ``"endpoint.param"`` for an endpoint-specific value), computed from the ``world`` fixture.
"""
from __future__ import annotations

from typing import Any, Callable

ROUTES: dict[str, str] = {
    # pages
    "pages.index": "public",
    "pages.accessibility": "public",
    "pages.privacy": "public",
    "pages.healthz": "public",
    "pages.favicon": "public",
    "pages.switch_language": "public",
    "static": "public",
    # accounts
    "accounts.login": "public",
    "accounts.logout": "public",
    "accounts.forgot_password": "public",
    "accounts.reset_password": "token",
    "accounts.profile": "login",
    "accounts.create_token": "login",
    "accounts.revoke_token": "owner",
    "accounts.set_language": "login",
    # sign-in with OpenID Connect (404 for a provider that is not configured)
    "oidc.start": "public",
    "oidc.callback": "public",
    # organisations
    "organizations.index": "staff",
    "organizations.create": "staff",
    "organizations.detail": "org",
    "organizations.edit": "org",
    # privacy
    "privacy.my_data": "login",
    "privacy.my_data_export": "login",
    "privacy.my_data_erase": "login",
    "privacy.registration": "token",
    "privacy.registration_export": "token",
    "privacy.registration_erase": "token",
    # meetings (series, occurrences, themes): public reading, staff management
    "meetings.index": "public",
    "meetings.detail": "public",
    "meetings.manage_index": "staff",
    "meetings.manage_detail": "staff",
    "meetings.create": "staff",
    "meetings.edit": "staff",
    "meetings.preview": "staff",
    "meetings.set_status": "staff",
    "meetings.cancel_occurrence": "staff",
    "meetings.book_space": "staff",
    "meetings.move_occurrence": "staff",
    "meetings.themes": "staff",
    "meetings.update_theme": "staff",
    # registrations
    "registrations.occurrence": "public",  # anyone may register; opted-in names only to logged-in users
    "registrations.received": "public",
    "registrations.manage": "token",
    "registrations.manage_cancel": "token",
    "registrations.mine": "login",
    "registrations.cancel": "org",  # the registrant (ngo A) or staff: the levels of "org"
    "groups.group": "login",  # one's own group; without an organisation the page explains why not
    "groups.remove": "org",  # the contact who registered the person (ngo A) or staff
    "manage_links.request_link": "public",  # the same answer whether or not the address is registered
    "manage_links.sent": "public",
    "registrations.participants": "staff",
    "registrations.attendance": "staff",
    "registrations.export_csv": "staff",
    "registrations.export_xlsx": "staff",
    "registrations.message": "staff",
    # spaces and bookings
    "spaces.index": "public",
    "spaces.detail": "public",
    "spaces.find": "public",
    "spaces.create": "staff",
    "spaces.edit": "staff",
    "spaces.exceptions": "staff",
    "spaces.delete_exception": "staff",
    "spaces.bookings": "staff",
    "spaces.new_booking": "staff",
    "spaces.move_booking": "staff",
    "spaces.cancel_booking": "staff",
    "spaces.request_booking": "login",
    # booking requests
    "booking_requests.mine": "login",
    "booking_requests.withdraw": "owner",
    "booking_requests.cancel_booking": "owner",
    "booking_requests.queue": "staff",
    "booking_requests.approve": "staff",
    "booking_requests.decline": "staff",
    # calendar feeds (the space feed's staff details need ?token=, checked in test_tokens.py)
    "calendar.index": "public",
    "calendar.meetings_feed": "public",
    "calendar.series_feed": "public",
    "calendar.occurrence_feed": "public",
    "calendar.space_feed": "public",
    "calendar.personal_feed": "token",
    "calendar.renew_feed": "login",
    # feedback
    "feedback.answer": "token",
    "feedback.thanks": "token",
    "feedback.index": "staff",
    "feedback.edit_form": "staff",
    "feedback.new_question": "staff",
    "feedback.edit_question": "staff",
    "feedback.move_question": "staff",
    "feedback.delete_question": "staff",
    "feedback.results": "staff",
    "feedback.occurrence_status": "staff",
    # agenda topics
    "topics.index": "public",
    "topics.propose": "login",
    "topics.occurrence": "login",
    "topics.vote": "login",
    "topics.unvote": "login",
    "topics.withdraw": "owner",
    "topics.decide": "staff",
    # meeting records and materials
    "records.record": "public",
    "records.edit": "staff",
    "records.manage_materials": "staff",
    "records.delete_attachment": "staff",
    "records.download": "public",
    "records.library": "public",
    # outcomes ("what came of it")
    "outcomes.index": "public",
    "outcomes.detail": "public",
    "outcomes.follow": "login",
    "outcomes.unfollow": "login",
    "outcomes.add_update": "staff",
    "outcomes.create": "staff",
    "outcomes.edit": "staff",
    # guidance hours: public slots and booking, the booker's manage link, staff pages, the adviser's feed
    "guidance.index": "public",
    "guidance.detail": "public",
    "guidance.book": "public",  # anyone with an email may book, like meeting registration
    "guidance.manage": "token",
    "guidance.manage_cancel": "token",
    "guidance.manage_move": "token",
    "guidance_staff.manage_index": "staff",
    "guidance_staff.create": "staff",
    "guidance_staff.manage_detail": "staff",
    "guidance_staff.cancel_hour": "staff",
    "guidance_staff.cancel_window": "staff",
    "guidance_staff.cancel_appointment": "staff",
    "guidance_staff.day": "staff",
    "guidance_staff.renew_feed": "staff",
    "guidance_staff.adviser_feed": "token",
    # reports
    "reports.index": "staff",
    "reports.cooperation": "staff",
    "reports.cooperation_csv": "staff",
    "reports.cooperation_xlsx": "staff",
    # sign-up and membership of organisations (issue 15; finer roles in tests/web/test_signup_authz.py)
    "signup.signup_page": "public",
    "signup.check_email": "public",
    "signup.resend": "public",
    "signup.verify": "token",
    "signup.join": "login",
    "signup.ask_to_join": "login",  # any user may ask; the service refuses members and staff
    "signup.withdraw": "owner",
    "signup.propose": "login",
    "memberships.approve": "org",  # org A's contact person (ngo A) and staff
    "memberships.decline": "org",
    "memberships.remove": "org",
    "memberships.make_contact": "org",
    "memberships.make_member": "org",
    "memberships.queue": "staff",
    "memberships.approve_proposal": "staff",
    "memberships.decline_proposal": "staff",
    "my_organisation.index": "login",
    "my_organisation.organisation": "org",
    # API
    "api.openapi_json": "api:public",
    "api.organizations_list_organizations": "api:ngo",
    "api.organizations_create_organization": "api:staff",
    "api.meetings_list_series": "api:public",
    "api.meetings_get_series": "api:public",
    "api.meetings_list_occurrences": "api:public",
    "api.meetings_create_series": "api:staff",
    "api.meetings_patch_series": "api:staff",
    "api.meetings_patch_occurrence": "api:staff",
    "api.registrations_create_registration": "api:ngo",
    "api.registrations_delete_registration": "api:org",
    "api.registrations_list_registrations": "api:staff",
    "api.spaces_list_spaces": "api:public",
    "api.spaces_get_space": "api:public",
    "api.spaces_space_availability": "api:public",
    "api.spaces_create_space": "api:staff",
    "api.spaces_create_booking": "api:staff",
    "api.spaces_list_bookings": "api:staff",
    "api.spaces_cancel_booking": "api:staff",
    "api.feedback_series_feedback": "api:staff",
    "api.feedback_create_feedback_form": "api:staff",
    "api.feedback_list_topics": "api:ngo",
    "api.feedback_propose_topic": "api:ngo",
    "api.feedback_vote_topic": "api:ngo",
    "api.feedback_unvote_topic": "api:ngo",
    "api.feedback_decide_topic": "api:staff",
    "api.reports_cooperation_report": "api:staff",
    "api.records_put_record": "api:staff",
    "api.records_get_record": "api:public",
    "api.records_upload_attachment": "api:staff",
    "api.records_delete_attachment": "api:staff",
    "api.outcomes_create_outcome": "api:staff",
    "api.outcomes_patch_outcome": "api:staff",
    "api.outcomes_list_outcomes": "api:public",
    "api.outcomes_get_outcome": "api:public",
    "api.outcomes_follow_outcome": "api:ngo",
    "api.outcomes_unfollow_outcome": "api:ngo",
    "api.guidance_create_guidance_hour": "api:staff",
    "api.guidance_list_guidance_hours": "api:public",
    "api.guidance_get_guidance_hour": "api:public",
    "api.guidance_list_slots": "api:public",
    "api.guidance_create_appointment": "api:ngo",
    "api.guidance_delete_appointment": "api:org",  # staff or the booker (ngo A)
    # subscriptions (issue 15): one's own; the unsubscribe link from the mails needs no login
    "subscriptions.index": "login",
    "subscriptions.delete": "owner",
    "subscriptions.unsubscribe": "token",
    "api.subscriptions_list_subscriptions": "api:ngo",
    "api.subscriptions_create_subscription": "api:ngo",
    "api.subscriptions_delete_subscription": "api:owner",
    "api.me_profile_get_me": "api:ngo",
}

ROLES = ("anonymous", "ngo_b", "ngo_a", "staff", "admin")

# Which of ROLES may use an endpoint of each level.
ALLOWED: dict[str, frozenset[str]] = {
    "public": frozenset(ROLES),
    "token": frozenset(ROLES),
    "login": frozenset({"ngo_a", "ngo_b", "staff", "admin"}),
    "org": frozenset({"ngo_a", "staff", "admin"}),
    "owner": frozenset({"ngo_a", "admin"}),
    "staff": frozenset({"staff", "admin"}),
    "admin": frozenset({"admin"}),
    "api:public": frozenset(ROLES),
    "api:ngo": frozenset({"ngo_a", "ngo_b", "staff", "admin"}),
    "api:org": frozenset({"ngo_a", "staff", "admin"}),  # role="ngo" plus an object check (ngo A's object)
    # role="ngo" plus an owner check: ngo A and admin; anyone else's object is answered 404 (not found)
    "api:owner": frozenset({"ngo_a", "admin"}),
    "api:staff": frozenset({"staff", "admin"}),
    "api:admin": frozenset({"admin"}),
}

# Path parameter values: by name, or "endpoint.name" to override for one endpoint.
# Each is a function of the ``world`` (tests/security/conftest.py): org A's and ngo A's objects.
PARAMS: dict[str, Callable[[Any], Any]] = {
    "org_id": lambda w: w.org_a.id,
    "token_id": lambda w: w.api_token_a_id,
    "series_id": lambda w: w.series.id,
    "occurrence_id": lambda w: w.occurrence.id,
    "registration_id": lambda w: w.registration.id,
    "user_id": lambda w: w.ngo_a.id,
    "code": lambda w: "en",
    "name": lambda w: "helsinki",  # an OIDC provider name (none is configured in the matrix: 404)
    "filename": lambda w: "css/app.css",
    "token": lambda w: w.registration_token,
    "accounts.reset_password.token": lambda w: w.reset_token_a,
    "space_id": lambda w: w.space.id,
    "booking_id": lambda w: w.booking_id,
    "exception_id": lambda w: w.exception_id,
    "request_id": lambda w: w.booking_request_id,
    "theme_id": lambda w: w.theme_id,
    "question_id": lambda w: w.question_id,
    "proposal_id": lambda w: w.proposal_id,
    "feedback.edit_form.series_id": lambda w: w.feedback_series_id,
    "feedback.new_question.series_id": lambda w: w.feedback_series_id,
    "feedback.results.series_id": lambda w: w.feedback_series_id,
    "api.feedback_series_feedback.series_id": lambda w: w.feedback_series_id,
    "api.feedback_create_feedback_form.series_id": lambda w: w.feedback_series_id,
    "feedback.occurrence_status.occurrence_id": lambda w: w.past_occurrence_id,
    "feedback.answer.token": lambda w: w.feedback_token,
    "feedback.thanks.token": lambda w: w.feedback_token,
    "calendar.personal_feed.token": lambda w: w.personal_feed_token,
    "spaces.delete_exception.exception_id": lambda w: w.new_exception(),
    "topics.withdraw.proposal_id": lambda w: w.new_proposal(),
    "attachment_id": lambda w: w.attachment_id,
    "outcome_id": lambda w: w.outcome_id,
    "records.record.occurrence_id": lambda w: w.past_occurrence_id,
    "api.records_get_record.occurrence_id": lambda w: w.past_occurrence_id,
    "records.delete_attachment.attachment_id": lambda w: w.new_attachment(),
    "api.records_delete_attachment.attachment_id": lambda w: w.new_attachment(),
    "hour_id": lambda w: w.guidance_hour_id,
    "window_id": lambda w: w.guidance_window_id,
    "appointment_id": lambda w: w.guidance_appointment_id,
    "guidance.manage.token": lambda w: w.guidance_token,
    "guidance.manage_cancel.token": lambda w: w.guidance_token,
    "guidance.manage_move.token": lambda w: w.guidance_token,
    "guidance_staff.adviser_feed.token": lambda w: w.adviser_feed_token,
    "subscription_id": lambda w: w.subscription_id,
    "subscriptions.unsubscribe.token": lambda w: w.unsubscribe_token,
    "api.subscriptions_delete_subscription.subscription_id": lambda w: w.new_subscription(),
    "signup.verify.token": lambda w: w.signup_token,
    "signup.withdraw.membership_id": lambda w: w.new_own_request(),
    "memberships.approve.membership_id": lambda w: w.new_join_request(),
    "memberships.decline.membership_id": lambda w: w.new_join_request(),
    "memberships.remove.membership_id": lambda w: w.new_member(),
    "memberships.make_contact.membership_id": lambda w: w.new_member(),
    "memberships.make_member.membership_id": lambda w: w.new_contact(),
    "org_proposal_id": lambda w: w.new_org_proposal(),
}

# Endpoints whose successful call removes the object in the URL: the matrix gives each role its own
# object (the provider makes a new one per call), so that a later allowed role does not get a 404.
CONSUMED: frozenset[str] = frozenset({"spaces.delete_exception", "topics.withdraw", "records.delete_attachment",
                                      "api.records_delete_attachment", "signup.withdraw", "memberships.approve",
                                      "memberships.decline", "memberships.remove", "memberships.make_contact",
                                      "memberships.make_member", "memberships.approve_proposal",
                                      "memberships.decline_proposal",
                                      "api.subscriptions_delete_subscription"})


def rule_for(endpoint: str, method: str) -> str | None:
    """The table's level for ``endpoint`` and ``method`` (a method-specific line wins)."""
    return ROUTES.get(f"{endpoint}:{method}") or ROUTES.get(endpoint)
