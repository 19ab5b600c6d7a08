"""Property-based fuzzing of /api/v1 with Schemathesis, authenticated as staff.

Every operation in /api/v1/openapi.json (so endpoints added later are fuzzed too) gets generated
valid and invalid requests; each answer must be no 5xx and conform to the document (status
codes, content types, bodies, schema-invalid data rejected).
Bounded for CI: a few examples per operation and mode, no per-example deadline (the database
and SQLite locking make single examples slow now and then); whole module well under a minute.

Schemathesis' own pytest integration (``from_fixture``) does not work with pytest 9 yet, so the
operations are walked here with Hypothesis directly.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

# "Schema-valid data must be accepted" cannot hold for rules JSON Schema cannot express: the
# Y-tunnus check digit, email-validator's refusal of special-use domains (.test, .local),
# uniqueness (409 is documented, but 422 for a check digit is not "acceptance"). Every other
# check runs: no 5xx, documented status codes and content types, bodies match their schemas,
# schema-invalid data rejected, auth enforced.
EXCLUDED_CHECKS = [positive_data_acceptance]

MAX_EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 20}


@pytest.fixture
def staff_headers(make):
    user = make.user("staff", password=None)
    return {"Authorization": f"Bearer {make.token(user)}"}


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, "openapi.json lists no operations"
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_api_conforms_to_its_schema(app, staff_headers, mode):
    failures: list[str] = []
    for operation in _operations(app):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES[mode], deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), print_blob=False)
        def run(case):
            case.call_and_validate(headers=staff_headers, excluded_checks=EXCLUDED_CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - report every operation, not only the first
            failures.append(f"{operation.label} ({mode.value}):\n{exc}")
    assert not failures, "\n\n".join(failures)


def test_openapi_document_is_valid(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.validate()
