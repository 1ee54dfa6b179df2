"""Who may do what, as a table: role x route x method -> status (pretix's test_permissions).

Every route the router serves must have its rows: a collection added to ``config/api_urls.py``
without them fails ``test_every_route_of_the_api_has_rows_in_the_matrix``.
"""

from urllib.parse import urlencode

import pytest
from django.db import transaction

from config.api_urls import COLLECTIONS
from reports.models import DOCX_CONTENT_TYPE
from tests.communities.api_support import (
    CASE_TEAM_ONLY,
    ROLES,
    collection_query,
    event_body,
    incident_body,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

# Routes: "<prefix>/" (list), "<prefix>/{id}/" (detail), "<prefix>/{id}/<action>/" (extra actions).
# Statuses per role, in the order of ROLES:
#   anonymous, no_role, partner_key, partner_session, negotiator, manager, staff, staff_key, dpo,
#   case_worker, supervisor, other_negotiator
# The data protection officer (dpo) sees no community: empty lists, records "not found"; nor do
# the case worker and the supervisor of programme_records' case (case worker logins, who see only
# their cases); the other negotiator works in another community.
READ = (401, 403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
READ_ONE = (401, 403, 200, 200, 200, 200, 200, 200, 404, 404, 404, 404)
# Partners and negotiators see no other partner organisation: the demo partner is their own.
NO_WRITE_ROUTE = (401, 403, 405, 405, 405, 405, 405, 405, 405, 405, 405, 405)
# Logging a new record: a case worker logs no event or incident; the other negotiator may not log
# in this community (400: not one of those offered).
WRITE = (401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 400)
# On a record: the other negotiator does not find it.
WRITE_ON_RECORD = (401, 403, 403, 403, 201, 403, 201, 201, 403, 403, 403, 404)
TRANSITION = (401, 403, 403, 403, 200, 403, 200, 200, 403, 403, 403, 404)
# Reports: programme staff and managers see all; a partner organisation its own; negotiators none.
REPORT_READ = (401, 403, 200, 200, 404, 200, 200, 200, 404, 404, 404, 404)
# Requesting one is queued (202): programme staff and managers only; partners only read.
REPORT_REQUEST = (401, 403, 403, 403, 403, 202, 202, 202, 403, 403, 403, 403)
# Library documents the partners of their programme see: staff and managers all, negotiators the
# public ones, the dpo none.
DOCUMENT_READ = (401, 403, 200, 200, 404, 200, 200, 200, 404, 404, 404, 404)
# Campaigns and agreements: staff and managers all, the programme's partners theirs, negotiators
# none.
NOT_FOR_NEGOTIATORS = DOCUMENT_READ
# Cases and referrals, the case team's only: partners, managers and the dpo get 404 on every route
# (as for an unknown URL, never 403); staff all; the case's worker and supervisor theirs; a
# negotiator (a case worker too) none of this case, so the list is empty and the record unknown.
CASE_TEAM_LIST = (401, 403, 404, 404, 200, 404, 200, 200, 404, 200, 200, 200)
CASE_TEAM_ONE = (401, 403, 404, 404, 404, 404, 200, 200, 404, 200, 200, 404)
# A new case or referral: of a person or case the negotiators do not work (400: not offered).
CASE_TEAM_CREATE = (401, 403, 404, 404, 400, 404, 201, 201, 404, 201, 201, 400)
CASE_TEAM_WRITE_ON_RECORD = (401, 403, 404, 404, 404, 404, 201, 201, 404, 201, 201, 404)
CASE_TEAM_MOVE = (401, 403, 404, 404, 404, 404, 200, 200, 404, 200, 200, 404)
CASE_TEAM_NO_WRITE_ROUTE = (401, 403, 404, 404, 405, 404, 405, 405, 404, 405, 405, 405)

MATRIX = {
    ("regions/", "GET"): READ,
    ("regions/", "POST"): NO_WRITE_ROUTE,
    ("regions/{id}/", "GET"): READ_ONE,
    ("communities/", "GET"): READ,
    ("communities/", "POST"): NO_WRITE_ROUTE,
    ("communities/{id}/", "GET"): READ_ONE,
    ("partners/", "GET"): READ,
    ("partners/", "POST"): NO_WRITE_ROUTE,
    # A negotiator sees no partner organisation at all.
    ("partners/{id}/", "GET"): (401, 403, 200, 200, 404, 200, 200, 200, 404, 404, 404, 404),
    ("programmes/", "GET"): READ,
    ("programmes/", "POST"): NO_WRITE_ROUTE,
    ("programmes/{id}/", "GET"): READ_ONE,
    # The record is a partner-visible document: negotiators see public ones only.
    ("documents/", "GET"): READ,
    ("documents/", "POST"): NO_WRITE_ROUTE,
    ("documents/{id}/", "GET"): DOCUMENT_READ,
    ("documents/{id}/file/", "GET"): DOCUMENT_READ,
    ("documents/{id}/file/", "POST"): NO_WRITE_ROUTE,
    # Outputs: everyone who sees the programme, negotiators included.
    ("deliverables/", "GET"): READ,
    ("deliverables/", "POST"): NO_WRITE_ROUTE,
    ("deliverables/{id}/", "GET"): READ_ONE,
    ("campaigns/", "GET"): READ,
    ("campaigns/", "POST"): NO_WRITE_ROUTE,
    ("campaigns/{id}/", "GET"): NOT_FOR_NEGOTIATORS,
    ("agreements/", "GET"): READ,
    ("agreements/", "POST"): NO_WRITE_ROUTE,
    ("agreements/{id}/", "GET"): NOT_FOR_NEGOTIATORS,
    ("negotiators/", "GET"): READ,
    ("negotiators/", "POST"): NO_WRITE_ROUTE,
    ("negotiators/{id}/", "GET"): READ_ONE,
    ("training/modules/", "GET"): READ,
    ("training/modules/", "POST"): NO_WRITE_ROUTE,
    # The School's modules belong to no community: everyone with a role reads them.
    ("training/modules/{id}/", "GET"): READ,
    ("training/sessions/", "GET"): READ,
    ("training/sessions/", "POST"): NO_WRITE_ROUTE,
    ("training/sessions/{id}/", "GET"): READ_ONE,
    ("events/", "GET"): READ,
    ("events/", "POST"): WRITE,
    ("events/{id}/", "GET"): READ_ONE,
    ("incidents/", "GET"): READ,
    ("incidents/", "POST"): WRITE,
    ("incidents/{id}/", "GET"): READ_ONE,
    ("incidents/{id}/actions/", "GET"): READ_ONE,
    ("incidents/{id}/actions/", "POST"): WRITE_ON_RECORD,
    ("incidents/{id}/transition/", "GET"): NO_WRITE_ROUTE,
    ("incidents/{id}/transition/", "POST"): TRANSITION,
    # An incident's referrals: for those who work cases (a negotiator there, staff); partners and
    # managers read the incident but not them.
    # An incident's referrals: its community's negotiator and staff; no one outside the case team.
    ("incidents/{id}/referrals/", "GET"): (401, 403, 404, 404, 200, 404, 200, 200, 404, 404, 404, 404),
    ("incidents/{id}/referrals/", "POST"): WRITE_ON_RECORD,
    ("assessments/", "GET"): READ,
    ("assessments/", "POST"): NO_WRITE_ROUTE,
    ("assessments/{id}/", "GET"): READ_ONE,
    ("engagements/", "GET"): READ,
    ("engagements/", "POST"): NO_WRITE_ROUTE,
    ("engagements/{id}/", "GET"): READ_ONE,
    ("media-mentions/", "GET"): READ,
    ("media-mentions/", "POST"): NO_WRITE_ROUTE,
    ("media-mentions/{id}/", "GET"): READ_ONE,
    ("analyses/", "GET"): READ,
    ("analyses/", "POST"): NO_WRITE_ROUTE,
    ("analyses/{id}/", "GET"): READ_ONE,
    ("plans/", "GET"): READ,
    ("plans/", "POST"): NO_WRITE_ROUTE,
    ("plans/{id}/", "GET"): READ_ONE,
    ("initiatives/", "GET"): READ,
    ("initiatives/", "POST"): NO_WRITE_ROUTE,
    ("initiatives/{id}/", "GET"): READ_ONE,
    ("regulations/", "GET"): READ,
    ("regulations/", "POST"): NO_WRITE_ROUTE,
    ("regulations/{id}/", "GET"): READ_ONE,
    ("cases/", "GET"): CASE_TEAM_LIST,
    ("cases/", "POST"): CASE_TEAM_CREATE,
    ("cases/{id}/", "GET"): CASE_TEAM_ONE,
    ("cases/{id}/contacts/", "GET"): CASE_TEAM_ONE,
    ("cases/{id}/contacts/", "POST"): CASE_TEAM_WRITE_ON_RECORD,
    ("referrals/", "GET"): CASE_TEAM_LIST,
    ("referrals/", "POST"): CASE_TEAM_CREATE,
    ("referrals/{id}/", "GET"): CASE_TEAM_ONE,
    ("referrals/{id}/move/", "GET"): CASE_TEAM_NO_WRITE_ROUTE,
    ("referrals/{id}/move/", "POST"): CASE_TEAM_MOVE,
    ("indicators/", "GET"): READ,
    ("indicators/", "POST"): NO_WRITE_ROUTE,
    # A case worker and a supervisor get the figures of their case's community.
    ("indicators/{id}/", "GET"): (401, 403, 200, 200, 200, 200, 200, 200, 404, 200, 200, 404),
    # Everyone sees the list; a negotiator's is empty.
    # A programme the caller does not see is an unknown one (400); the dpo sees none.
    ("results/", "GET"): (401, 403, 200, 200, 200, 200, 200, 200, 400, 400, 400, 400),
    ("results/", "POST"): NO_WRITE_ROUTE,
    ("results/{id}/", "GET"): READ_ONE,
    ("reports/", "GET"): READ,
    ("reports/", "POST"): REPORT_REQUEST,
    ("reports/{id}/", "GET"): REPORT_READ,
    ("reports/{id}/pdf/", "GET"): REPORT_READ,
    ("reports/{id}/pdf/", "POST"): NO_WRITE_ROUTE,
    # The DOCX version: exactly those who get the PDF.
    ("reports/{id}/docx/", "GET"): REPORT_READ,
    ("reports/{id}/docx/", "POST"): NO_WRITE_ROUTE,
    # The change feed is a list only: each caller reads the changes of what it may see.
    ("changes/", "GET"): READ,
    ("changes/", "POST"): NO_WRITE_ROUTE,
}
# No record can be replaced, edited or deleted through the API (staff do that in the admin).
for prefix, _viewset, _basename in COLLECTIONS:
    for method in ("PUT", "PATCH", "DELETE"):
        MATRIX.setdefault(
            (f"{prefix}/{{id}}/", method), CASE_TEAM_NO_WRITE_ROUTE if prefix in CASE_TEAM_ONLY else NO_WRITE_ROUTE
        )


def _incident_referral_body(records: dict) -> dict:
    from tests.casework.factories import AgencyFactory

    return {"agency": AgencyFactory.create(country=records["communities"].region.country).pk}


# The body of a write, by route (a route ending so: by its last segment).
BODIES = {
    "events/": lambda records: event_body(records["communities"]),
    "incidents/": lambda records: incident_body(records["communities"]),
    "incidents/{id}/referrals/": _incident_referral_body,
    "reports/": lambda records: {"kind": "annual", "year": 2025},
    "cases/": lambda records: {"beneficiary": records["cases"].beneficiary_id},
    "referrals/": lambda records: {
        "case": records["cases"].pk,
        "agency": records["referrals"].agency_id,
        "sent_on": "2025-03-15",
    },
}
BODIES_BY_ENDING = {
    "/actions/": lambda records: {"kind": "mediation_meeting", "description": "Зустріч сторін"},
    "/transition/": lambda records: {"to_status": "in_progress", "response_mode": "mediation"},
    "/contacts/": lambda records: {"kind": "phone", "note": "Дзвінок"},
    "/move/": lambda records: {"status": "accepted"},
}


def body_for(route: str, records: dict) -> dict:
    if route in BODIES:
        return BODIES[route](records)
    for ending, body in BODIES_BY_ENDING.items():
        if route.endswith(ending):
            return body(records)
    return {}


def query_for(route: str, method: str, records: dict) -> dict:
    prefix = route.split("/{id}/")[0].rstrip("/")
    detail = "{id}" in route
    return collection_query(prefix, records.get("programmes"), detail=detail) if method == "GET" else {}


def routes_of_the_api() -> set[tuple[str, str]]:
    # Routes beside the collections: the change feed.
    routes = {("changes/", "GET"), ("changes/", "POST")}
    for prefix, viewset, _basename in COLLECTIONS:
        routes |= {(f"{prefix}/", "GET"), (f"{prefix}/", "POST"), (f"{prefix}/{{id}}/", "GET")}
        routes |= {(f"{prefix}/{{id}}/", method) for method in ("PUT", "PATCH", "DELETE")}
        for extra in viewset.get_extra_actions():
            route = f"{prefix}/{{id}}/{extra.url_path}/" if extra.detail else f"{prefix}/{extra.url_path}/"  # type: ignore[attr-defined]
            routes |= {(route, method) for method in ("GET", "POST")}
    return routes


def test_every_route_of_the_api_has_rows_in_the_matrix():
    assert routes_of_the_api() - set(MATRIX) == set()
    assert set(MATRIX) - routes_of_the_api() == set()


@pytest.mark.parametrize(("route", "method"), sorted(MATRIX), ids=lambda value: str(value))
def test_permission_matrix(route, method, api_as, programme_records):
    prefix = route.split("/{id}/")[0].rstrip("/")
    record = programme_records.get(prefix)
    url = "/api/v1/" + route.replace("{id}", str(record.pk if record else 0))
    query = query_for(route, method, programme_records)
    if query:
        url += "?" + urlencode(query)
    actual = {}
    for role in ROLES:
        client = api_as(role)
        # Each role starts from the same data: a write by one does not change what the next sees.
        with transaction.atomic():
            # A GET sends no body: the test client would turn it into query parameters, which the
            # API refuses (400) when the URL does not take them.
            body = None if method == "GET" else body_for(route, programme_records)
            response = getattr(client, method.lower())(url, body, format="json")
            transaction.set_rollback(True)
        actual[role] = response.status_code
        expected_type = (
            "application/pdf"
            if route.endswith(("/pdf/", "/file/")) and response.status_code == 200
            else DOCX_CONTENT_TYPE
            if route.endswith("/docx/") and response.status_code == 200
            else "application/json"
        )
        assert response["Content-Type"].startswith(expected_type), (role, response.content[:200])
    assert actual == dict(zip(ROLES, MATRIX[route, method], strict=True))
