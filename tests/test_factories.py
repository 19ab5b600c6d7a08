def test_factories(make):
    s = make.series(occurrences=4)
    occ = make.occurrences(s)
    assert len(occ) == 4 and occ[0].starts_at < occ[1].starts_at
    r = make.registration(occ[0], seats=2)
    assert r.status == "confirmed"
    assert make.occurrences(s)[0].seats_taken == 2
    assert make.occurrence().capacity == 20
