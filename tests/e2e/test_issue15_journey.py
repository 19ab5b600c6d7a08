"""Issue 15's acceptance test, in the browser: NGO people join by themselves, sign in with the
city's login and stay informed without asking.

1. A new person signs up (the confirmation link from the mail they received), asks to join an
   NGO, its contact person approves, the person subscribes to a theme, staff publish a series of
   that theme, the weekly digest (run a week on) tells the person, the person registers three
   colleagues (and themselves) in one go from the digest's link, and the reminder (run inside the
   reminder window) brings the online link and the agenda.
2. The same after signing in through the OpenID provider (a real npm oidc-provider): the sign-in
   creates the account, then join → subscribe → digest → group of three → reminder.

Mail is delivered over SMTP to a real aiosmtpd server and read from what it received; the cron
commands run through the app's CLI runner with ``--now``. Every page of ours visited is checked
with axe-core and photographed at 390 and 1366 px. Nothing waits on time: every step waits for
the URL or the text that a person would see.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.core.types import utcnow
from app.extensions import db
from app.mail import services as mail
from app.meetings.models import MeetingOccurrence
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS
from tests.e2e.helpers import _catalogue, exact, gettext_for, mail_link
from tests.e2e.test_oidc_sign_in import oidc_live_server  # noqa: F401 — the app with the provider configured
from tests.oidc.fixtures import LABELS


pytestmark = pytest.mark.e2e

PASSWORD = "uusi-salasana-2026"
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ONLINE = "https://teams.example/l/meetup/jarjestofoorumi"
AGENDA = "Asialista: 1. Avaus 2. Asukastilojen kevät 3. Muut asiat"


class Mailbox:
    """Delivers the outbox over SMTP (the real worker's function) and reads what aiosmtpd received."""

    def __init__(self, app, smtp_server) -> None:
        self.app, self.smtp = app, smtp_server

    def received(self, address: str, subject: str) -> dict:
        """The newest mail to ``address`` whose subject contains ``subject`` (fails if none came)."""
        with self.app.app_context():
            while mail.deliver_due()[0]:
                pass
        with self.smtp.lock:
            messages = [m for m in self.smtp.messages if address.lower() in m["To"].lower()]
        matching = [m for m in messages if subject in m["Subject"]]
        assert matching, f"no mail to {address} about {subject!r}; got {[m['Subject'] for m in messages]}"
        message = matching[-1]
        return {"subject": message["Subject"], "text": message.get_body(("plain",)).get_content()}


@pytest.fixture
def mailbox(app, smtp_server) -> Mailbox:
    return Mailbox(app, smtp_server)


@pytest.fixture
def look(axe_check, screenshot):
    """``look(page, name)``: the page passes axe-core at both widths and is photographed."""

    def check(page, name: str) -> None:
        page.wait_for_load_state()
        for size in ({"width": 390, "height": 844}, DESKTOP):
            page.set_viewport_size(size)
            axe_check(page)
        screenshot(page, f"issue15-{name}")

    return check


def _next_tuesday(weeks_ahead: int = 2) -> date:
    today = date.today()
    return today + timedelta(days=7 * weeks_ahead + (1 - today.weekday()) % 7)


# --- the steps of the journey ------------------------------------------------------------------

def sign_up(page, mailbox: Mailbox, look, _, *, name: str, email: str) -> None:
    page.goto("/login")
    look(page, "login")
    page.get_by_role("link", name=exact(_("Create an account"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Create an account"))
    look(page, "signup")
    page.get_by_label(_("Your name"), exact=True).fill(name)
    page.get_by_label(_("Email"), exact=True).fill(email)
    page.get_by_label(_("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(_("Password again"), exact=True).fill(PASSWORD)
    page.get_by_label(_("I have read the privacy notice.")).check()
    page.get_by_role("button", name=exact(_("Create the account"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Check your email"))
    look(page, "signup-check-email")
    verify = mailbox.received(email, "")
    page.goto(mail_link(verify, r"^/signup/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Confirm your email address"))
    look(page, "signup-confirm")
    page.get_by_role("button", name=exact(_("Confirm and create the account"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Join your organisation"))


def join_and_be_approved(page, contact_page, mailbox: Mailbox, look, _, *, org, contact, name: str,
                         email: str, browser_login, tag: str) -> None:
    # Elsewhere in the service, the header still leads the person to the join page.
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name=exact(_("Join an organisation"))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Join your organisation"))
    look(page, f"{tag}-join")
    page.get_by_role("searchbox", name=_("Name or business ID")).fill(org.business_id)
    page.get_by_role("button", name=exact(_("Search"))).click()
    expect(page.get_by_role("heading", level=3)).to_have_text(org.name)
    page.get_by_label(_("Message to the contact person")).fill("Hoidan jatkossa ilmoittautumiset.")
    page.get_by_role("button", name=re.compile("^" + re.escape(_("Ask to join")))).click()
    expect(page.get_by_role("status").first).to_contain_text(org.name)
    look(page, f"{tag}-join-pending")

    # The contact person gets the request by mail and approves it from the link.
    request = mailbox.received(contact.email, name)
    browser_login(contact_page, contact)
    contact_page.goto(mail_link(request, r"^/my-organisation"))
    expect(contact_page.get_by_text("Hoidan jatkossa ilmoittautumiset.")).to_be_visible()
    look(contact_page, f"{tag}-contact-decides")
    contact_page.get_by_role("button", name=re.compile("^" + re.escape(_("Approve")))).click()
    expect(contact_page.get_by_role("status").first).to_contain_text(name)

    approved = mailbox.received(email, org.name)
    page.goto(mail_link(approved, r"^/my-organisation"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(org.name)
    expect(page.get_by_role("cell", name=name)).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name=exact(_("Join an organisation")))).to_have_count(0)
    look(page, f"{tag}-my-organisation")


def subscribe_weekly(page, look, _, *, theme: int, tag: str) -> None:
    page.goto("/profile")
    expect(page.get_by_role("link", name=exact(_("My subscriptions")))).to_be_visible()
    look(page, f"{tag}-profile")
    page.get_by_role("link", name=exact(_("My subscriptions"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("My subscriptions"))
    page.locator("#theme_id").select_option(str(theme))
    page.get_by_label(_("A weekly digest")).check()
    page.get_by_role("button", name=exact(_("Subscribe"))).click()
    expect(page.get_by_role("main")).to_contain_text(_("Weekly digest"))
    look(page, f"{tag}-subscriptions")


def staff_publish(staff_page, look, _, *, staff, theme: int, title: str, browser_login, tag: str) -> int:
    """Staff publish a hybrid series of the theme (address + online link); returns its id."""
    browser_login(staff_page, staff)
    staff_page.goto("/meetings/manage/new")
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(_("New meeting series"))
    first = _next_tuesday()
    staff_page.locator("#title_fi").fill(title)
    staff_page.locator("#description_fi").fill(AGENDA)
    staff_page.locator(f"input[name=theme_ids][value='{theme}']").check()
    staff_page.locator("#start_date").fill(first.isoformat())
    staff_page.locator("#start_time").fill("17:00")
    staff_page.locator("#duration_minutes").fill("120")
    staff_page.locator("#freq").select_option("WEEKLY")
    staff_page.locator(f"input[name=byday][value={WEEKDAYS[first.weekday()]}]").check()
    staff_page.locator("input[name=ends][value=count]").check()
    staff_page.locator("#count").fill("2")
    staff_page.locator("input[name=location_mode][value=hybrid]").check()
    staff_page.locator("#location").fill("Kalasatamankatu 1, Helsinki")
    staff_page.locator("#online_url").fill(ONLINE)
    staff_page.locator("#capacity").fill("20")
    staff_page.locator("#status").select_option("published")
    staff_page.get_by_role("button", name=exact(_("Save"))).click()
    expect(staff_page.get_by_role("status")).to_contain_text(_("The meeting series was created."))
    expect(staff_page.get_by_role("heading", level=1)).to_have_text(title)
    # The reminder setting (24 hours by default) is shown on the series' staff page.
    reminder = _catalogue("fi").ngettext("%(num)d hour before", "%(num)d hours before", 24) % {"num": 24}
    expect(staff_page.locator("dl.facts")).to_contain_text(_("Reminder") + reminder)
    look(staff_page, f"{tag}-staff-series")
    return int(re.search(r"/meetings/manage/(\d+)", staff_page.url).group(1))


def digest_a_week_on(app, runner, mailbox: Mailbox, *, email: str, title: str) -> dict:
    result = runner.invoke(args=["subscriptions", "digest", "--now", (utcnow() + timedelta(days=7)).isoformat()])
    assert result.exit_code == 0 and result.output.startswith("1 "), result.output
    subject = _catalogue("fi").ngettext("Weekly digest: %(num)d new meeting",
                                        "Weekly digest: %(num)d new meetings", 1) % {"num": 1}
    digest = mailbox.received(email, subject)
    assert title in digest["text"]
    return digest


def register_group(page, mailbox: Mailbox, look, _, *, digest: dict, series_id: int, title: str,
                   colleagues: list[tuple[str, str]], tag: str) -> None:
    page.goto(mail_link(digest, rf"^/meetings/{series_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("main")).to_contain_text(_("The online link is sent to registrants."))
    look(page, f"{tag}-series-from-digest")
    page.get_by_role("link", name=re.compile("^" + re.escape(_("Register")))).first.click()
    group_link = page.get_by_role("link", name=_("Register a group from your organisation"))
    expect(group_link).to_be_visible()
    look(page, f"{tag}-date")
    group_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_("Register a group"))
    look(page, f"{tag}-group-form")
    page.locator("#include_self").check()
    for index, (name, email) in enumerate(colleagues):
        page.locator(f"#name-{index}").fill(name)
        page.locator(f"#email-{index}").fill(email)
    page.get_by_role("button", name=exact(_("Register these people"))).click()
    members = page.locator("#group-members")
    for name, _email in colleagues:
        expect(members).to_contain_text(name)
    expect(page.get_by_role("status").first).to_contain_text("4")
    look(page, f"{tag}-group-done")
    # Each colleague got their own confirmation with their own manage link.
    links = {mail_link(mailbox.received(email, title), r"^/registrations/manage/") for _name, email in colleagues}
    assert len(links) == len(colleagues)


def reminder_inside_the_window(app, runner, mailbox: Mailbox, page, look, _, *, series_id: int, email: str,
                               colleagues: list[tuple[str, str]], title: str, tag: str) -> None:
    with app.app_context():
        starts_at = db.session.scalar(select(MeetingOccurrence.starts_at).where(
            MeetingOccurrence.series_id == series_id).order_by(MeetingOccurrence.starts_at).limit(1))
        db.session.rollback()
    result = runner.invoke(args=["reminders", "send", "--now", (starts_at - timedelta(hours=12)).isoformat()])
    assert result.exit_code == 0 and result.output.startswith(f"{len(colleagues) + 1} "), result.output
    subject = _("Reminder: %(title)s", title=title)
    for address in [email] + [colleague_email for _name, colleague_email in colleagues]:
        reminder = mailbox.received(address, subject)
        assert ONLINE in reminder["text"] and AGENDA in reminder["text"], reminder["text"]
    # The person follows the reminder to their own registration, which shows the online link.
    page.goto(mail_link(mailbox.received(email, subject), r"^/registrations/manage/"))
    expect(page.get_by_role("main")).to_contain_text(title)
    expect(page.locator(f"main a[href='{ONLINE}']").first).to_be_visible()
    look(page, f"{tag}-reminder-manage")


# --- the two journeys ------------------------------------------------------------------------

COLLEAGUES = [("Aino Aaltonen", "aino@kallio.example"), ("Bertil Berg", "bertil@kallio.example"),
              ("Cecilia Chen", "cecilia@kallio.example")]


def test_sign_up_join_subscribe_digest_group_and_reminder(app, make, new_page, browser_login, runner, mailbox, look):
    _ = gettext_for("fi")
    theme = make.default_theme().id
    org = make.organization(name="Kallion Kotiseutuyhdistys ry", business_id="0201256-6")
    contact = make.user("ngo", organization=org, name="Niko Järvinen", email="niko@kallio.example")
    staff = make.user("staff")
    name, email = "Uusi Ihminen", "uusi.ihminen@example.org"
    title = "Järjestöfoorumi: asukastilat"

    page = new_page(locale="fi-FI")
    sign_up(page, mailbox, look, _, name=name, email=email)
    join_and_be_approved(page, new_page(locale="fi-FI"), mailbox, look, _, org=org, contact=contact, name=name,
                         email=email, browser_login=browser_login, tag="password")
    subscribe_weekly(page, look, _, theme=theme, tag="password")
    series_id = staff_publish(new_page(locale="fi-FI"), look, _, staff=staff, theme=theme, title=title,
                              browser_login=browser_login, tag="password")
    digest = digest_a_week_on(app, runner, mailbox, email=email, title=title)
    register_group(page, mailbox, look, _, digest=digest, series_id=series_id, title=title, colleagues=COLLEAGUES,
                   tag="password")
    reminder_inside_the_window(app, runner, mailbox, page, look, _, series_id=series_id, email=email,
                               colleagues=COLLEAGUES, title=title, tag="password")


@pytest.fixture
def oidc_new_page(browser, oidc_live_server):  # noqa: F811
    contexts = []

    def make_page(locale: str = "fi-FI"):
        context = browser.new_context(base_url=oidc_live_server, locale=locale, viewport=DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make_page
    for context in contexts:
        context.close()


def test_the_same_after_signing_in_through_the_openid_provider(app, make, oidc_new_page, oidc_live_server,  # noqa: F811
                                                               browser_login, runner, mailbox, look):
    _ = gettext_for("fi")
    theme = make.default_theme().id
    org = make.organization(name="Vallilan Vapaaehtoiset ry", business_id="0201256-6")
    contact = make.user("ngo", organization=org, name="Veera Vallila", email="veera@vallila.example")
    staff = make.user("staff")
    name, email = "Uusi Ihminen", "Uusi.Ihminen@jarjesto.example"  # the provider's account "uusi"
    title = "Järjestöfoorumi: vapaaehtoiset"
    colleagues = [("Dani Dahl", "dani@vallila.example"), ("Eeva Ek", "eeva@vallila.example"),
                  ("Fredrik Fors", "fredrik@vallila.example")]

    page = oidc_new_page()
    page.goto("/login")
    look(page, "oidc-login")
    page.get_by_role("link", name=exact(LABELS["fi"])).click()
    expect(page.locator("input[name=login]")).to_be_visible()  # the provider's own page
    page.locator("input[name=login]").fill("uusi")
    page.locator("input[name=password]").fill("any-password")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{oidc_live_server}/organisation/join")
    expect(page.get_by_text(_("Welcome! Your account was created. Find your organisation and ask to join it.")))\
        .to_be_visible()
    look(page, "oidc-welcome")

    join_and_be_approved(page, oidc_new_page(), mailbox, look, _, org=org, contact=contact, name=name,
                         email=email.lower(), browser_login=browser_login, tag="oidc")
    subscribe_weekly(page, look, _, theme=theme, tag="oidc")
    series_id = staff_publish(oidc_new_page(), look, _, staff=staff, theme=theme, title=title,
                              browser_login=browser_login, tag="oidc")
    digest = digest_a_week_on(app, runner, mailbox, email=email.lower(), title=title)
    register_group(page, mailbox, look, _, digest=digest, series_id=series_id, title=title, colleagues=colleagues,
                   tag="oidc")
    reminder_inside_the_window(app, runner, mailbox, page, look, _, series_id=series_id, email=email.lower(),
                               colleagues=colleagues, title=title, tag="oidc")
