"""No personal or internal data ever reaches a partner organisation: a walk over every route of
the API, in JSON and CSV, list and detail, as the demo partner's key, on the demo programme plus a
few records whose internal fields hold values that must never come out."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from communities.models import PartnerOrganisation, Partnership
from config.api_urls import COLLECTIONS
from events.models import AudienceRole, ConsentText, Feedback, Registration
from incidents.models import IncidentParty
from incidents.services import incident_report
from negotiators.models import NegotiatorContact, OutreachEvent
from reports.models import ReportScope
from tests.communities.api_support import CASE_TEAM_ONLY, KYIV, collection_query, issue_key, key_client, listed_ids
from tests.communities.factories import EngagementFactory
from tests.reports.factories import MonitoringReportFactory
from tests.support.factories import ActivityFactory, MediatorFactory, RecommendationFactory
from training.models import TrainingSession

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

# Field names that never appear in a partner's response, wherever they are.
FORBIDDEN_EVERYWHERE = {
    "full_name",
    "phone",
    "email",
    "gender",
    "notes",
    "internal_notes",
    "note",
    "trainers",
    "created_by",
    "user",
    "actor",
    "members",
    "parties",
    "contact",
    "location",
    "requested_by",
}
# And per collection, names that are fine elsewhere (a module's description, a community's
# coordinates) but personal or internal here.
FORBIDDEN_IN = {
    # A party's sex, age group and vulnerable group only ever leave counted (indicators/).
    "incidents": {
        "description",
        "latitude",
        "longitude",
        "location_accuracy_m",
        "sex",
        "age_group",
        "vulnerable_group",
        "is_minor",
    },
    "incidents/actions": {"description"},
    # The meeting link goes to registrants only; registrants never leave the portal.
    "events": {
        "meeting_link",
        "registrations",
        "question",
        "accessibility_needs",
        # The phone's position: partners get the community's location instead.
        "latitude",
        "longitude",
        "location_accuracy_m",
    },
    # The NGO's finances: the budget, the tranches and what each donor gives.
    "programmes": {"budget", "tranches", "amount"},
    # Who did an activity (staff, the mediators by name) and the recommendations' evidence.
    "engagements": {"staff", "evidence", "person", "training", "languages"},
}


@pytest.fixture
def secrets_in_the_demo(demo_programme):
    """Internal values in the partner's own communities, so the walk would see them if they leaked."""
    partner = PartnerOrganisation.objects.order_by("pk").first()
    home = partner.communities.order_by("pk").first()
    staff = get_user_model().objects.get(username="staff")
    incident = incident_report(
        actor=staff,
        community=home,
        category="domestic_conflict",
        occurred_at=datetime(2025, 5, 5, 20, 0, tzinfo=KYIV),
        title="Конфлікт у родині",
        description="СЕКРЕТ-опис: Петренко Іван погрожував сусідці",
        location="СЕКРЕТ-адреса вул. Шевченка 12, кв. 5",
        internal_notes="СЕКРЕТ-нотатка слідчого",
        parties=[
            {
                "role": "complainant",
                "full_name": "Сидоренко Марина Петрівна",
                "phone": "+380 99 111 22 33",
                "sex": "female",
                "age_group": "30-59",
                "vulnerable_group": "displaced",
            }
        ],
    )
    incident.latitude, incident.longitude = Decimal("49.11111"), Decimal("27.22222")
    incident.location_accuracy_m = 4321
    incident.save()
    event = OutreachEvent.objects.filter(community__in=partner.communities.all()).order_by("pk").first()
    event.internal_notes = "СЕКРЕТ-внутрішня нотатка події"
    event.latitude, event.longitude, event.location_accuracy_m = Decimal("49.33333"), Decimal("27.44444"), 4321
    event.save()
    # A webinar of the partner's community: its meeting link and its registrants never come out,
    # only their counts (indicators/).
    event.meeting_link = "https://meet.example.org/СЕКРЕТ-кімната"
    event.audience_communities.add(home)
    event.save()
    consent = ConsentText.objects.create(version=99, language="uk", text="Згода")
    registration = Registration.objects.create(
        event=event,
        full_name="Ковальчук Оксана Зареєстрована",
        email="registrant.private@example.org",
        organisation="СЕКРЕТ-організація",
        role=AudienceRole.POLICE,
        community=home,
        question="СЕКРЕТ-питання доповідачам",
        accessibility_needs="СЕКРЕТ-потреби",
        consent=consent,
        consented_at=timezone.now(),
        attended=True,
    )
    Feedback.objects.create(registration=registration, rating=5, comment="СЕКРЕТ-відгук")
    TrainingSession.objects.update(trainers="СЕКРЕТ-тренерка Яремчук Ольга", notes="СЕКРЕТ-нотатки сесії")
    Partnership.objects.filter(community=home).update(note="СЕКРЕТ-примітка партнерства")
    for index, contact in enumerate(NegotiatorContact.objects.order_by("pk")):
        contact.email = f"negotiator.private.{index}@example.org"
        contact.notes = f"СЕКРЕТ-контакт {index}"
        contact.save()
    MonitoringReportFactory(
        scope=ReportScope.PARTNER, partner=partner, note="СЕКРЕТ-примітка звіту", requested_by=staff
    )
    # An engagement of the partner's community: its activity's notes name the people interviewed,
    # its mediator has a name and contacts; only the steps, hours and a count come out.
    engagement = EngagementFactory(community=home, starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    mediator = MediatorFactory(person__full_name="Медіаторка Секретна-Прізвище")
    activity = ActivityFactory(engagement=engagement, notes="СЕКРЕТ-інтерв'ю з Петренко")
    activity.mediators.add(mediator)
    RecommendationFactory(engagement=engagement, evidence="СЕКРЕТ-доказ")
    values = {"СЕКРЕТ", "49.11111", "27.22222", "49.33333", "27.44444", "Яремчук", "Секретна-Прізвище"}
    values |= {mediator.person.email, mediator.person.phone}
    for contact in NegotiatorContact.objects.all():
        values |= {contact.full_name, contact.phone, contact.email} - {""}
    for party in IncidentParty.objects.all():
        values |= {party.full_name, party.phone} - {""}
    values |= {registration.full_name, registration.email, registration.email_token}
    return partner, values


def json_keys(value, found=None) -> set[str]:
    found = set() if found is None else found
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            json_keys(item, found)
    elif isinstance(value, list):
        for item in value:
            json_keys(item, found)
    return found


def csv_columns(text: str) -> set[str]:
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    return {column.split(".")[-1] for column in header}


def xlsx_columns_and_text(content: bytes) -> tuple[set[str], str]:
    """The header's field names and every cell's text of a one-sheet workbook."""
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True))
    header = {str(column).split(".")[-1] for column in (rows[0] if rows else ())}
    return header, "\n".join("\t".join("" if value is None else str(value) for value in row) for row in rows)


