"""The front page shows the next meetings and where to go next."""


def test_home_lists_the_next_three_meetings(client, make):
    series = make.series(occurrences=5, title_fi="Järjestöfoorumi")
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count("Järjestöfoorumi</a>") == 3
    assert "/meetings/occurrences/" in page and f"/meetings/{series.id}" in page


def test_home_without_meetings_says_so(client, app):
    page = client.get("/").get_data(as_text=True)
    assert 'class="empty"' in page


def test_home_query_count_does_not_grow(client, make, count_queries):
    make.series(occurrences=2)
    with count_queries() as few:
        client.get("/")
    for _ in range(5):
        make.series(occurrences=4)
    with count_queries() as many:
        client.get("/")
    assert many.count == few.count
