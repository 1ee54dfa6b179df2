"""Fixtures and helpers shared by the API tests (a pytest plugin loaded by ``tests/conftest.py``).

API test modules say ``pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]``;
``api_as(role)`` gives a client acting as one of ``ROLES``; ``programme_records`` builds one record
of every collection in ``community`` (covered by ``partner``, home of ``negotiator_user``).
"""

from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from access.roles import Role
from api.keys import api_key_issue
from communities.models import EngagementMode, Topic
from incidents.services import incident_report
from programmes.models import DocumentAccess, Programme
from reports.models import ReportScope
from tests.accounts.support import verified_login
from tests.communities.factories import (
    EngagementFactory,
    PartnerOrganisationFactory,
    SafetyAssessmentFactory,
    UserFactory,
)
from tests.negotiators.factories import OutreachEventFactory
from tests.planning.factories import AnalysisFactory, InitiativeFactory, RegulationFactory, RiskFactory, plan_in
from tests.programmes.factories import agreement_in, campaign_in, deliverable_in, document_in, logframe_in, programme_in
from tests.reports.factories import done_report
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory

KYIV = ZoneInfo("Europe/Kyiv")

# The query string a collection needs on every read (indicators are the figures of a period).
COLLECTION_QUERY = {"indicators": {"period": "2025"}}


def collection_query(prefix: str, programme=None, *, detail: bool = False) -> dict:
    """The query string a collection needs (results: a programme, by default the first one with a
    consortium running in 2025, and a period; one indicator's row only the period)."""
    if prefix == "results" and detail:
        return {"period": "2025"}
    if prefix == "results":
        if programme is None:
            # One running in 2025, of a consortium (a partner organisation sees it through its own).
            running = Programme.objects.filter(starts_on__lte=date(2025, 12, 31), ends_on__gte=date(2025, 1, 1))
            programme = running.filter(consortium__isnull=False).order_by("starts_on", "pk").first()
        return {"programme": programme.pk if programme else 0, "period": "2025"}
    return COLLECTION_QUERY.get(prefix, {})


def listed_ids(prefix: str, body) -> list[int]:
    """The ids a collection's list answered with (indicators: the communities it covers; results
    are rows of figures, with no record of their own)."""
    if prefix == "results":
        return []
    rows = body["community_rows"] if prefix == "indicators" else body["results"]
    return [row["id"] for row in rows]


ROLES = (
    "anonymous",
    "no_role",
    "partner_key",
    "partner_session",
    "negotiator",
    "manager",
    "staff",
    "staff_key",
    "dpo",
    "case_worker",
    "supervisor",
    "other_negotiator",
)
# The collections only the case team reaches: for partners, programme managers and the data
# protection officer every route of them is 404.
CASE_TEAM_ONLY = {"cases", "referrals"}


@pytest.fixture
def api_settings(settings):
    """API tests make many requests with one key or user; the throttling tests set real rates
    (and tests/api/test_key_failures.py its own limit of failed keys)."""
    settings.API_THROTTLE_RATES = {"key": None, "user": None, "anon": None}
    settings.API_KEY_FAILURE_LIMIT = 1_000_000


def issue_key(owner, **kwargs) -> str:
    field = "user" if hasattr(owner, "username") else "partner"
    return api_key_issue(actor=None, **{field: owner}, **kwargs).token


def key_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def partner_key(partner) -> str:
    return issue_key(partner)


@pytest.fixture
def api_as(request, db):
    """``api_as("negotiator")`` -> a client acting in that role (fixtures created on demand)."""

    def make(role: str) -> APIClient:
        if role == "anonymous":
            return APIClient()
        if role in ("partner_key", "staff_key"):
            owner = request.getfixturevalue("partner" if role == "partner_key" else "staff_user")
            return key_client(issue_key(owner))
        user = {
            "no_role": lambda: UserFactory(username="no-role-user"),
            "partner_session": lambda: request.getfixturevalue("partner_user"),
            "negotiator": lambda: request.getfixturevalue("negotiator_user"),
            "manager": lambda: request.getfixturevalue("manager_user"),
            "staff": lambda: request.getfixturevalue("staff_user"),
            "dpo": lambda: UserFactory(username="dpo-user", role=Role.DATA_PROTECTION),
            # The worker and the supervisor of programme_records' case (case worker logins).
            "case_worker": lambda: request.getfixturevalue("case_worker_user"),
            "supervisor": lambda: request.getfixturevalue("supervisor_user"),
            # A negotiator of another community: none of programme_records is theirs.
            "other_negotiator": lambda: request.getfixturevalue("other_negotiator_user"),
        }[role]()
        client = APIClient()
        verified_login(client, user)
        return client

    return make


@pytest.fixture
def case_worker_user(db):
    from tests.casework.factories import CaseWorkerUserFactory

    return CaseWorkerUserFactory(username="case-worker-user")


@pytest.fixture
def supervisor_user(db):
    from tests.casework.factories import CaseWorkerUserFactory

    return CaseWorkerUserFactory(username="supervisor-user")


