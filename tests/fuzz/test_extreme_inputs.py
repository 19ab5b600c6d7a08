"""Well-formed but extreme input never gets a 5xx (issue 11, item 4).

Driven from the app itself, so that routes and fields added later are fuzzed too:
- every GET route (HTML and API) with each query parameter its view reads (recorded on a first
  call) or its API query model declares, set to extreme dates, numbers and texts;
- every HTML form found on the pages (crawled as staff and as an NGO user), each field in turn
  set to the same extremes, the other fields keeping the values the page offered;
- every JSON API operation with extreme values in each top-level field of a valid body.
Values: years 1 and 9999 (and 10000), numbers beyond 64 bits and beyond the database's 32-bit
integers, Unicode digits, non-numbers, over-long text.
"""
from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from werkzeug.datastructures import ImmutableMultiDict

from tests.security.conftest import app_rules, build_path, methods_of, role_client, world  # noqa: F401
from tests.security.routes import CONSUMED

EXTREMES = [
    "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00", "9999-12-31T23:59",
    "99999999999999999999999", "-99999999999999999999", "2147483648", "١٢٣", "1e309", "x" * 5000,
]
LONG = "x" * 200_000


class _Recorder:
    names: dict[str, set[str]] = defaultdict(set)
    endpoint: str | None = None


def _recording(monkeypatch):
    """Record which query parameter names each view reads."""
    original_get = ImmutableMultiDict.get
    original_getitem = ImmutableMultiDict.__getitem__
    original_getlist = ImmutableMultiDict.getlist

    def note(self, key):
        if _Recorder.endpoint and isinstance(key, str):
            _Recorder.names[_Recorder.endpoint].add(key)

    def get(self, key, default=None, type=None):
        note(self, key)
        return original_get(self, key, default=default, type=type)

    def getitem(self, key):
        note(self, key)
        return original_getitem(self, key)

    def getlist(self, key, type=None):
        note(self, key)
        return original_getlist(self, key, type=type)

    monkeypatch.setattr(ImmutableMultiDict, "get", get)
    monkeypatch.setattr(ImmutableMultiDict, "__getitem__", getitem)
    monkeypatch.setattr(ImmutableMultiDict, "getlist", getlist)


def _api_query_names(rule) -> set[str]:
    from app.api.core import OPERATIONS

    names: set[str] = set()
    for op in OPERATIONS:
        if op.query is not None and "/api/v1" + op.rule == rule.rule:
            for name, info in op.query.model_fields.items():
                names.add(info.alias or name)
    return names


def _client_for(app, world, rule, role):
    is_api = rule.rule.startswith("/api/")
    client = role_client(app, world, "anonymous" if is_api else role)
    headers = {"Authorization": f"Bearer {world.api_tokens[role]}"} if is_api else {}
    return client, headers


def _check(response, where, failures):
    if response.status_code >= 500:
        failures.append(f"{where}: {response.status_code}")


QUERY_EXTREMES = ["0001-01-01", "9999-12-31", "9999-12-31T23:59:59+14:00", "99999999999999999999999",
                  "2147483648", "١٢٣", "x" * 5000]


@pytest.fixture
def no_safety_net(caplog):
    """The errors.py safety net (OverflowError / DataError → 400) must not be what saved a request:
    each value has to be refused where it enters."""
    yield
    hits = [r.getMessage()[:300] for r in caplog.get_records("call")
            if "input out of range reached" in r.getMessage()]
    assert not hits, hits[:10]


@pytest.mark.slow
def test_query_parameters_of_every_get_route(app, world, monkeypatch, no_safety_net):
    _recording(monkeypatch)
    failures: list[str] = []
    checked = 0
    everywhere: set[str] | None = None  # read on every page (the language): fuzzed on the first only
    for rule in app_rules(app):
        if "GET" not in methods_of(rule) or rule.endpoint == "static" or rule.endpoint in CONSUMED:
            continue
        path = build_path(rule, world)
        client, headers = _client_for(app, world, rule, "staff")
        _Recorder.endpoint = rule.endpoint
        client.get(path, headers=headers)  # first call: which parameters does the view read?
        _Recorder.endpoint = None
        names = (_Recorder.names[rule.endpoint] | _api_query_names(rule)) - {"next"}
        if everywhere is None and _Recorder.names[rule.endpoint]:
            everywhere = {"lang"} & names
        elif everywhere:
            names -= everywhere
        for name in sorted(names):
            for value in QUERY_EXTREMES:
                response = client.get(path, query_string={name: value}, headers=headers)
                _check(response, f"GET {path}?{name}={value[:30]}", failures)
                checked += 1
    assert not failures, "\n".join(failures[:40])
    assert checked > 300


