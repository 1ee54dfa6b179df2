from datetime import date
from decimal import Decimal
from typing import cast

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.models import Country
from programmes.models import (
    Agreement,
    AgreementKind,
    Campaign,
    CampaignStatus,
    ConsortiumMember,
    ConsortiumRole,
    Deliverable,
    DeliverableKind,
    DeliverableStatus,
    Document,
    DocumentAccess,
    DocumentKind,
    DocumentLanguage,
    Donor,
    DonorKind,
    Funding,
    FundingInstrument,
    Indicator,
    IndicatorSource,
    Participation,
    Programme,
    ProgrammeStatus,
    ReportedValue,
    Result,
    ResultLevel,
    Target,
    Tranche,
)
from programmes.services import (
    agreement_save,
    campaign_save,
    deliverable_save,
    document_save,
    indicator_save,
    milestone_add,
    reported_value_approve,
    reported_value_save,
    result_save,
    target_save,
)
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Фонд {n}")
    country = "UA"
    kind = DonorKind.FOUNDATION


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PRG-{n}")
    name = factory.Sequence(lambda n: f"Програма {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    implementing_organisation = "ГО «Інститут миру і порозуміння»"
    starts_on = date(2024, 1, 1)
    ends_on = date(2026, 12, 31)
    countries = factory.LazyFunction(lambda: [Country.UKRAINE.value])
    currency = "UAH"
    budget = Decimal("1500000.00")
    status = ProgrammeStatus.ACTIVE


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    programme = factory.SubFactory(ProgrammeFactory)
    donor = factory.SubFactory(DonorFactory)
    instrument = FundingInstrument.GRANT
    grant_reference = factory.Sequence(lambda n: f"GR-{n:04d}")


class TrancheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tranche

    programme = factory.SubFactory(ProgrammeFactory)
    amount = Decimal("500000.00")
    expected_on = date(2024, 3, 1)
    condition = "Після затвердження звіту за півріччя"


class ConsortiumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsortiumMember

    programme = factory.SubFactory(ProgrammeFactory)
    partner = factory.SubFactory(PartnerOrganisationFactory)
    role = ConsortiumRole.PARTNER
    joined_on = date(2024, 1, 1)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    programme = factory.SubFactory(ProgrammeFactory)
    community = factory.SubFactory(CommunityFactory)
    joined_on = date(2024, 2, 1)


def programme_in(community, *, partner=None, **fields) -> Programme:
    """A programme ``community`` takes part in, funded by a donor with a tranche, with ``partner``
    (if given) as the lead of its consortium."""
    programme = cast(Programme, ProgrammeFactory(**fields))
    FundingFactory(programme=programme)
    TrancheFactory(programme=programme)
    ParticipationFactory(programme=programme, community=community)
    if partner is not None:
        ConsortiumMemberFactory(programme=programme, partner=partner, role=ConsortiumRole.LEAD)
    return programme


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def document_in(
    programme: Programme,
    *,
    access: str = DocumentAccess.PARTNERS,
    title: str = "Partnership agreement",
    content: bytes = PDF_BYTES,
    name: str = "agreement.pdf",
    **fields,
) -> Document:
    """A document of ``programme`` with a file (a tiny PDF unless told), saved through the service."""
    document = Document(
        programme=programme,
        title=title,
        kind=fields.pop("kind", DocumentKind.AGREEMENT),
        language=fields.pop("language", DocumentLanguage.UKRAINIAN),
        access=access,
        file=SimpleUploadedFile(name, content),
        **fields,
    )
    return document_save(document=document)


def deliverable_in(programme: Programme, **fields) -> Deliverable:
    """An output of ``programme`` (a delivered handbook unless told), saved through the service."""
    values = {
        "kind": DeliverableKind.PUBLICATION,
        "title": "Довідник соціального перемовника",
        "date": date(2024, 9, 1),
        "quantity": 50,
        "status": DeliverableStatus.DELIVERED,
        **fields,
    }
    return deliverable_save(deliverable=Deliverable(programme=programme, **values), actor=None)


def campaign_in(programme: Programme, *, events=(), media_mentions=(), **fields) -> Campaign:
    """An advocacy campaign of ``programme`` with one milestone, linking ``events`` and
    ``media_mentions``."""
    values = {
        "title": "Законодавче закріплення статусу перемовників",
        "goal": "Статус соціального перемовника у місцевих актах",
        "target_bodies": "Обласна рада",
        "starts_on": date(2024, 3, 1),
        "status": CampaignStatus.ACTIVE,
        **fields,
    }
    campaign = campaign_save(campaign=Campaign(programme=programme, **values), actor=None)
    milestone_add(campaign=campaign, title="Круглий стіл", due_on=date(2024, 5, 15), actor=None)
    for record in [*events, *media_mentions]:
        record.campaign = campaign
        record.save()
    return campaign


def agreement_in(programme: Programme, *, communities=(), partners=(), **fields) -> Agreement:
    """A memorandum of ``programme`` with ``communities`` and ``partners``, through the service."""
    values = {
        "kind": AgreementKind.MEMORANDUM,
        "title": "Меморандум про співпрацю",
        "signed_on": date(2024, 2, 1),
        **fields,
    }
    return agreement_save(
        agreement=Agreement(programme=programme, **values), actor=None, communities=communities, partners=partners
    )


def logframe_in(programme: Programme, *, entered_by=None, approved_by=None) -> dict:
    """A small results framework of ``programme``: a goal, an outcome, an output; a computed
    indicator (events.count, 2025 target 10) and a reported one (2025-H1 target 4, H2 target 6,
    with an approved H1 value of 3 when ``approved_by`` is given)."""
    goal = result_save(
        result=Result(programme=programme, level=ResultLevel.GOAL, code="G", statement="Мета", statement_en="Goal")
    )
    outcome = result_save(
        result=Result(
            programme=programme,
            level=ResultLevel.OUTCOME,
            code="OC1",
            statement="Результат",
            statement_en="Outcome",
            parent=goal,
        )
    )
    output = result_save(
        result=Result(
            programme=programme,
            level=ResultLevel.OUTPUT,
            code="OP1.1",
            statement="Продукт",
            statement_en="Output",
            parent=outcome,
            order=1,
        )
    )
    events = indicator_save(
        indicator=Indicator(
            result=output,
            code="I1",
            name="Outreach events",
            unit="events",
            source=IndicatorSource.COMPUTED,
            figure="events.count",
            sdg_targets=["16.7"],
        )
    )
    handbook = indicator_save(
        indicator=Indicator(
            result=output, code="I2", name="Handbooks printed", unit="copies", source=IndicatorSource.REPORTED, order=1
        )
    )
    target_save(target=Target(indicator=events, period="2025", value=Decimal(10)))
    target_save(target=Target(indicator=handbook, period="2025-H1", value=Decimal(4)))
    target_save(target=Target(indicator=handbook, period="2025-H2", value=Decimal(6)))
    value = None
    if approved_by is not None:
        value = reported_value_save(
            reported_value=ReportedValue(
                indicator=handbook,
                period="2025-H1",
                value=Decimal(3),
                note="Тираж",
                evidence_link="https://example.org/h",
            ),
            actor=entered_by,
        )
        reported_value_approve(reported_value=value, actor=approved_by)
    return {"goal": goal, "outcome": outcome, "output": output, "events": events, "handbook": handbook, "value": value}