@pytest.fixture
def other_negotiator_user(db, other_community):
    from tests.negotiators.factories import NegotiatorFactory

    user = UserFactory(username="other-negotiator-user", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=other_community, user=user)
    return user


def records_in(community, *, partner, negotiator, actor, case_worker=None, supervisor=None) -> dict:
    """One record of every collection in ``community``, keyed by collection prefix (for ``indicators``
    the community itself, for ``reports`` a finished report of ``partner``'s communities). The case
    (``cases``, with a contact) is worked by ``case_worker`` and supervised by ``supervisor`` (new
    case worker logins by default); ``referrals`` is its referral."""
    module = TrainingModuleFactory()
    programme = programme_in(community, partner=partner)
    incident = incident_report(
        actor=actor,
        community=community,
        category="neighbour_dispute",
        occurred_at=datetime(2025, 3, 10, 14, 0, tzinfo=KYIV),
        title="Спір сусідів",
    )
    # Seen by the programme's partner organisations, not by negotiators (public ones only).
    document = document_in(programme, access=DocumentAccess.PARTNERS)
    event = OutreachEventFactory(community=community)
    mention = _media_mention(community)
    analysis = AnalysisFactory(community=community)
    risk: Any = RiskFactory(analysis=analysis)
    risk.incidents.add(incident)
    plan = plan_in(community, actor=actor, analysis=analysis, document=document)
    plan.consultation_events.add(cast(Any, event))
    return {
        "regions": community.region,
        "communities": community,
        "partners": partner,
        "programmes": programme,
        "documents": document,
        "deliverables": deliverable_in(programme, document=document),
        "campaigns": campaign_in(programme, events=[event], media_mentions=[mention]),
        "agreements": agreement_in(programme, communities=[community], partners=[partner], document=document),
        "negotiators": negotiator,
        "training/modules": module,
        "training/sessions": TrainingSessionFactory(module=module, host_community=community),
        "events": event,
        "incidents": incident,
        "assessments": SafetyAssessmentFactory(community=community),
        "engagements": _engagement_with_work(community, partner),
        "media-mentions": mention,
        "analyses": analysis,
        "plans": plan,
        "initiatives": InitiativeFactory(community=community),
        "regulations": RegulationFactory(community=community, document=document),
        **_case_work(community, case_worker=case_worker, supervisor=supervisor),
        "indicators": community,
        # An indicator of the programme's results framework (results/ takes the programme).
        "results": logframe_in(programme)["events"],
        "reports": done_report(scope=ReportScope.PARTNER, partner=partner),
    }


@pytest.fixture
def programme_records(
    db, media_root, community, partner, negotiator_user, staff_user, case_worker_user, supervisor_user
):
    """One record of every collection in ``community`` (the partner's and the negotiator's; its
    case is ``case_worker_user``'s, supervised by ``supervisor_user``)."""
    return records_in(
        community,
        partner=partner,
        negotiator=negotiator_user.negotiator,
        actor=staff_user,
        case_worker=case_worker_user,
        supervisor=supervisor_user,
    )


def _case_work(community, *, case_worker=None, supervisor=None) -> dict:
    """A case in ``community`` with a contact and a referral (their free text is about the person,
    their identity is in the beneficiary's record)."""
    from casework.models import CaseContact
    from tests.casework.factories import CaseFactory, CaseWorkerUserFactory, ReferralFactory

    case: Any = CaseFactory(
        beneficiary__community=community,
        case_worker=case_worker or CaseWorkerUserFactory(),
        supervisor=supervisor or CaseWorkerUserFactory(),
        summary="Супровід у відновленні документів",
    )
    CaseContact.objects.create(case=case, kind="phone", happened_on=case.opened_on, note="Дзвінок щодо документів")
    return {"cases": case, "referrals": ReferralFactory(case=case)}


def _engagement_with_work(community, partner):
    """An engagement with an activity (by a mediator) and a recommendation, as the API shows them."""
    from tests.support.factories import ActivityFactory, MediatorFactory, RecommendationFactory

    engagement = EngagementFactory(community=community, partner=partner, mode=EngagementMode.ACUTE, topic=Topic.HOUSING)
    ActivityFactory(engagement=engagement).mediators.add(MediatorFactory())
    RecommendationFactory(engagement=engagement)
    return engagement


def _media_mention(community):
    from negotiators.models import MediaMention

    return MediaMention.objects.create(
        outlet="Суспільне",
        medium="tv",
        published_on=date(2025, 3, 1),
        title="Перемовники",
        reach=1000,
        community=community,
    )


def event_body(community, **overrides) -> dict:
    return {
        "community": community.pk,
        "kind": "information_session",
        "title": "Зустріч про безпеку",
        "date": "2025-03-14",
        "topic": "youth",
        "participants_total": 12,
        "participants_women": 7,
        "participants_men": 5,
        **overrides,
    }


def incident_body(community, **overrides) -> dict:
    return {
        "community": community.pk,
        "category": "public_order",
        "occurred_at": "2025-04-02T18:30:00+03:00",
        "title": "Бійка біля магазину",
        **overrides,
    }


def other_partner(*communities):
    return PartnerOrganisationFactory(communities=list(communities))
