"""Property-based run of the API against its own schema (schemathesis), once with a staff key and
once with a partner organisation's key: no generated request, valid or not, may get a server
error or a response the schema does not describe (status, content type, headers, body).

Every other valid request is aimed at the records of ``programme_records`` (their ids in the
path, the body and the query, and dates a new record may have), so that reads find data and a
staff key's writes succeed, not only their error paths."""

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

from tests.casework.factories import ReferralFactory
from tests.communities.api_support import CASE_TEAM_ONLY, issue_key

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and mode: 42 per operation, about 1,400 requests per key in half a minute.
EXAMPLES = {schemathesis.GenerationMode.POSITIVE: 28, schemathesis.GenerationMode.NEGATIVE: 14}
# The floor each key's run must reach (docs/development.md cites it).
REQUESTS_PER_KEY = 1_250


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


# The ids a body or a query may hold, by name, and the collection of the record they point at.
ID_FIELDS = {
    "community": "communities",
    "region": "regions",
    "partner": "partners",
    "negotiator": "negotiators",
    "module": "training/modules",
    "programme": "programmes",
    "case": "cases",
    "incident": "incidents",
}

# Moments a new record may have (from 2000, not in the future, after the incident of
# programme_records): most generated ones are refused for one of these rules.
MOMENTS = {
    "date": "2025-06-02",
    "starts_at": "2025-06-02T10:00:00+03:00",
    "occurred_at": "2025-06-02T10:00:00+03:00",
    "performed_at": "2025-06-02T10:00:00+03:00",
    # Case work: after the case was opened and its referral sent.
    "opened_on": "2025-06-02",
    "happened_on": "2025-06-02",
    "sent_on": "2025-06-02",
    "on": "2025-06-02",
    "follow_up_on": "2025-06-02",
}
# A new event's life-cycle fields as those of a plain held event: the rules between them (a
# planned event not over, a link for an online one, a slug to open registration) refuse almost
# every generated combination.
HELD_EVENT = {
    "status": "held",
    "format": "in_person",
    "time_zone": "",
    "meeting_link": "",
    "stream_link": "",
    "registration_open": False,
    "series": None,
    "part": None,
    "audience_communities": [],
}


def aim(case, records: dict) -> None:
    """Point a valid case's ids at records that exist and give a new record's dates a value the
    API takes (the values stay of the schema's types; a null stays null)."""
    prefix = case.operation.path.removeprefix("/api/v1/").split("/{id}")[0].rstrip("/")
    if "id" in (case.path_parameters or {}) and prefix in records:
        case.path_parameters["id"] = records[prefix].pk
    for values in (case.body, case.query):
        if isinstance(values, dict):
            _aim_values(values, records, writing=case.method.upper() == "POST")
    if prefix == "events" and case.method.upper() == "POST" and isinstance(case.body, dict):
        case.body.update({name: value for name, value in HELD_EVENT.items() if name in case.body})
        if case.body.get("date") is None and case.body.get("starts_at") is None:
            case.body["date"] = MOMENTS["date"]  # one of the two is required
    if prefix == "results" and isinstance(case.query, dict) and case.query.get("period") is not None:
        case.query["period"] = "2025"  # within the programme's dates
    posting_a_report = prefix == "reports" and case.method.upper() == "POST" and isinstance(case.body, dict)
    if posting_a_report and case.body.get("year") is not None:
        case.body["year"] = 2025  # a period with records: one before the first is refused


def _aim_values(values: dict, records: dict, *, writing: bool) -> None:
    for name, collection in ID_FIELDS.items():
        if values.get(name) is not None:
            values[name] = records[collection].pk
    if values.get("organisers"):
        values["organisers"] = [records["negotiators"].pk]
    _aim_case_work(values, records)
    if writing:
        for name, moment in MOMENTS.items():
            if values.get(name) is not None:
                values[name] = moment


def _aim_case_work(values: dict, records: dict) -> None:
    """Case work's records that are no collection: the case's person and its referral's agency; a
    new case is worked by the caller (another user id is refused)."""
    if values.get("beneficiary") is not None:
        values["beneficiary"] = records["cases"].beneficiary_id
    if values.get("agency") is not None:
        values["agency"] = records["referrals"].agency_id
    for name in ("case_worker", "supervisor"):
        if name in values:
            values[name] = None


def reached_data(response) -> bool:
    """A 2xx with records or figures in it, not an empty page."""
    if not 200 <= response.status_code < 300:
        return False
    content_type = response.headers.get("content-type", [""])[0]
    if content_type.startswith("application/json"):
        body = response.json()
        if isinstance(body, list):  # results/: rows of figures
            return bool(body)
        return isinstance(body, dict) and bool(
            body.get("results") or body.get("id") or body.get("community_rows") or body.get("indicator")
        )
    if content_type.startswith("text/csv"):
        return response.content.count(b"\n") > 1  # its header and a row
    return bool(response.content)  # a report's PDF


def is_case_team(operation) -> bool:
    """Cases and referrals, an incident's referrals among them: a partner finds none (404)."""
    path = operation.path.removeprefix("/api/v1/")
    return path.split("/")[0] in CASE_TEAM_ONLY or path.endswith("/referrals/")


def run_operation(operation, mode, records, headers, runs: dict) -> None:
    cases: Counter[str] = Counter()

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        cases["run"] += 1
        if mode is schemathesis.GenerationMode.POSITIVE and cases["run"] % 2:
            aim(case, records)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        runs["calls"][operation.label] += 1
        runs["statuses"][response.status_code] += 1
        if reached_data(response):
            runs["found"][operation.label] += 1

    run()


@pytest.mark.parametrize("role", ["staff", "partner"])
def test_the_api_keeps_to_its_schema(role, wsgi_app, staff_user, partner, programme_records):
    # The partner covers the community that holds programme_records, so its key reads data too.
    key = issue_key(staff_user if role == "staff" else partner)
    # The incident's referrals list has one to find.
    ReferralFactory(case=None, incident=programme_records["incidents"])
    # identity: the in-process WSGI client does not undo GZipMiddleware.
    headers = {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    runs: dict[str, Counter] = {"calls": Counter(), "statuses": Counter(), "found": Counter()}
    for operation in operations:
        for mode in EXAMPLES:
            run_operation(operation, mode, programme_records, headers, runs)

    calls, statuses, found = runs["calls"], runs["statuses"], runs["found"]
    histogram = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    print(
        f"\nschemathesis, {role} key: {len(operations)} operations, {sum(calls.values())} requests, "
        f"{sum(found.values())} reached data; statuses {histogram}"
    )
    assert len(operations) >= 33
    assert set(calls) == {operation.label for operation in operations}
    assert sum(calls.values()) >= REQUESTS_PER_KEY
    # Every read found records in scope at least once, not only its error paths (a partner finds
    # no case nor referral, an incident's neither: those answer it 404).
    reads = {
        operation.label
        for operation in operations
        if operation.method.upper() == "GET" and (role == "staff" or not is_case_team(operation))
    }
    assert reads <= set(found), sorted(reads - set(found))
    if role == "staff":
        writes = {operation.label for operation in operations if operation.method.upper() == "POST"}
        assert writes <= set(found), sorted(writes - set(found))
        assert statuses[201] > 0
    else:
        # A partner's key only reads.
        assert not found.keys() - reads