def names_and_text(fmt: str, response) -> tuple[set[str], str]:
    """The field names a response shows (JSON keys, CSV or XLSX columns) and all its text."""
    if fmt == "xlsx":
        return xlsx_columns_and_text(response.content)
    text = response.content.decode("utf-8")
    return (json_keys(response.json()) if fmt == "json" else csv_columns(text)), text


FORMATS = ("json", "csv", "xlsx")


def route_problems(client, url: str, collection: str, query: dict, personal_values: set[str]) -> list:
    """What one route shows that it must not, in each format."""
    problems: list = []
    for fmt in FORMATS:
        response = client.get(url, {"format": fmt, **query})
        if response.status_code != 200:
            problems.append((url, fmt, response.status_code))
            continue
        names, text = names_and_text(fmt, response)
        forbidden = names & (FORBIDDEN_EVERYWHERE | FORBIDDEN_IN.get(collection, set()))
        if forbidden:
            problems.append((url, fmt, "fields", sorted(forbidden)))
        leaked = {value for value in personal_values if value in text}
        if leaked:
            problems.append((url, fmt, "values", sorted(leaked)))
    return problems


def feed_problems(client, personal_values) -> list:
    """The change feed read from the beginning: every record the partner may see, as created."""
    problems: list = []
    url = "/api/v1/changes/"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:200]
        body = response.json()
        for item in body["results"]:
            names = json_keys(item["record"])
            forbidden = names & (FORBIDDEN_EVERYWHERE | FORBIDDEN_IN.get(item["collection"], set()))
            if forbidden:
                problems.append((url, item["collection"], "fields", sorted(forbidden)))
        leaked = {value for value in personal_values if value in response.content.decode()}
        if leaked:
            problems.append((url, "values", sorted(leaked)))
        url = f"/api/v1/changes/?since={body['next_cursor']}" if body["has_more"] else ""
    return problems


@pytest.mark.parametrize("credentials", ["api key", "member's session"])
def test_partner_walk_finds_no_personal_data_in_any_route(secrets_in_the_demo, credentials):
    partner, personal_values = secrets_in_the_demo
    if credentials == "api key":
        client = key_client(issue_key(partner))
    else:
        client = APIClient()
        client.force_login(partner.members.get(username="partner"))
    problems = []
    visited = 0

    def check(url: str, collection: str, query: dict):
        nonlocal visited
        problems.extend(route_problems(client, url, collection, query, personal_values))
        visited += len(FORMATS)

    for prefix, _viewset, _basename in COLLECTIONS:
        query = collection_query(prefix)
        # results/ are the rows of one programme's figures, not pages.
        paging = {} if prefix == "results" else {"page_size": 500}
        listing = client.get(f"/api/v1/{prefix}/", {**paging, **query})
        if prefix in CASE_TEAM_ONLY:
            # Not there for a partner, as an unknown URL.
            assert listing.status_code == 404, prefix
            continue
        assert listing.status_code == 200, prefix
        # Pages are a list's: a record takes no page_size (400).
        check(f"/api/v1/{prefix}/", prefix, {**paging, **query})
        for record in listed_ids(prefix, listing.json()):
            check(f"/api/v1/{prefix}/{record}/", prefix, query)
            if prefix == "incidents":
                check(f"/api/v1/incidents/{record}/actions/", "incidents/actions", {"page_size": 500})
    problems += feed_problems(client, personal_values)
    assert problems == []
    assert visited > 500  # the walk really went through the demo programme


