"""Factories of case work. They write the rows directly (fast); tests of the rules go through
``casework.services``. A beneficiary comes with its identifying data and a consent in force since
2024-01-01, so a case can be opened and moved at once."""

from datetime import date

import factory
from django.contrib.auth.models import Group

from access.capabilities import Capability, role_can
from access.roles import Role
from casework.models import (
    ActionResponsible,
    Agency,
    AgencyKind,
    AgreementItem,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    CaseStatus,
    Consent,
    ConsentMethod,
    Goal,
    LegalBasis,
    MediationAgreement,
    NeedDomain,
    PlanAction,
    Referral,
    ReferralStatus,
)
from communities.models import Country
from tests.communities.factories import CommunityFactory, UserFactory, programme_of


def _give_role(user, role: Role) -> None:
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    user.is_staff = role_can(role, Capability.USES_ADMIN)
    user.save()


class CaseWorkerUserFactory(UserFactory):
    """A login with the case worker (volunteer) role (``role=...`` for another)."""

    username = factory.Sequence(lambda n: f"case-worker-{n}")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        _give_role(user, Role(extracted or Role.CASE_WORKER))


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"UA-{n:06d}")
    community = factory.SubFactory(CommunityFactory)
    vulnerable_displaced = True
    languages = "українська"

    @factory.post_generation
    def identity(beneficiary, create, extracted, **kwargs):
        """Pass ``identity__full_name=...`` etc. to choose its fields; ``identity=False`` for none."""
        if create and extracted is not False:
            values = {
                "full_name": f"Оксана Петренко {beneficiary.code}",
                "year_of_birth": "1984",
                "phone": "+380 67 123 45 67",
                "document_kind": "passport",
                "document_number": "FA 123456",
                **kwargs,
            }
            BeneficiaryIdentity.objects.create(beneficiary=beneficiary, **values)

    @factory.post_generation
    def consent(beneficiary, create, extracted, **kwargs):
        """A consent given on 2024-01-01 (``consent__given_on=...``); ``consent=False`` for none."""
        if create and extracted is not False:
            values = {
                "basis": LegalBasis.CONSENT,
                "purpose": "Супровід у отриманні документів",
                "given_on": date(2024, 1, 1),
                "method": ConsentMethod.WRITTEN,
                **kwargs,
            }
            Consent.objects.create(beneficiary=beneficiary, **values)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    beneficiary = factory.SubFactory(BeneficiaryFactory, consent=False)
    basis = LegalBasis.CONSENT
    purpose = "Супровід у отриманні документів"
    given_on = date(2024, 1, 1)
    method = ConsentMethod.WRITTEN


class CaseFactory(factory.django.DjangoModelFactory):
    """An *opened* case of a beneficiary with a consent, worked by a case worker."""

    class Meta:
        model = Case

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    community = factory.LazyAttribute(lambda o: o.beneficiary.community)
    case_worker = factory.SubFactory(CaseWorkerUserFactory)
    supervisor = None
    status = CaseStatus.OPENED
    opened_on = date(2025, 3, 1)
    programme = factory.LazyAttribute(lambda o: programme_of(o.opened_on, o.community))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    case = factory.SubFactory(CaseFactory)
    domain = NeedDomain.DOCUMENTS
    description = "Отримати паспорт громадянина"
    position = factory.Sequence(lambda n: n)


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    goal = factory.SubFactory(GoalFactory)
    description = "Подати заяву до міграційної служби"
    responsible = ActionResponsible.CASE_WORKER
    due_on = date(2025, 4, 1)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Паспортний сервіс {n}")
    kind = AgencyKind.PASSPORT_OFFICE
    country = Country.UKRAINE
    address = "вул. Центральна, 1"
    phone = "+380 44 000 00 00"


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral of a case (pass ``case=None, incident=...`` for an incident's), *sent*."""

    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    incident = None
    community = factory.LazyAttribute(lambda o: o.case.community if o.case is not None else o.incident.community)
    agency = factory.SubFactory(AgencyFactory)
    reason = "Відновлення втраченого паспорта"
    status = ReferralStatus.SENT
    sent_on = date(2025, 3, 10)
    programme = factory.LazyAttribute(lambda o: programme_of(o.sent_on, o.community))


class MediationAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediationAgreement

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Dohoda o užívání dvora {n}")
    started_on = date(2025, 2, 1)
    programme = factory.LazyAttribute(lambda o: programme_of(o.started_on, o.community))


class AgreementItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementItem

    agreement = factory.SubFactory(MediationAgreementFactory)
    text = "Klid po 22. hodině"
    due_on = date(2025, 5, 1)
