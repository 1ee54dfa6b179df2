"""Records of safety planning for the tests: an analysis with a risk, a plan logged through the
service, an initiative, a regulation."""

from datetime import date

import factory

from planning.models import (
    Analysis,
    Initiative,
    InitiativeStatus,
    Plan,
    PlanKind,
    PlanStatus,
    Regulation,
    RegulationKind,
    Resource,
    ResourceKind,
    Risk,
    RiskCategory,
    Stakeholder,
    StakeholderKind,
)
from planning.services import plan_create
from tests.communities.factories import CommunityFactory


class AnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Analysis

    community = factory.SubFactory(CommunityFactory)
    analysed_on = date(2025, 3, 1)
    conflict_potential = 3
    conflict_needs = "Безпечний шлях до школи"
    summary = "Аналіз ризиків і потенціалу"


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    analysis = factory.SubFactory(AnalysisFactory)
    category = RiskCategory.INFRASTRUCTURE
    description = "Неосвітлена дорога до школи"
    likelihood = 4
    impact = 3


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    analysis = factory.SubFactory(AnalysisFactory)
    kind = ResourceKind.PEOPLE
    description = "Активна молодіжна рада"
    held_by = "Молодіжна рада"


class StakeholderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stakeholder

    analysis = factory.SubFactory(AnalysisFactory)
    kind = StakeholderKind.POLICE
    name = "Сектор превенції"
    influence = 4
    interest = 3


def plan_in(community, *, actor=None, status=PlanStatus.DRAFT, **fields) -> Plan:
    """A plan of ``community`` recorded through the service (its first status logged)."""
    values = {
        "kind": PlanKind.SAFETY_STRATEGY,
        "title": "Стратегія безпеки громади",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
        "status": status,
    }
    if status not in (PlanStatus.DRAFT, PlanStatus.CONSULTATION, PlanStatus.SUBMITTED):
        values |= {"adopted_by": "Сесія міської ради", "adopted_on": date(2025, 4, 1), "decision_number": "12/3"}
    return plan_create(plan=Plan(community=community, **(values | fields)), actor=actor)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    community = factory.SubFactory(CommunityFactory)
    title = "Сусідська варта"
    started_on = date(2025, 5, 1)
    status = InitiativeStatus.RUNNING
    run_by = "Ініціативна група мешканців"


class RegulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regulation

    community = factory.SubFactory(CommunityFactory)
    title = "Положення про соціальних перемовників"
    kind = RegulationKind.NEGOTIATOR_STATUS
    adopted_by = "Міська рада"
    adopted_on = date(2025, 6, 1)
    number = "45-7"