# --- case work --------------------------------------------------------------------------------------


@pytest.fixture
def case_work_secrets(programme_records, partner, staff_user):
    """Names, phones, e-mails and document numbers in a person's identifying data, and free text
    about them in every field of case work, in the partner's own community."""
    from casework.models import AgreementItem, BeneficiaryIdentity, CaseContact, NeedsAssessment
    from tests.casework.factories import GoalFactory, MediationAgreementFactory, PlanActionFactory

    case, referral = programme_records["cases"], programme_records["referrals"]
    identity = BeneficiaryIdentity.objects.get(beneficiary=case.beneficiary)
    identity.full_name = "Зарина Секретова-Алимова"
    identity.phone = "+998 90 765 43 21"
    identity.email = "zarina.private@example.uz"
    identity.document_number = "AB 7654321"
    identity.address = "СЕКРЕТ-махалля Чорсу, дом 7"
    identity.notes = "СЕКРЕТ-нотатки особи"
    identity.save()
    case.summary = "СЕКРЕТ-підсумок: Зарина чекає на паспорт"
    case.save()
    referral.reason = "СЕКРЕТ-причина скерування"
    referral.feedback = "СЕКРЕТ-відповідь установи"
    referral.save()
    CaseContact.objects.create(case=case, kind="visit", happened_on=case.opened_on, note="СЕКРЕТ-візит")
    assessment = NeedsAssessment.objects.create(case=case, assessed_on=case.opened_on, notes="СЕКРЕТ-оцінка")
    assessment.needs.create(domain="documents", level=3, description="СЕКРЕТ-потреба")
    goal = GoalFactory(case=case, description="СЕКРЕТ-ціль")
    PlanActionFactory(goal=goal, description="СЕКРЕТ-дія")
    agreement = MediationAgreementFactory(community=case.community, notes="СЕКРЕТ-угода", responsible=staff_user)
    AgreementItem.objects.create(agreement=agreement, text="СЕКРЕТ-зобов'язання", due_on=date(2025, 5, 1))
    values = {"СЕКРЕТ", identity.full_name, identity.phone, identity.email, identity.document_number}
    return values | {case.beneficiary.code}


def test_no_name_phone_or_document_of_case_work_reaches_a_partner_anywhere(case_work_secrets, partner, media_root):
    """Every output a partner reads (each collection in JSON, CSV and XLSX, the indicators, the
    change feed and the PDF and DOCX of its report) without a planted value; case work only as "<5"."""
    from reports.services import report_build
    from tests.reports.helpers import docx_text, pdf_text

    client = key_client(issue_key(partner))
    problems: list = []
    for prefix, _viewset, _basename in COLLECTIONS:
        query = collection_query(prefix)
        paging = {} if prefix == "results" else {"page_size": 500}
        listing = client.get(f"/api/v1/{prefix}/", {**paging, **query})
        if prefix in CASE_TEAM_ONLY:
            assert listing.status_code == 404, prefix
            continue
        problems += route_problems(client, f"/api/v1/{prefix}/", prefix, {**paging, **query}, case_work_secrets)
        for record in listed_ids(prefix, listing.json()):
            problems += route_problems(client, f"/api/v1/{prefix}/{record}/", prefix, query, case_work_secrets)
    problems += feed_problems(client, case_work_secrets)
    indicators = client.get("/api/v1/indicators/", {"period": "2025"}).json()
    assert indicators["casework"]["opened"]["current"] == "<5"

    report = MonitoringReportFactory(scope=ReportScope.PARTNER, partner=partner, language="uk")
    assert report_build(report_id=report.pk).status == "done"
    response = client.get(f"/api/v1/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "<5" in text
    problems += [("pdf", value) for value in case_work_secrets if value in text]
    response = client.get(f"/api/v1/reports/{report.pk}/docx/")
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "<5" in text
    problems += [("docx", value) for value in case_work_secrets if value in text]
    assert problems == []


# --- the portal's own pages -------------------------------------------------------------------------

# Every HTML page a partner member opens besides the API: the dashboard (each map figure), the map,
# the reports' list and every covered community's profile.
PARTNER_PAGES = ("/", "/?period=2025-H1", "/map/", "/reports/")


def test_partner_walk_finds_no_personal_data_in_any_page(secrets_in_the_demo):
    from reports.maps import MAP_FIGURES

    partner, personal_values = secrets_in_the_demo
    client = APIClient()
    client.force_login(partner.members.get(username="partner"))
    urls = list(PARTNER_PAGES) + [f"/map/?figure={figure}" for figure in MAP_FIGURES]
    urls += [f"/communities/{pk}/" for pk in partner.communities.values_list("pk", flat=True)]
    problems = []
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="uk")
        if response.status_code != 200:
            problems.append((url, response.status_code))
            continue
        text = response.content.decode()
        leaked = {value for value in personal_values if value in text}
        if leaked:
            problems.append((url, sorted(leaked)))
    assert problems == []
    assert len(urls) > 15
