"""Personal data never reaches public pages, public feeds or other people."""
from __future__ import annotations

from tests.security.conftest import (LISTED_EMAIL, LISTED_NAME, LISTED_NEEDS, SECRET_EMAIL, SECRET_FEEDBACK,
                                     SECRET_NAME, SECRET_NEEDS, SECRET_ORG_NAME, SECRET_PURPOSE, SECRET_TOPIC_NOTE,
                                     crawl, role_client)

# Registrations, a booking request's purpose, a named feedback form's free text, staff's topic note.
PRIVATE = (SECRET_NAME, SECRET_EMAIL, SECRET_NEEDS, SECRET_ORG_NAME, SECRET_PURPOSE, SECRET_FEEDBACK,
           SECRET_TOPIC_NOTE)
OPTED_IN = (LISTED_NAME, LISTED_EMAIL, LISTED_NEEDS)


def _leaks(response, strings) -> list[str]:
    body = "" if response.mimetype.startswith("image/") else response.get_data().decode("utf-8", "replace")  # favicon; material downloads are binary
    headers = str(response.headers)
    return [s for s in strings if s.lower() in body.lower() or s.lower() in headers.lower()]


def test_public_routes_show_no_personal_data(app, world):
    """Every public GET route (pages, feeds, public API), as anonymous, with real path values."""
    checked = 0
    for _role, _level, path, response in crawl(app, world, roles=["anonymous"], levels={"public", "api:public"}):
        assert response.status_code < 500, path
        # ngo A's account (the booking requester and topic proposer) is personal data too
        leaks = _leaks(response, PRIVATE + OPTED_IN + (world.ngo_a.email, world.ngo_a.name))
        assert not leaks, f"GET {path} (public) shows personal data: {leaks}"
        checked += 1
    assert checked >= 8


def test_public_routes_with_language_variants(app, world):
    for lang in ("sv", "en"):
        for _role, _level, path, response in crawl(app, world, roles=["anonymous"], levels={"public"}):
            if response.mimetype in ("text/html", "text/calendar"):
                sep = "&" if "?" in path else "?"
                again = app.test_client().get(f"{path}{sep}lang={lang}")
                assert not _leaks(again, PRIVATE + OPTED_IN), f"{path}?lang={lang}"


def test_unrelated_users_do_not_see_someone_elses_registration(app, world):
    """ngo B (another organisation) sees nothing of ngo A's registration on any page it may open,
    except through A's own secret link (token routes), which is A's to share."""
    for role in ("ngo_b",):
        for _role, level, path, response in crawl(app, world, roles=[role]):
            if level == "token":
                continue
            leaks = _leaks(response, (SECRET_EMAIL, SECRET_NEEDS, SECRET_ORG_NAME, SECRET_PURPOSE, SECRET_FEEDBACK,
                                      world.ngo_a.email))
            assert not leaks, f"GET {path} as {role} shows ngo A's registration, request or feedback: {leaks}"


def test_token_pages_show_only_their_own_registration(app, world):
    for _role, _level, path, response in crawl(app, world, roles=["anonymous"], levels={"token"}):
        if "/privacy/registration/" in path and response.mimetype in ("text/html", "application/json"):
            body = response.get_data(as_text=True)
            assert SECRET_EMAIL in body, path
            assert not _leaks(response, OPTED_IN + ("w." + SECRET_EMAIL,)), path


def test_crawl_is_not_vacuous(app, world, make):
    """The distinctive data really is in the database and shows up where it should: in the export
    of the person registered (a registration is its address's; ngo A only made it)."""
    registrant = make.user("ngo", email=SECRET_EMAIL)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = registrant.get_id()
        session["_fresh"] = True
    assert SECRET_NEEDS in client.get("/privacy/my-data/export.json").get_data(as_text=True)


def test_occurrence_page_lists_opted_in_participants_to_logged_in_users_only(app, world):
    """Networking: logged-in users see who chose to be listed (name, organisation), never emails,
    needs or the ones who did not opt in; anonymous visitors see no participant at all."""
    path = f"/meetings/occurrences/{world.occurrence.id}"
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 200
    assert not _leaks(anonymous, PRIVATE + OPTED_IN)
    for role in ("ngo_b", "staff"):
        response = role_client(app, world, role).get(path)
        assert LISTED_NAME in response.get_data(as_text=True), role
        assert not _leaks(response, (LISTED_EMAIL, LISTED_NEEDS, SECRET_NAME, SECRET_EMAIL, SECRET_NEEDS)), role


def test_booking_request_and_feedback_reach_their_own_people(app, world):
    """The distinctive texts exist where they belong, so the checks above are not vacuous."""
    mine = role_client(app, world, "ngo_a").get("/booking-requests/mine").get_data(as_text=True)
    assert "Security request" in mine
    queue = role_client(app, world, "staff").get("/booking-requests/").get_data(as_text=True)
    assert SECRET_PURPOSE in queue
    export = role_client(app, world, "ngo_a").get("/privacy/my-data/export.json").get_data(as_text=True)
    assert SECRET_FEEDBACK in export and SECRET_PURPOSE in export  # the person's own data, in their export
    assert SECRET_PURPOSE not in role_client(app, world, "ngo_b").get("/booking-requests/mine").get_data(as_text=True)
