"""Journey: the cooperation loop. Staff close a meeting with minutes and slides; an NGO member
(Swedish-speaking) is mailed, reads the record and downloads the slides; she follows the outcome
of the topic she proposed and is mailed when its status changes; the report shows it.
axe-core on every new page type: materials (with an upload error), record editor, record,
outcome form, outcome page, outcome list and the materials library."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import exact, gettext_for, mail_link

pytestmark = pytest.mark.e2e

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def held_meeting(app, make):
    """A meeting that took place yesterday, a Swedish-speaking NGO member who attended and whose
    topic was taken up for it, and a staff member."""
    start = (datetime.now(HELSINKI) - timedelta(days=1)).replace(hour=15, minute=0, second=0, microsecond=0,
                                                                 tzinfo=None)
    series = make.series(start_local=start, occurrences=1, rrule=None, title_fi="Järjestöfoorumi",
                         title_sv="Organisationsforum")
    occurrence = make.occurrences(series)[0]
    org = make.organization(name="Föreningen Grannar rf")
    member = make.user("ngo", organization=org, locale="sv", email="medlem@example.org", name="Sara Medlem")
    make.registration(occurrence, email=member.email, name=member.name, user_id=member.id,
                      organization_id=org.id, locale="sv", attendance="present")
    staff = make.user("staff", locale="fi")
    make.topic(occurrence, title="Öppna lokaler på söndagar", proposer_id=member.id, organization_id=org.id,
               status="taken_up", linked_occurrence_id=occurrence.id,
               created_at=occurrence.starts_at - timedelta(days=10))
    return occurrence, member, staff


def test_staff_close_a_meeting_and_the_member_follows_what_came_of_it(
        new_page, held_meeting, browser_login, axe_check, screenshot, outbox, tmp_path):
    from app.records.samples import sample_pdf

    fi, sv = gettext_for("fi"), gettext_for("sv")
    occurrence, member, staff = held_meeting

    # --- staff: slides first (a wrong file is refused and the form shown again) ---------------
    page = new_page(locale="fi-FI")
    browser_login(page, staff)
    page.goto(f"/meetings/occurrences/{occurrence.id}/materials")
    expect(page.get_by_role("heading", level=1)).to_have_text(fi("Meeting materials"))
    axe_check(page)
    not_a_pdf = tmp_path / "kalvot.pdf"
    not_a_pdf.write_bytes(b"MZ" + b"\0" * 200)
    page.get_by_label(fi("File"), exact=True).set_input_files(str(not_a_pdf))
    page.get_by_role("button", name=exact(fi("Upload"))).click()
    expect(page.get_by_role("alert")).to_contain_text(fi(
        "This type of file is not accepted. Upload a PDF, an office or OpenDocument file (Word, Excel, PowerPoint, "
        "text, spreadsheet, presentation) or an image (PNG, JPEG, GIF, WebP)."))
    axe_check(page)
    slides = tmp_path / "kalvot.pdf"
    slides.write_bytes(sample_pdf("Kalvot"))
    page.get_by_label(fi("File"), exact=True).set_input_files(str(slides))
    page.get_by_label(fi("Title (optional)")).fill("Kalvot")
    page.get_by_role("button", name=exact(fi("Upload"))).click()
    expect(page.get_by_role("status").first).to_contain_text(fi("The file “%(name)s” was added.", name="Kalvot"))
    screenshot(page, "records-materials-fi")

    # --- staff: the minutes, published --------------------------------------------------------
    page.goto(f"/meetings/occurrences/{occurrence.id}/record/edit")
    expect(page.get_by_label(fi("Number of attendees"))).to_have_value("1")  # from the attendance list
    expect(page.get_by_role("checkbox", name="Föreningen Grannar rf")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Öppna lokaler på söndagar")).to_be_checked()
    axe_check(page)
    page.get_by_label(fi("Minutes in Finnish")).fill("Keskusteltiin asukastilojen sunnuntaiaukiolosta.")
    page.get_by_role("button", name=exact(fi("Save and publish"))).click()
    expect(page.get_by_role("status").first).to_contain_text(
        fi("The record was published. Registrants were told by email."))
    expect(page.get_by_role("heading", level=1)).to_have_text(fi("Meeting record"))
    axe_check(page)
    screenshot(page, "records-record-staff-fi")

    # --- staff: what came of the member's topic -----------------------------------------------
    page.get_by_role("link", name=exact(fi("Record an outcome"))).click()
    expect(page.get_by_role("checkbox", name="Öppna lokaler på söndagar")).to_be_checked()
    axe_check(page)
    page.get_by_label(fi("Title in Finnish")).fill("Asukastilat auki sunnuntaisin")
    page.get_by_label(fi("Title in Swedish")).fill("Invånarlokaler öppna på söndagar")
    page.get_by_role("button", name=exact(fi("Save"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asukastilat auki sunnuntaisin")
    outcome_url = page.url

    # --- the member: mailed in Swedish, reads the record, downloads the slides ---------------
    [published] = outbox(kind="record_published", recipient=member.email)
    assert "Organisationsforum" in published["subject"]
    reader = new_page(locale="sv-FI")
    browser_login(reader, member)
    reader.goto(mail_link(published, r"/record$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text(sv("Meeting record"))
    expect(reader.get_by_role("main")).to_contain_text("Keskusteltiin asukastilojen sunnuntaiaukiolosta.")
    expect(reader.get_by_role("main")).to_contain_text(sv("Not available in your language; shown in Finnish."))
    expect(reader.get_by_role("main")).to_contain_text("Föreningen Grannar rf")
    axe_check(reader)
    screenshot(reader, "records-record-sv")
    with reader.expect_download() as download:
        reader.get_by_role("link", name="Kalvot").click()
    assert download.value.suggested_filename == "kalvot.pdf"
    assert open(download.value.path(), "rb").read() == sample_pdf("Kalvot")

    # --- the member follows the outcome of the topic she proposed ----------------------------
    [created] = outbox(kind="outcome_created", recipient=member.email)
    assert "Invånarlokaler öppna på söndagar" in created["subject"]
    reader.get_by_role("link", name="Invånarlokaler öppna på söndagar").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Invånarlokaler öppna på söndagar")
    expect(reader.get_by_role("button", name=exact(sv("Stop following")))).to_be_visible()  # automatic
    reader.get_by_role("button", name=exact(sv("Stop following"))).click()
    reader.get_by_role("button", name=exact(sv("Follow"))).click()
    expect(reader.get_by_role("status").first).to_contain_text(
        sv("You follow this outcome. We will email you when it changes."))
    axe_check(reader)
    screenshot(reader, "outcomes-detail-sv")

    # --- staff: the status changes; the member gets one mail ---------------------------------
    page.goto(outcome_url)
    page.get_by_label(fi("New status")).select_option("done")
    page.get_by_label(fi("Note in Finnish")).fill("Kokeilu alkaa tammikuussa.")
    page.get_by_role("button", name=exact(fi("Save the update"))).click()
    expect(page.get_by_role("status").first).to_contain_text(
        fi("The update was saved and followers were told by email."))
    [changed] = outbox(kind="outcome_changed", recipient=member.email)
    assert sv("Done") in changed["text"] and "Kokeilu alkaa tammikuussa." in changed["text"]
    reader.goto(mail_link(changed, r"^/outcomes/\d+$"))
    expect(reader.get_by_role("main")).to_contain_text("Kokeilu alkaa tammikuussa.")

    # --- everyone: the list of outcomes and the materials library ----------------------------
    reader.get_by_role("navigation", name=sv("Main")).get_by_role("link", name=sv("What came of it")).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(sv("What came of it"))
    expect(reader.get_by_role("main")).to_contain_text("Invånarlokaler öppna på söndagar")
    axe_check(reader)
    screenshot(reader, "outcomes-index-sv")
    reader.get_by_role("navigation", name=sv("Main")).get_by_role("link", name=sv("Materials")).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(sv("Materials library"))
    expect(reader.get_by_role("main")).to_contain_text("Kalvot")
    axe_check(reader)
    screenshot(reader, "records-library-sv")

    # --- staff: the cooperation report shows what came of it ---------------------------------
    page.goto("/reports/cooperation")
    section = page.locator("section", has=page.get_by_role("heading", name=fi("What came of it"), exact=True))
    expect(section.locator("#table-outcomes_status")).to_contain_text(fi("Done"))
    expect(section.locator("#table-outcomes_status tfoot")).to_contain_text("1")
    axe_check(page)
    screenshot(page, "reports-what-came-of-it-fi")