class _Forms(HTMLParser):
    """The forms of a page: action, method and fields with their offered values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                             "fields": {}}
            self.forms.append(self._current)
        elif self._current is None:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._current["fields"].setdefault(a["name"], None)
                return
            if kind in ("submit", "button"):
                return
            self._current["fields"][a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._current["fields"].setdefault(a["name"], None)
        elif tag == "option" and self._select and self._current["fields"].get(self._select) is None:
            self._current["fields"][self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def _forms_of(app, world, role):
    seen: dict[tuple, dict] = {}
    for rule in app_rules(app):
        if "GET" not in methods_of(rule) or rule.rule.startswith("/api/") or rule.endpoint == "static" \
                or rule.endpoint in CONSUMED or rule.endpoint.startswith("calendar."):
            continue
        response = role_client(app, world, role).get(build_path(rule, world))
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        parser = _Forms()
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            if form["method"] != "post" or not form["action"].startswith("/"):
                continue
            fields = {k: v for k, v in form["fields"].items() if k != "csrf_token"}
            key = (re.sub(r"\?.*", "", form["action"]), tuple(sorted(fields)))
            seen.setdefault(key, {"action": form["action"], "fields": fields})
    return list(seen.values())


DESTRUCTIVE = re.compile(r"/(logout|erase|revoke|withdraw|delete|cancel|renew)\b")


@pytest.mark.slow
@pytest.mark.parametrize("role", ["staff", "ngo_a"])
def test_every_form_field_with_extreme_values(app, world, role, no_safety_net):
    forms = [f for f in _forms_of(app, world, role) if not DESTRUCTIVE.search(f["action"])]
    assert len(forms) >= (10 if role == "staff" else 4), [f["action"] for f in forms]
    failures: list[str] = []
    for form in forms:
        for name in form["fields"]:
            for value in EXTREMES + [LONG]:
                data = {k: v for k, v in form["fields"].items() if v is not None}
                data[name] = value
                response = role_client(app, world, role).post(form["action"], data=data)
                _check(response, f"POST {form['action']} {name}={value[:30]}", failures)
    assert not failures, "\n".join(failures[:40])


@pytest.mark.slow
def test_form_keys_and_unknown_fields_with_extreme_ids(app, world, no_safety_net):
    """Ids in form keys (select values, hidden ids) beyond the database's integer range."""
    failures: list[str] = []
    for form in _forms_of(app, world, "staff"):
        if DESTRUCTIVE.search(form["action"]):
            continue
        data = {k: v for k, v in form["fields"].items() if v is not None}
        for name, value in list(data.items()):
            if value and value.isdigit():
                for big in ("2147483648", "99999999999999999999999", "١"):
                    response = role_client(app, world, "staff").post(form["action"], data={**data, name: big})
                    _check(response, f"POST {form['action']} {name}={big}", failures)
    assert not failures, "\n".join(failures[:40])


def _nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = {"a": [value]}
    return value


@pytest.mark.slow
def test_api_bodies_with_extreme_values(app, world, no_safety_net):
    from app.api.core import OPERATIONS

    failures: list[str] = []
    client = app.test_client()
    headers = {"Authorization": f"Bearer {world.api_tokens['staff']}", "Content-Type": "application/json"}
    for op in OPERATIONS:
        if op.body is None:
            continue
        rule = next(r for r in app_rules(app) if r.rule == "/api/v1" + op.rule and op.method.upper() in r.methods)
        path = build_path(rule, world)
        deep = "[" * 100_000 + "]" * 100_000
        response = client.open(path, method=op.method.upper(), data=deep, headers=headers)
        _check(response, f"{op.method} {path} deeply nested", failures)
        assert response.status_code in (400, 413, 422) or response.status_code < 500
        for name in op.body.model_fields:
            for value in EXTREMES + [2**63, -(2**63), 10**400 if False else 2**100, 1e308, _nested(50)]:
                response = client.open(path, method=op.method.upper(), json={name: value}, headers=headers)
                _check(response, f"{op.method} {path} {name}={str(value)[:30]}", failures)
    assert not failures, "\n".join(failures[:40])
