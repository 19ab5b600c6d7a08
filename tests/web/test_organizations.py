"""Organisation pages: staff manage all, NGO users their own."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.accounts.models import Organization
from app.extensions import db


def test_staff_creates_organisation(app, client, make, login):
    login(make.user("staff"))
    response = client.post("/organizations/new", data={"name": "Pasilan Pelaajat ry", "email": "pp@example.org",
                                                       "business_id": "0201256-6", "district": "central"})
    assert response.status_code == 302
    with app.app_context():
        org = db.session.scalar(select(Organization).where(Organization.name == "Pasilan Pelaajat ry"))
        assert org.business_id == "0201256-6"


def test_invalid_form_is_reshown_with_errors_and_nothing_saved(app, client, make, login):
    login(make.user("staff"))
    response = client.post("/organizations/new", data={"name": "Virheellinen ry", "email": "v@example.org",
                                                       "business_id": "0201256-5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Y-tunnuksen tarkistusmerkki on väärä." in html and 'value="Virheellinen ry"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Organization.id))) == 0


def test_duplicate_business_id_reshown(client, make, login):
    make.organization(business_id="0201256-6")
    login(make.user("staff"))
    response = client.post("/organizations/new", data={"name": "Kopio ry", "email": "k@example.org",
                                                       "business_id": "0201256-6"})
    assert response.status_code == 400


def test_ngo_sees_and_edits_own_organisation_only(client, make, login):
    own, other = make.organization(), make.organization()
    login(make.user("ngo", organization=own))
    assert client.get(f"/organizations/{own.id}").status_code == 200
    assert client.post(f"/organizations/{own.id}/edit", data={"name": "Uusi nimi ry", "email": own.email}
                       ).status_code == 302
    assert client.get(f"/organizations/{other.id}").status_code == 403
    assert client.get(f"/organizations/{other.id}/edit").status_code == 403
    assert client.get("/organizations/").status_code == 403


def test_anonymous_is_sent_to_login(client, make):
    org = make.organization()
    response = client.get(f"/organizations/{org.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_organisation_is_404(client, make, login):
    login(make.user("staff"))
    assert client.get("/organizations/9999").status_code == 404


def test_list_is_paginated_searchable_with_empty_state(client, make, login):
    login(make.user("staff"))
    assert "Ei vielä järjestöjä." in client.get("/organizations/").get_data(as_text=True)
    for i in range(30):
        make.organization(name=f"Järjestö {i:02d}")
    first = client.get("/organizations/").get_data(as_text=True)
    assert "Järjestö 00" in first and "Järjestö 29" not in first and 'rel="next"' in first
    assert "Järjestö 29" in client.get("/organizations/?page=2").get_data(as_text=True)
    found = client.get("/organizations/?q=järjestö 1").get_data(as_text=True)
    assert "Järjestö 15" in found and "Järjestö 25" not in found


@pytest.mark.parametrize("n", [3, 40])
def test_list_query_count_does_not_grow(client, make, login, count_queries, n, request):
    login(make.user("staff"))
    for i in range(n):
        make.organization()
    with count_queries() as counter:
        assert client.get("/organizations/").status_code == 200
    # user load + page + count; fixed whatever n is
    assert counter.count <= 4, counter.statements
