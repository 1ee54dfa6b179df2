"""Property-based run of the API against its own schema (schemathesis), with a staff key: no
generated request, valid or not, may get a server error or a response the schema does not
describe (status, content type, headers, body)."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.communities.api_support import issue_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and mode: bounded so the whole run stays around a minute.
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 20, schemathesis.GenerationMode.NEGATIVE: 10}


@pytest.fixture
def wsgi_app():
    # The app runs inside this test's transaction; Django would close the connection at the start
    # and end of every request (Django's test client prevents it in the same way).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def run_operation(operation, mode, examples, headers, calls: Counter, statuses: Counter) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        calls[operation.label] += 1
        statuses[response.status_code] += 1

    run()


def test_the_api_keeps_to_its_schema(wsgi_app, staff_user, programme_records):
    # identity: the in-process WSGI client does not undo GZipMiddleware.
    headers = {"Authorization": f"Bearer {issue_key(staff_user)}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    calls, statuses = Counter(), Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            run_operation(operation, mode, examples, headers, calls, statuses)
    assert set(calls) == {operation.label for operation in operations}
    assert len(operations) >= 27
    assert sum(calls.values()) >= len(operations) * 10
    # It really reached the data, not only the error paths.
    assert statuses[200] > 50
