"""The demo programme: the Institute of Social Negotiators (seed 000) replayed over 2024 and 2025 in
Khmelnytskyi oblast, plus a Czech municipality supported in both engagement modes (seed 003).

Deterministic (one fixed random seed, every random draw made in the same order whatever is already
in the database) and idempotent (every row is found by a natural key before it is created), so
running it twice leaves the same contents. Writes go through the same services as the portal.

It lives in ``reports`` because that app already depends on every other one.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from access.capabilities import Capability, role_can
from access.roles import Role, sync_role_groups
from communities.models import (
    ASSESSMENT_DIMENSIONS,
    AssessmentScore,
    Community,
    CommunityKind,
    Country,
    Engagement,
    EngagementMode,
    LeaveReason,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
    Topic,
)
from communities.services import assessment_first_instrument
from incidents.models import (
    Agency,
    Incident,
    IncidentCategory,
    IncidentParty,
    IncidentStatus,
    PartyRole,
    ReportSource,
    ResponseMode,
)
from incidents.services import PartyData, incident_action_add, incident_report, incident_transition
from negotiators.models import (
    Cohort,
    EventKind,
    Gender,
    MediaMention,
    Medium,
    Negotiator,
    NegotiatorContact,
    OutreachEvent,
)
from negotiators.services import event_log, event_update
from privacy.erasure import person_anonymise
from privacy.models import ErasureRecord, ErasureSource, PersonalDataView, ViewChannel
from privacy.search import blind_index_q
from privacy.viewlog import record_view
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
    MilestoneStatus,
    NetworkMembership,
    Participation,
    Programme,
    ProgrammeStatus,
    Tranche,
)
from programmes.services import (
    agreement_save,
    campaign_save,
    consortium_member_add,
    deliverable_save,
    document_save,
    donor_save,
    funding_add,
    milestone_add,
    network_member_add,
    participation_start,
    programme_save,
    tranche_add,
)
from reports.demo_casework import DemoCasework
from reports.demo_events import DemoWebinars
from reports.demo_field import seed_demo_field
from reports.demo_instruments import seed_broad_assessments
from reports.demo_logframes import seed_logframes
from reports.demo_planning import DemoPlanning
from reports.demo_reports import seed_demo_reports
from reports.demo_risks import seed_risks
from reports.demo_support import DemoSupport
from training.models import ModuleLevel, TrainingModule, TrainingSession
from training.services import attendance_record

SEED = 20240101
KYIV = ZoneInfo("Europe/Kyiv")
PRAGUE = ZoneInfo("Europe/Prague")


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing one line of ASCII ``text`` in Helvetica, built by hand: the demo's
    library documents, without a PDF library's start-up time."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 50 780 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    description: str | Promise  # lazy: translated when printed


LOGINS = (
    DemoLogin("staff", "zlagoda-staff", Role.STAFF, _("NGO programme staff: the admin at /admin/")),
    DemoLogin("manager", "zlagoda-manager", Role.PROGRAMME_MANAGER, _("programme manager: reports")),
    DemoLogin("dpo", "zlagoda-dpo", Role.DATA_PROTECTION, _("data protection officer: the view log in /admin/")),
    DemoLogin("negotiator", "zlagoda-negotiator", Role.NEGOTIATOR, _("negotiator in Khmelnytska hromada: /field/")),
    DemoLogin("partner", "zlagoda-partner", Role.PARTNER, _("member of a partner organisation: the API")),
    DemoLogin(
        "caseworker",
        "zlagoda-caseworker",
        Role.CASE_WORKER,
        _("volunteer case worker in Bishkek: their cases in /field/"),
    ),
    DemoLogin(
        "supervisor",
        "zlagoda-supervisor",
        Role.CASE_WORKER,
        _("supervisor of the volunteers in Kazakhstan and Kyrgyzstan: their plans, closures and overdue tasks"),
    ),
)

# (name, kind, population, latitude, longitude); the first 15 were pilot communities.
UA_COMMUNITIES = [
    ("Хмельницька міська громада", CommunityKind.CITY, 284_000, "49.42161", "26.99653"),
    ("Старокостянтинівська міська громада", CommunityKind.HROMADA, 43_000, "49.75637", "27.20340"),
    ("Шепетівська міська громада", CommunityKind.HROMADA, 48_000, "50.18481", "27.06345"),
    ("Кам'янець-Подільська міська громада", CommunityKind.CITY, 105_000, "48.67882", "26.58516"),
    ("Нетішинська міська громада", CommunityKind.HROMADA, 36_000, "50.33950", "26.64130"),
    ("Славутська міська громада", CommunityKind.HROMADA, 42_000, "50.30140", "26.86790"),
    ("Полонська міська громада", CommunityKind.HROMADA, 24_000, "50.11810", "27.51340"),
    ("Ізяславська міська громада", CommunityKind.HROMADA, 27_000, "50.11920", "26.82050"),
    ("Красилівська міська громада", CommunityKind.HROMADA, 35_000, "49.65190", "26.97020"),
    ("Волочиська міська громада", CommunityKind.HROMADA, 38_000, "49.53310", "26.20820"),
    ("Городоцька міська громада", CommunityKind.HROMADA, 33_000, "49.16700", "26.56930"),
    ("Деражнянська міська громада", CommunityKind.HROMADA, 22_000, "49.26770", "27.43390"),
    ("Летичівська селищна громада", CommunityKind.HROMADA, 19_000, "49.38210", "27.62030"),
    ("Меджибізька селищна громада", CommunityKind.HROMADA, 12_000, "49.43690", "27.41090"),
    ("Віньковецька селищна громада", CommunityKind.HROMADA, 16_000, "49.05260", "27.22760"),
    ("Ярмолинецька селищна громада", CommunityKind.HROMADA, 21_000, "49.19440", "26.83790"),
    ("Новоушицька селищна громада", CommunityKind.HROMADA, 23_000, "48.84310", "27.27130"),
    ("Дунаєвецька міська громада", CommunityKind.HROMADA, 40_000, "48.88900", "26.85800"),
    ("Чемеровецька селищна громада", CommunityKind.HROMADA, 20_000, "49.00090", "26.35320"),
    ("Смотрицька селищна громада", CommunityKind.HROMADA, 9_000, "48.94480", "26.56760"),
    ("Гуменецька сільська громада", CommunityKind.HROMADA, 11_000, "48.66350", "26.69850"),
    ("Сатанівська селищна громада", CommunityKind.HROMADA, 10_000, "49.25480", "26.25230"),
    ("Теофіпольська селищна громада", CommunityKind.HROMADA, 17_000, "49.83760", "26.41830"),
    ("Білогірська селищна громада", CommunityKind.HROMADA, 18_000, "50.03440", "26.38400"),
    ("Антонінська селищна громада", CommunityKind.HROMADA, 8_000, "49.80480", "26.84670"),
]
PILOT_COUNT = 15
COALITION = "Коаліція НУО «Інститут соціальних перемовників»"
LEAVING_COMMUNITY = "Сатанівська селищна громада"

FEMALE_NAMES = ["Олена", "Наталія", "Ірина", "Тетяна", "Світлана", "Оксана", "Марія", "Юлія", "Галина", "Людмила"]
MALE_NAMES = ["Олександр", "Андрій", "Сергій", "Володимир", "Микола", "Петро", "Василь", "Іван", "Богдан", "Юрій"]
SURNAMES = [
    ("Ковальчук", "Ковальчук"),
    ("Мельник", "Мельник"),
    ("Бондаренко", "Бондаренко"),
    ("Шевчук", "Шевчук"),
    ("Поліщук", "Поліщук"),
    ("Кравчук", "Кравчук"),
    ("Лисенко", "Лисенко"),
    ("Гнатюк", "Гнатюк"),
    ("Савчук", "Савчук"),
    ("Тимошенко", "Тимошенко"),
    ("Олійник", "Олійник"),
    ("Романюк", "Романюк"),
    ("Вознюк", "Вознюк"),
    ("Марчук", "Марчук"),
    ("Дячук", "Дячук"),
    ("Кучер", "Кучер"),
    ("Зайченко", "Зайченко"),
    ("Гуменюк", "Гуменюк"),
    ("Стасюк", "Стасюк"),
    ("Білецький", "Білецька"),
    ("Козловський", "Козловська"),
    ("Руденко", "Руденко"),
]

MODULES = [
    ("Б1", "Основи соціальних перемовин", ModuleLevel.BASIC, 1, 16, date(2024, 2, 20)),
    ("Б2", "Комунікація та медіація в громаді", ModuleLevel.BASIC, 2, 16, date(2024, 4, 16)),
    ("Б3", "Безпекові ризики та потенціал громади", ModuleLevel.BASIC, 3, 16, date(2024, 6, 11)),
    ("Б4", "Взаємодія з поліцією та органами місцевого самоврядування", ModuleLevel.BASIC, 4, 16, date(2024, 9, 17)),
    ("П1", "Медіація в гострих конфліктах", ModuleLevel.ADVANCED, 1, 12, date(2024, 11, 12)),
    ("П2", "Адвокація та місцеві програми безпеки", ModuleLevel.ADVANCED, 2, 12, date(2025, 3, 18)),
]
# The modules' titles in the other languages (en, cs, ru), as staff enter them in the admin.
MODULE_TITLES = {
    "Б1": (
        "Foundations of social negotiation",
        "Základy sociálního vyjednávání",
        "Основы социальных переговоров",
    ),
    "Б2": (
        "Communication and mediation in the community",
        "Komunikace a mediace v obci",
        "Коммуникация и медиация в громаде",
    ),
    "Б3": (
        "Safety risks and the community's potential",
        "Bezpečnostní rizika a potenciál obce",
        "Риски безопасности и потенциал громады",
    ),
    "Б4": (
        "Working with the police and local government",
        "Spolupráce s policií a místní samosprávou",
        "Взаимодействие с полицией и органами местного самоуправления",
    ),
    "П1": (
        "Mediation in acute conflicts",
        "Mediace v akutních konfliktech",
        "Медиация в острых конфликтах",
    ),
    "П2": (
        "Advocacy and local safety programmes",
        "Advokacie a místní bezpečnostní programy",
        "Адвокация и местные программы безопасности",
    ),
}

EVENT_TITLES = {
    EventKind.INFORMATION_SESSION: "Інформаційна зустріч",
    EventKind.PUBLIC_MEETING: "Громадські слухання",
    EventKind.TRAINING: "Тренінг для мешканців",
    EventKind.WEBINAR: "Вебінар",
    EventKind.ADVOCACY_ACTION: "Адвокаційна акція",
}
TOPIC_TITLES = {
    Topic.FEELING_OF_SAFETY: "безпека в громаді",
    Topic.POLICE_COMMUNITY: "взаємодія з поліцією",
    Topic.NEIGHBOURLY_COEXISTENCE: "добросусідство",
    Topic.DOMESTIC_VIOLENCE: "запобігання домашньому насильству",
    Topic.YOUTH: "безпека молоді",
    Topic.ROAD_FIRE_SAFETY: "дорожня та пожежна безпека",
    Topic.IDP_INTEGRATION: "інтеграція ВПО",
    Topic.VETERANS: "підтримка ветеранів",
}

INCIDENT_TITLES = {
    IncidentCategory.NEIGHBOUR_DISPUTE: ["Спір через межу ділянки", "Конфлікт через шум у будинку", "Спір щодо худоби"],
    IncidentCategory.DOMESTIC_CONFLICT: ["Сімейний конфлікт", "Конфлікт між родичами через житло"],
    IncidentCategory.PUBLIC_ORDER: ["Порушення громадського порядку біля магазину", "Бійка після святкування"],
    IncidentCategory.YOUTH: ["Конфлікт між підлітками біля школи", "Пошкодження майна молоддю"],
    IncidentCategory.INTERGROUP_TENSION: ["Напруга між ВПО та місцевими мешканцями", "Суперечка щодо гуртожитку ВПО"],
    IncidentCategory.POLICE_COMMUNITY: ["Скарга на дії патруля", "Недовіра до дільничного офіцера"],
    IncidentCategory.ROAD_SAFETY: ["Небезпечний перехід біля школи", "Відсутність освітлення на дорозі"],
    IncidentCategory.FIRE_SAFETY: ["Підпали сухої трави", "Небезпечна електропроводка в гуртожитку"],
}
INCIDENT_WEIGHTS = {
    IncidentCategory.NEIGHBOUR_DISPUTE: 30,
    IncidentCategory.DOMESTIC_CONFLICT: 12,
    IncidentCategory.PUBLIC_ORDER: 16,
    IncidentCategory.YOUTH: 14,
    IncidentCategory.INTERGROUP_TENSION: 10,
    IncidentCategory.POLICE_COMMUNITY: 8,
    IncidentCategory.ROAD_SAFETY: 6,
    IncidentCategory.FIRE_SAFETY: 4,
}

OUTLETS = [
    ("Суспільне Хмельницький", Medium.TV, 120_000),
    ("Поділля-центр", Medium.TV, 90_000),
    ("Є! Хмельницький", Medium.ONLINE, 60_000),
    ("Проскурів", Medium.PRINT, 25_000),
    ("Подільські вісті", Medium.PRINT, 30_000),
    ("Ye.ua", Medium.ONLINE, 50_000),
    ("Радіо Поділля", Medium.RADIO, 70_000),
    ("Укрінформ", Medium.ONLINE, 900_000),
    ("УНІАН", Medium.ONLINE, 1_200_000),
    ("Суспільне Новини", Medium.TV, 1_500_000),
    ("Facebook: Поліція Хмельниччини", Medium.SOCIAL, 40_000),
    ("Газета по-кам'янецьки", Medium.PRINT, 15_000),
]
# Incident numbers (every 25th falls in the first community) whose case stays open.
OPEN_IN_FIRST_COMMUNITY = {75: "in_progress", 100: "reported"}
MEDIA_TOTAL_REACH = 10_000_000
RISKS = "Погане освітлення вулиць; конфлікти між сусідами; недостатня присутність поліції."
RESOURCES = "Активні ОСББ та старости; співпраця з дільничним офіцером; шкільні ініціативи."
MEDIA_COUNT = 84


def _aware(day: date, hour: int = 10, minute: int = 0, zone=KYIV) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def _spread_dates(rng: random.Random, start: date, end: date, count: int) -> list[date]:
    span = (end - start).days
    return sorted(start + timedelta(days=offset) for offset in rng.sample(range(span + 1), count))


@dataclass(frozen=True)
class DemoProgrammeSpec:
    code: str
    name: str
    name_en: str
    implementing_organisation: str
    starts_on: date
    ends_on: date
    countries: tuple[str, ...]
    currency: str
    budget: Decimal
    status: str
    # (donor name, country, kind, instrument, grant reference)
    donors: tuple[tuple[str, str, str, str, str], ...]
    # (amount, expected on, received on, condition)
    tranches: tuple[tuple[Decimal, date, date | None, str], ...] = ()


# The five programmes of the seeds (DOMAIN.md). Budgets, tranches and grant references are
# illustrative. Seed 000's programme is the one the demo replays: its period holds the demo's
# partnerships (2023 to 2025), not the original 2018-2019.
DEMO_PROGRAMMES = (
    DemoProgrammeSpec(
        code="ISN-2023",
        name="Інститут соціальних перемовників",
        name_en="Institute of Social Negotiators",
        implementing_organisation="ГО «Агенція сталого розвитку «АСТАР»",
        starts_on=date(2023, 3, 1),
        ends_on=date(2026, 12, 31),
        countries=(Country.UKRAINE,),
        currency="UAH",
        budget=Decimal("4800000.00"),
        status=ProgrammeStatus.ACTIVE,
        donors=(
            (
                "Міжнародний фонд «Відродження»",
                "UA",
                DonorKind.FOUNDATION,
                FundingInstrument.GRANT,
                "IRF-2023-0457",
            ),
        ),
        tranches=(
            (Decimal("1600000.00"), date(2023, 3, 15), date(2023, 3, 20), "Підписання грантової угоди"),
            (Decimal("1600000.00"), date(2024, 3, 1), date(2024, 3, 12), "Прийнятий річний звіт за 2023 рік"),
            (Decimal("1600000.00"), date(2025, 3, 1), None, "Прийнятий річний звіт за 2024 рік"),
        ),
    ),
    DemoProgrammeSpec(
        code="RP-2017",
        name="Відновні практики в громадах",
        name_en="Restorative practices in communities",
        implementing_organisation="ГО «Інститут миру і порозуміння» (ІМіП)",
        starts_on=date(2017, 1, 1),
        ends_on=date(2022, 12, 31),
        countries=(Country.UKRAINE,),
        currency="EUR",
        budget=Decimal("650000.00"),
        status=ProgrammeStatus.CLOSED,
        donors=(("Folke Bernadotte Academy", "SE", DonorKind.GOVERNMENT, FundingInstrument.GRANT, "FBA-UA-2017-12"),),
        tranches=(
            (Decimal("325000.00"), date(2017, 2, 1), date(2017, 2, 10), "Signed agreement"),
            (Decimal("325000.00"), date(2020, 2, 1), date(2020, 3, 2), "Mid-term evaluation accepted"),
        ),
    ),
    DemoProgrammeSpec(
        code="DOBRE-2023",
        name="Децентралізація приносить кращі результати та ефективність (DOBRE)",
        name_en="Decentralization Offering Better Results and Efficiency (DOBRE)",
        implementing_organisation="Global Communities",
        starts_on=date(2022, 1, 1),
        ends_on=date(2025, 12, 31),
        countries=(Country.UKRAINE,),
        currency="USD",
        budget=Decimal("120000.00"),
        status=ProgrammeStatus.CLOSED,
        donors=(
            (
                "USAID",
                "US",
                DonorKind.GOVERNMENT,
                FundingInstrument.COOPERATIVE_AGREEMENT,
                "AID-OAA-A-16-00043",
            ),
        ),
    ),
    DemoProgrammeSpec(
        code="OPV-CZ",
        name="Obec pro všechny",
        name_en="A municipality for everyone",
        implementing_organisation="Agentura pro sociální začleňování",
        starts_on=date(2023, 7, 1),
        ends_on=date(2026, 6, 30),
        countries=(Country.CZECHIA,),
        currency="CZK",
        budget=Decimal("18500000.00"),
        status=ProgrammeStatus.ACTIVE,
        donors=(
            (
                "Evropský sociální fond plus (OP Zaměstnanost+)",
                "EU",
                DonorKind.MULTILATERAL,
                FundingInstrument.GRANT,
                "CZ.03.02.01/00/22_005/0001234",
            ),
        ),
        tranches=((Decimal("9250000.00"), date(2023, 8, 1), date(2023, 8, 21), "Právní akt o poskytnutí podpory"),),
    ),
    DemoProgrammeSpec(
        code="VS-CA",
        name="Новые модели взаимоотношений между волонтерами и государством",
        name_en="Volunteers and the state in Central Asia",
        implementing_organisation="Программа Добровольцы ООН (ДООН)",
        starts_on=date(2021, 1, 1),
        # The study of 2021 grew into volunteers' case work (reports.demo_casework), still running.
        ends_on=date(2027, 12, 31),
        countries=(Country.KAZAKHSTAN, Country.KYRGYZSTAN, Country.UZBEKISTAN),
        currency="USD",
        budget=Decimal("90000.00"),
        status=ProgrammeStatus.ACTIVE,
        donors=(("United Nations Volunteers (UNV)", "", DonorKind.MULTILATERAL, FundingInstrument.CONTRACT, ""),),
    ),
)


class DemoProgramme:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.users = {}
        self.programmes: dict[str, Programme] = {}
        # (incident, kind of agency, day) of the cases the negotiators referred (new ones only).
        self.referred_incidents: list[tuple[Incident, str, date]] = []

    @transaction.atomic
    def build(self) -> None:
        sync_role_groups()
        self._users()
        self.staff = self.users["staff"]
        self._geography()
        self._partners()
        # The programmes first: every activity record below is attributed to seed 000's.
        self._programmes()
        self._negotiators()
        self._training()
        self._events()
        self._incidents()
        self._assessments()
        seed_broad_assessments(programme=self.programmes["RP-2017"], communities=self.communities[:3])
        self._media()
        self._personal_data_views()
        self._czech_engagements()
        DemoSupport(obec=self.obec, staff=self.staff).build()
        self._programme_work()
        self._planning()
        self._webinars()
        self._casework()
        self._erasure_request()
        seed_demo_reports(programme=self.programmes["ISN-2023"], actor=self.users["manager"])

    def _erasure_request(self) -> None:
        """A complainant of a closed case asked to be forgotten: staff anonymised them (the admin's
        "Erasures" shows it; the case, its counts and its log stay)."""
        if ErasureRecord.objects.filter(kind="party").exists():
            return
        party = _first_resolved_complainant()
        if party is not None:
            person_anonymise(
                kind="party",
                pk=party.pk,
                actor=self.staff,
                reason="Заявник попросив видалити його дані після закриття справи.",
                source=ErasureSource.ADMIN,
            )

    # --- people and places ---------------------------------------------------------------------
    def _users(self) -> None:
        User = get_user_model()
        for login in LOGINS:
            user, created = User.objects.get_or_create(
                username=login.username,
                # An address, so that "Forgot your password?" can be tried: on the embedded default
                # the mail is a file in media/mail/.
                defaults={
                    "is_staff": role_can(login.role, Capability.USES_ADMIN),
                    "email": f"{login.username}@zlagoda.example",
                },
            )
            if created:
                user.set_password(login.password)
                user.save()
            user.groups.add(Group.objects.get(name=login.role.value))
            self.users[login.username] = user

    def _geography(self) -> None:
        self.oblast, _ = Region.objects.get_or_create(name="Хмельницька область", country=Country.UKRAINE)
        self.communities = []
        for index, (name, kind, population, lat, lon) in enumerate(UA_COMMUNITIES):
            community, _ = Community.objects.get_or_create(
                name=name,
                region=self.oblast,
                defaults={
                    "kind": kind,
                    "population": population,
                    "latitude": Decimal(lat),
                    "longitude": Decimal(lon),
                },
            )
            joined = date(2023, 3, 1) if index < PILOT_COUNT else date(2024, 1, 15)
            partnership, _ = Partnership.objects.get_or_create(community=community, joined_on=joined)
            if name == LEAVING_COMMUNITY and partnership.left_on is None:
                partnership.left_on = date(2025, 9, 30)
                partnership.leave_reason = LeaveReason.ELECTIONS
                partnership.note = "Після зміни керівництва громади нова рада не продовжила угоду про партнерство."
                partnership.save()
            self.communities.append(community)

        self.kraj, _ = Region.objects.get_or_create(name="Ústecký kraj", country=Country.CZECHIA)
        self.obec, _ = Community.objects.get_or_create(
            name="Obrnice",
            region=self.kraj,
            defaults={
                "kind": CommunityKind.OBEC,
                "population": 2_100,
                "latitude": Decimal("50.50510"),
                "longitude": Decimal("13.69540"),
            },
        )

    def _partners(self) -> None:
        specs = [
            ("ГО «Подільський центр громадської безпеки»", "ПЦГБ", Country.UKRAINE, self.communities[:13]),
            ("ГО «Центр медіації Поділля»", "ЦМП", Country.UKRAINE, self.communities[13:]),
            ("Inkluzivní obec, z. s.", "Inkluzivní obec", Country.CZECHIA, [self.obec]),
        ]
        self.partners = []
        for name, short_name, country, communities in specs:
            partner, _ = PartnerOrganisation.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "country": country}
            )
            partner.communities.add(*communities)
            self.partners.append(partner)
        self.partners[0].members.add(self.users["partner"])

    def _person(self) -> tuple[str, str, str]:
        gender = self.rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE])
        first = self.rng.choice(FEMALE_NAMES if gender == Gender.FEMALE else MALE_NAMES)
        male_surname, female_surname = self.rng.choice(SURNAMES)
        surname = female_surname if gender == Gender.FEMALE else male_surname
        phone = f"+380 {self.rng.choice(['67', '68', '96', '97', '50', '66', '63', '73'])} "
        phone += f"{self.rng.randint(100, 999)} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}"
        return f"{surname} {first}", gender, phone

    def _negotiators(self) -> None:
        """Two negotiators per community: 25 pilot graduates in the 15 pilot communities (two in ten
        of them), 25 of the new cohort in the rest of the seats."""
        seats = []
        for index, community in enumerate(self.communities):
            if index < 10:
                seats += [(community, Cohort.PILOT), (community, Cohort.PILOT)]
            elif index < PILOT_COUNT:
                seats += [(community, Cohort.PILOT), (community, Cohort.NEW)]
            else:
                seats += [(community, Cohort.NEW), (community, Cohort.NEW)]
        self.negotiators: dict[str, list[Negotiator]] = {Cohort.PILOT: [], Cohort.NEW: []}
        for community, cohort in seats:
            full_name, gender, phone = self._person()
            # Names and phones are encrypted: the same person is found through the blind index.
            existing = next(
                (
                    negotiator
                    for negotiator in Negotiator.objects.filter(community=community)
                    .filter(blind_index_q("contact__search_index", full_name) or Q(pk__in=[]))
                    .select_related("contact")
                    if negotiator.contact.full_name == full_name and negotiator.contact.phone == phone
                ),
                None,
            )
            if existing is None:
                existing = Negotiator.objects.create(
                    community=community,
                    cohort=cohort,
                    joined_on=date(2023, 3, 1) if cohort == Cohort.PILOT else date(2024, 2, 1),
                    certified_on=date(2023, 6, 30) if cohort == Cohort.PILOT else None,
                )
                NegotiatorContact.objects.create(negotiator=existing, full_name=full_name, gender=gender, phone=phone)
            self.negotiators[cohort].append(existing)
        demo = self.negotiators[Cohort.PILOT][0]
        if demo.user_id is None:
            demo.user = self.users["negotiator"]
            demo.save(update_fields=["user", "updated_at"])

    def _training(self) -> None:
        """Four basic modules for the new cohort in 2024 and two advanced ones for the pilot
        graduates; a few miss a module, so not everyone ends certified or advanced."""
        host = self.communities[0]
        new_missing = set(self.rng.sample(range(25), 3))
        pilot_missing = set(self.rng.sample(range(25), 2))
        # The whole catalogue first: certification is judged against every active module.
        modules = {
            code: TrainingModule.objects.get_or_create(
                code=code,
                defaults={
                    "title": title,
                    "title_en": MODULE_TITLES[code][0],
                    "title_cs": MODULE_TITLES[code][1],
                    "title_ru": MODULE_TITLES[code][2],
                    "level": level,
                    "order": order,
                    "hours": hours,
                },
            )[0]
            for code, title, level, order, hours, _starts_on in MODULES
        }
        for code, _title, level, order, _hours, starts_on in MODULES:
            module = modules[code]
            session, _ = TrainingSession.objects.get_or_create(
                module=module,
                starts_on=starts_on,
                defaults={
                    "ends_on": starts_on + timedelta(days=2),
                    "place": "м. Хмельницький, Будинок громадських ініціатив",
                    "host_community": host,
                    "programme": self.isn,
                    "trainers": "Тренерська команда Школи соціальних перемовників",
                },
            )
            cohort = Cohort.NEW if level == ModuleLevel.BASIC else Cohort.PILOT
            missing = new_missing if cohort == Cohort.NEW else pilot_missing
            for index, negotiator in enumerate(self.negotiators[cohort]):
                # Each absent negotiator misses exactly one module: the one matching their index.
                absent = index in missing and order == 1 + index % (4 if level == ModuleLevel.BASIC else 2)
                attendance_record(session=session, negotiator=negotiator, present=not absent, completed=not absent)

    # --- activity ------------------------------------------------------------------------------
    def _active_until(self, community: Community) -> date:
        return date(2025, 9, 30) if community.name == LEAVING_COMMUNITY else date(2025, 12, 19)

    def _attributed(self, community: Community | None) -> Programme:
        """Seed 000's programme for the Ukrainian records; the Czech village's go to the Czech
        programme it takes part in."""
        return self.czech if community == self.obec else self.isn

    def _log_event_once(self, *, community: Community, date: date, title: str, **fields) -> None:
        if OutreachEvent.objects.filter(community=community, date=date, title=title).exists():
            return
        event_log(
            actor=self.staff,
            community=community,
            date=date,
            title=title,
            programme=self._attributed(community),
            **fields,
        )

    def _breakdown(self, total: int) -> dict:
        women = round(total * self.rng.uniform(0.45, 0.65))
        known_men = total - women if self.rng.random() < 0.85 else max(0, total - women - self.rng.randint(1, 3))
        return {
            "participants_total": total,
            "participants_women": women,
            "participants_men": known_men,
            "participants_youth": round(total * self.rng.uniform(0.05, 0.3)),
            "participants_idps": round(total * self.rng.uniform(0.0, 0.2)),
            "participants_veterans": round(total * self.rng.uniform(0.0, 0.1)),
            "participants_vulnerable": round(total * self.rng.uniform(0.0, 0.1)),
        }

    def _events(self) -> None:
        """About 200 events reaching about 1,500 residents: 195 small ones in the communities, plus
        three press conferences, a round table and the forum of about 100."""
        kinds = list(EVENT_TITLES)
        kind_weights = [60, 15, 12, 5, 8]
        topics = list(TOPIC_TITLES)
        per_community = [8] * 20 + [7] * 5
        for community, count in zip(self.communities, per_community, strict=True):
            organisers = [n for cohort in self.negotiators.values() for n in cohort if n.community_id == community.pk]
            start = date(2024, 1, 22) if community in self.communities[:PILOT_COUNT] else date(2024, 2, 15)
            for day in _spread_dates(self.rng, start, self._active_until(community), count):
                kind = self.rng.choices(kinds, weights=kind_weights)[0]
                topic = self.rng.choice(topics)
                total = self.rng.randint(3, 11)
                self._log_event_once(
                    community=community,
                    date=day,
                    title=f"{EVENT_TITLES[kind]}: {TOPIC_TITLES[topic]}",
                    kind=kind,
                    topic=topic,
                    place=self.rng.choice(
                        ["Будинок культури", "Центр надання адміністративних послуг", "Школа", "Бібліотека"]
                    ),
                    police_present=self.rng.random() < 0.4,
                    local_government_present=self.rng.random() < 0.5,
                    ngos_present=self.rng.random() < 0.2,
                    organisers=self.rng.sample(organisers, self.rng.randint(1, len(organisers))),
                    summary="Мешканці обговорили безпекові питання громади та домовилися про наступні кроки.",
                    **self._breakdown(total),
                )
        centre = self.communities[0]
        programme_events = [
            (
                date(2024, 2, 19),
                EventKind.PRESS_CONFERENCE,
                "Прес-конференція: старт Школи соціальних перемовників",
                12,
            ),
            (date(2024, 12, 10), EventKind.PRESS_CONFERENCE, "Прес-конференція: результати першого року", 11),
            (date(2025, 11, 27), EventKind.PRESS_CONFERENCE, "Прес-конференція: підсумки проєкту", 13),
            (
                date(2025, 5, 15),
                EventKind.ROUND_TABLE,
                "Круглий стіл: законодавче закріплення статусу перемовників",
                24,
            ),
            (date(2025, 10, 24), EventKind.FORUM, "Форум соціальних перемовників Хмельниччини", 102),
        ]
        for day, kind, title, total in programme_events:
            self._log_event_once(
                community=centre,
                date=day,
                title=title,
                kind=kind,
                topic=Topic.NEGOTIATOR_STATUS,
                place="м. Хмельницький",
                police_present=True,
                local_government_present=True,
                ngos_present=True,
                **self._breakdown(total),
            )
        obrnice = [
            (date(2024, 4, 18), EventKind.PUBLIC_MEETING, "Veřejné setkání: soužití v sídlišti", 34),
            (date(2024, 10, 8), EventKind.INFORMATION_SESSION, "Informační setkání: bydlení a dluhy", 18),
        ]
        for day, kind, title, total in obrnice:
            self._log_event_once(
                community=self.obec,
                date=day,
                title=title,
                kind=kind,
                topic=Topic.NEIGHBOURLY_COEXISTENCE if kind == EventKind.PUBLIC_MEETING else Topic.HOUSING,
                place="Obrnice, sál obecního úřadu",
                local_government_present=True,
                ngos_present=True,
                **self._breakdown(total),
            )

    def _personal_data_views(self) -> None:
        """A few entries of the view log for the data protection officer to browse: staff opened
        three cases with their parties in the admin, the demo negotiator one in the field app."""
        if PersonalDataView.objects.exists():
            return
        cases = Incident.objects.filter(parties__isnull=False).distinct().order_by("id")
        for incident in cases[:3]:
            record_view(self.staff, incident.parties.all(), ViewChannel.ADMIN)
        negotiator = self.users["negotiator"]
        own = cases.filter(community__negotiators__user=negotiator).first()
        if own is not None:
            record_view(negotiator, own.parties.all(), ViewChannel.FIELD)

    def _incidents(self) -> None:
        """120 cases across categories; older ones are mostly closed, recent ones still open."""
        categories = list(INCIDENT_WEIGHTS)
        weights = list(INCIDENT_WEIGHTS.values())
        agencies = [
            Agency.SOCIAL_SERVICES,
            Agency.POLICE,
            Agency.LEGAL_AID,
            Agency.PSYCHOSOCIAL,
            Agency.LOCAL_GOVERNMENT,
        ]
        today = date(2025, 12, 31)
        for number in range(120):
            community = self.communities[number % len(self.communities)]
            start = date(2024, 1, 20) if community in self.communities[:PILOT_COUNT] else date(2024, 2, 10)
            day = _spread_dates(self.rng, start, self._active_until(community), 1)[0]
            occurred_at = _aware(day, self.rng.randint(7, 21), self.rng.choice([0, 15, 30, 45]))
            category = self.rng.choices(categories, weights=weights)[0]
            title = self.rng.choice(INCIDENT_TITLES[category])
            severity = self.rng.choices([1, 2, 3, 4], weights=[30, 45, 20, 5])[0]
            police = category in (IncidentCategory.PUBLIC_ORDER, IncidentCategory.POLICE_COMMUNITY) or (
                self.rng.random() < 0.25
            )
            age = (today - day).days
            outcome = self.rng.choices(
                ["resolved", "referred", "closed_unresolved", "in_progress", "reported"],
                weights=[60, 15, 8, 12, 5] if age > 60 else [20, 5, 5, 40, 30],
            )[0]
            # The demo negotiator's community keeps two cases open, to work on in the field app.
            outcome = OPEN_IN_FIRST_COMMUNITY.get(number, outcome)
            start_after = timedelta(days=self.rng.randint(0, 4), hours=self.rng.randint(1, 8))
            close_after = start_after + timedelta(days=self.rng.randint(3, 45))
            agency = self.rng.choice(agencies)
            mode = self.rng.choice([ResponseMode.MEDIATION, ResponseMode.MEDIATION, ResponseMode.ACUTE_COMMUNICATION])
            parties: list[PartyData] = [
                {"role": PartyRole.COMPLAINANT, "full_name": self._person()[0], "phone": self._person()[2]},
                {"role": PartyRole.RESPONDENT, "full_name": self._person()[0]},
            ]
            for side, party in enumerate(parties):
                party |= _party_profile(number * 2 + side)
            source = self.rng.choice([ReportSource.RESIDENT, ReportSource.NEGOTIATOR, ReportSource.POLICE])
            if Incident.objects.filter(community=community, occurred_at=occurred_at, title=title).exists():
                continue
            negotiator = Negotiator.objects.filter(community=community).order_by("pk").first()
            incident = incident_report(
                programme=self._attributed(community),
                actor=self.staff,
                community=community,
                category=category,
                severity=severity,
                occurred_at=occurred_at,
                title=title,
                description="Звернення мешканця; деталі записано зі слів заявника.",
                location="вул. Центральна",
                source=source,
                police_involved=police,
                negotiator=negotiator,
                parties=parties,
                reported_at=occurred_at + timedelta(hours=2),
            )
            if outcome == "reported":
                continue
            incident_transition(
                incident=incident,
                to_status=IncidentStatus.IN_PROGRESS,
                actor=self.staff,
                response_mode=mode,
                note="Перемовник зв'язався зі сторонами.",
                performed_at=occurred_at + start_after,
            )
            incident_action_add(
                incident=incident,
                kind="mediation_meeting",
                actor=self.staff,
                description="Зустріч сторін за участі перемовника.",
                performed_at=occurred_at + start_after + timedelta(days=1),
            )
            if outcome == "referred":
                # Referring no longer closes the case: its referral (``reports.demo_casework``)
                # is followed up while the case stays open.
                self.referred_incidents.append((incident, agency, (occurred_at + close_after).date()))
            if outcome in ("in_progress", "referred"):
                continue
            incident_transition(
                incident=incident,
                to_status=outcome,
                actor=self.staff,
                note="Сторони дійшли згоди." if outcome == "resolved" else "",
                performed_at=occurred_at + close_after,
            )

    def _assessments(self) -> None:
        """Each community assessed every half-year it was a partner, with the first instrument;
        scores rise slowly."""
        instrument = assessment_first_instrument()
        dimensions = {dimension.code: dimension for dimension in instrument.dimensions.all()}
        for community in self.communities:
            base = {dimension: self.rng.uniform(2.3, 3.3) for dimension in ASSESSMENT_DIMENSIONS}
            for step, (year, half) in enumerate([(2024, 1), (2024, 2), (2025, 1), (2025, 2)]):
                gains = {dimension: self.rng.uniform(0.05, 0.25) for dimension in ASSESSMENT_DIMENSIONS}
                respondents = self.rng.randint(40, 120)
                if year == 2025 and half == 2 and community.name == LEAVING_COMMUNITY:
                    continue
                scores = {
                    dimension: Decimal(str(round(min(5.0, base[dimension] + step * gains[dimension]), 2)))
                    for dimension in ASSESSMENT_DIMENSIONS
                }
                assessment, created = SafetyAssessment.objects.get_or_create(
                    community=community,
                    year=year,
                    half=half,
                    defaults={
                        "assessed_on": date(year, 6, 20) if half == 1 else date(year, 12, 10),
                        "respondents": respondents,
                        "programme": self._attributed(community),
                        "instrument": instrument,
                        "identified_risks": RISKS,
                        "safety_resources": RESOURCES,
                        # Not drawn from the generator: the other figures stay as they were.
                        "method": DEMO_METHODS[community.pk % len(DEMO_METHODS)],
                    },
                )
                if created:
                    AssessmentScore.objects.bulk_create(
                        AssessmentScore(assessment=assessment, dimension=dimensions[code], value=value)
                        for code, value in scores.items()
                    )

    def _media(self) -> None:
        """84 mentions whose estimated reach adds up to 10 million."""
        draws = []
        for day in _spread_dates(self.rng, date(2024, 1, 25), date(2025, 12, 15), MEDIA_COUNT):
            outlet, medium, typical = self.rng.choice(OUTLETS)
            draws.append((day, outlet, medium, typical * self.rng.uniform(0.5, 1.5), self.rng.choice(self.communities)))
        scale = MEDIA_TOTAL_REACH / sum(raw for _, _, _, raw, _ in draws)
        reaches = [round(raw * scale, -2) for _, _, _, raw, _ in draws]
        reaches[-1] += MEDIA_TOTAL_REACH - sum(reaches)
        for (day, outlet, medium, _raw, community), reach in zip(draws, reaches, strict=True):
            MediaMention.objects.get_or_create(
                outlet=outlet,
                published_on=day,
                title=f"Соціальні перемовники: {community.name}",
                defaults={
                    "medium": medium,
                    "reach": int(reach),
                    "community": community,
                    "programme": self._attributed(community),
                },
            )

    # --- programmes ----------------------------------------------------------------------------
    def _programmes(self) -> None:
        """The five programmes of the seeds with their donors and tranches; seed 000's with the
        demo's 25 communities (over their partnership periods) and the two Ukrainian partner
        organisations as its consortium; a few communities in the others where the demo has
        them (Central Asia's come with its case work, ``reports.demo_casework``)."""
        programmes = {spec.code: self._programme(spec) for spec in DEMO_PROGRAMMES}
        isn = self.isn = programmes["ISN-2023"]
        self.czech = programmes["OPV-CZ"]
        partnerships = Partnership.objects.filter(community__in=self.communities).select_related("community")
        for partnership in partnerships.order_by("community", "joined_on"):
            self._take_part(isn, partnership.community, partnership.joined_on, partnership.left_on)
        for role, partner in ((ConsortiumRole.LEAD, self.partners[0]), (ConsortiumRole.PARTNER, self.partners[1])):
            self._member(isn, partner, role, isn.starts_on)
        for community in self.communities[:3]:
            self._take_part(programmes["RP-2017"], community, date(2019, 3, 1), date(2022, 12, 31))
        for community in self.communities[3:6]:
            self._take_part(programmes["DOBRE-2023"], community, date(2023, 8, 16), date(2025, 6, 30))
        self._take_part(programmes["OPV-CZ"], self.obec, date(2024, 4, 8), None)
        self._member(programmes["OPV-CZ"], self.partners[2], ConsortiumRole.PARTNER, date(2024, 4, 1))
        self._documents(isn)
        self.programmes = programmes

    def _programme_work(self) -> None:
        """What the programmes did besides their activities, once those exist (the campaign links
        events and media mentions): outputs, the coalition, the campaign, agreements, logframes."""
        isn = self.programmes["ISN-2023"]
        self._outputs(isn, self.programmes["RP-2017"])
        self._coalition(isn)
        self._campaign(isn)
        self._agreements(isn)
        seed_risks(isn)
        seed_logframes(self.programmes, entered_by=self.staff, approved_by=self.users["manager"])

    def _planning(self) -> None:
        """Seed 001's safety planning in the first 20 communities and seed 000's regulation
        (``reports.demo_planning``)."""
        DemoPlanning(
            communities=self.communities,
            programmes=self.programmes,
            staff=self.staff,
            negotiator=self.negotiators[Cohort.PILOT][0],
        ).build()

    def _webinars(self) -> None:
        """Seed 002's two-part webinar with its registrants, and a webinar planned for next month."""
        DemoWebinars(
            staff=self.staff,
            host=self.communities[3],
            dobre=self.programmes["DOBRE-2023"],
            planned_host=self.communities[0],
            planned_programme=self.programmes["ISN-2023"],
        ).build()

    def _casework(self) -> None:
        """Seed 004's case work in Central Asia, seed 001's veterans, seed 003's mediation
        agreements, and the referrals of the incidents referred above (``reports.demo_casework``)."""
        DemoCasework(
            programmes=self.programmes,
            staff=self.staff,
            veteran_communities=self.communities[:3],
            obec=self.obec,
            referred_incidents=self.referred_incidents,
        ).build()

    def _library_document(self, programme: Programme, title: str, **fields) -> Document:
        """A document of ``programme``'s library found by its title, or created as a small PDF."""
        existing = Document.objects.filter(programme=programme, title=title).first()
        if existing is not None:
            return existing
        text = fields.pop("text", title)
        document = Document(programme=programme, title=title, file=ContentFile(minimal_pdf(text), name="document.pdf"))
        for name, value in fields.items():
            setattr(document, name, value)
        return document_save(document=document, actor=self.staff)

    def _outputs(self, isn: Programme, restorative: Programme) -> None:
        """The outputs register: ISN's handbook (an edition of 50), its online course and its
        annual analytic study; the conflict-potential map of the restorative-practices programme."""
        handbook = Document.objects.get(programme=isn, title="Handbook of social negotiation (excerpt)")
        outputs = [
            (
                isn,
                "Довідник соціального перемовника (оновлене видання)",
                {
                    "kind": DeliverableKind.PUBLICATION,
                    "date": date(2024, 9, 16),
                    "quantity": 50,
                    "status": DeliverableStatus.DELIVERED,
                    "document": handbook,
                    "description": "Оновлений і перевиданий довідник соціального перемовника накладом 50 примірників.",
                },
            ),
            (
                isn,
                "Онлайн-курс «Інститут соціальних перемовників»",
                {
                    "kind": DeliverableKind.ONLINE_COURSE,
                    "date": date(2025, 2, 3),
                    "quantity": 312,
                    "status": DeliverableStatus.DELIVERED,
                    "link": "https://courses.zlagoda.example/isn/",
                    "description": "Навчальний онлайн-курс у відкритому доступі; кількість — записані слухачі.",
                },
            ),
            (
                isn,
                "Аналітична довідка: стан безпеки та взаємодія поліції й населення в ОТГ (річна)",
                {
                    "kind": DeliverableKind.STUDY,
                    "date": date(2025, 1, 31),
                    "status": DeliverableStatus.DELIVERED,
                    "description": "Річна аналітична довідка на основі моніторингової оцінки стану безпеки.",
                },
            ),
            (
                restorative,
                "Карта конфліктного потенціалу та потреб 20 громад Донецької та Луганської областей",
                {
                    "kind": DeliverableKind.MAP,
                    "date": date(2018, 11, 30),
                    "status": DeliverableStatus.DELIVERED,
                    "description": "Складена експертами ІМіП у 2018 році.",
                },
            ),
        ]
        for programme, title, fields in outputs:
            if not Deliverable.objects.filter(programme=programme, title=title).exists():
                deliverable_save(deliverable=Deliverable(programme=programme, title=title, **fields), actor=self.staff)

    def _coalition(self, isn: Programme) -> None:
        """The coalition of NGOs bringing the Institute of Social Negotiators to other regions:
        the two consortium members and two organisations from outside the oblast."""
        outside = []
        for name, short_name in (
            ("ГО «Інститут миру і порозуміння»", "ІМіП"),
            ("ГО «Агенція сталого розвитку «АСТАР»", "АСТАР"),
        ):
            partner, _ = PartnerOrganisation.objects.get_or_create(
                name=name, defaults={"short_name": short_name, "country": Country.UKRAINE}
            )
            outside.append(partner)
        members = [
            (self.partners[0], date(2023, 6, 1)),
            (self.partners[1], date(2023, 6, 1)),
            (outside[0], date(2024, 4, 15)),
            (outside[1], date(2023, 6, 1)),
        ]
        for partner, joined_on in members:
            if not NetworkMembership.objects.filter(programme=isn, network=COALITION, partner=partner).exists():
                network_member_add(
                    programme=isn, network=COALITION, partner=partner, joined_on=joined_on, actor=self.staff
                )

    def _campaign(self, isn: Programme) -> None:
        """The advocacy campaign for the negotiators' legal status: three milestones, the round
        table, the forum and the final press conference, and the media mentions around them."""
        title = "Законодавче закріплення статусу соціальних перемовників"
        campaign = Campaign.objects.filter(programme=isn, title=title).first()
        if campaign is None:
            campaign = campaign_save(
                campaign=Campaign(
                    programme=isn,
                    title=title,
                    goal="Статус соціального перемовника закріплено в місцевих і обласних нормативних актах.",
                    target_bodies="Хмельницька обласна рада; ради громад-партнерів; ГУНП у Хмельницькій області",
                    starts_on=date(2024, 9, 1),
                    ends_on=date(2026, 6, 30),
                    status=CampaignStatus.ACTIVE,
                    result="Положення про соціального перемовника включено до програм безпеки шести громад.",
                ),
                actor=self.staff,
            )
            milestones = [
                ("Круглий стіл щодо нормативного закріплення статусу", date(2025, 5, 15), date(2025, 5, 15)),
                ("Проєкт типового положення подано до обласної ради", date(2025, 9, 30), date(2025, 10, 14)),
                ("Обласна рада ухвалює програму з положенням про перемовників", date(2026, 3, 31), None),
            ]
            for milestone, due_on, done_on in milestones:
                milestone_add(
                    campaign=campaign,
                    title=milestone,
                    due_on=due_on,
                    done_on=done_on,
                    status=MilestoneStatus.DONE if done_on else MilestoneStatus.PENDING,
                    actor=self.staff,
                )
        events = OutreachEvent.objects.filter(
            community=self.communities[0],
            kind__in=[EventKind.ROUND_TABLE, EventKind.FORUM, EventKind.PRESS_CONFERENCE],
            date__gte=campaign.starts_on,
        ).order_by("date", "pk")
        for event in events:
            if event.campaign_id is None:
                event.campaign = campaign
                event_update(event=event, actor=self.staff)
        mentions = MediaMention.objects.filter(published_on__range=(date(2025, 5, 15), date(2025, 11, 30)))
        for mention in mentions.order_by("published_on", "pk")[:4]:
            if mention.campaign_id is None:
                mention.campaign = campaign
                mention.save()

    def _agreements(self, isn: Programme) -> None:
        """A memorandum with the partner communities and an agreement with a partner
        organisation, each with its signed text in the library."""
        memorandum = self._library_document(
            isn,
            "Меморандум про співпрацю з громадами-партнерами ISN-2023",
            kind=DocumentKind.AGREEMENT,
            language=DocumentLanguage.UKRAINIAN,
            access=DocumentAccess.PARTNERS,
            text="Memorandum of cooperation with the partner communities (demo).",
        )
        partnership = Document.objects.get(programme=isn, title="Угода про партнерство ISN-2023")
        agreements = [
            (
                "Меморандум про співпрацю з громадами-партнерами ISN-2023",
                AgreementKind.MEMORANDUM,
                date(2023, 3, 1),
                date(2026, 12, 31),
                memorandum,
                self.communities[:PILOT_COUNT],
                [],
            ),
            (
                "Угода про співпрацю з ГО «Центр медіації Поділля»",
                AgreementKind.COOPERATION,
                date(2023, 3, 1),
                date(2025, 12, 31),
                partnership,
                [],
                [self.partners[1]],
            ),
        ]
        for title, kind, signed_on, valid_until, document, communities, partners in agreements:
            if Agreement.objects.filter(programme=isn, title=title).exists():
                continue
            agreement_save(
                agreement=Agreement(
                    programme=isn,
                    title=title,
                    kind=kind,
                    signed_on=signed_on,
                    valid_until=valid_until,
                    document=document,
                ),
                actor=self.staff,
                communities=communities,
                partners=partners,
            )

    def _documents(self, isn: Programme) -> None:
        """Three documents of the ISN library, one of each access level: small generated PDFs."""
        library = [
            (
                "Handbook of social negotiation (excerpt)",
                DocumentKind.PUBLICATION,
                DocumentLanguage.ENGLISH,
                DocumentAccess.PUBLIC,
                "Social negotiation: listen, map the interests, agree the next step.",
            ),
            (
                "Угода про партнерство ISN-2023",
                DocumentKind.AGREEMENT,
                DocumentLanguage.UKRAINIAN,
                DocumentAccess.PARTNERS,
                "Partnership agreement between the consortium members (demo).",
            ),
            (
                "Internal review of the 2024 tranche",
                DocumentKind.EVIDENCE,
                DocumentLanguage.ENGLISH,
                DocumentAccess.STAFF,
                "Staff only: the tranche conditions and how they were met (demo).",
            ),
        ]
        for title, kind, language, access, text in library:
            if Document.objects.filter(programme=isn, title=title).exists():
                continue
            document = Document(
                programme=isn,
                title=title,
                kind=kind,
                language=language,
                access=access,
                file=ContentFile(minimal_pdf(text), name="document.pdf"),
            )
            document_save(document=document, actor=self.staff)
            document.communities.set(self.communities[:3])

    def _programme(self, spec: DemoProgrammeSpec) -> Programme:
        programme = Programme.objects.filter(code=spec.code).first()
        if programme is None:
            programme = programme_save(
                programme=Programme(
                    code=spec.code,
                    name=spec.name,
                    name_en=spec.name_en,
                    implementing_organisation=spec.implementing_organisation,
                    starts_on=spec.starts_on,
                    ends_on=spec.ends_on,
                    countries=[str(country) for country in spec.countries],
                    currency=spec.currency,
                    budget=spec.budget,
                    status=spec.status,
                )
            )
        for name, country, kind, instrument, reference in spec.donors:
            donor = Donor.objects.filter(name=name).first() or donor_save(
                donor=Donor(name=name, country=country, kind=kind)
            )
            if not Funding.objects.filter(programme=programme, donor=donor).exists():
                funding_add(programme=programme, donor=donor, instrument=instrument, grant_reference=reference)
        for amount, expected_on, received_on, condition in spec.tranches:
            if not Tranche.objects.filter(programme=programme, expected_on=expected_on).exists():
                tranche_add(
                    programme=programme,
                    amount=amount,
                    expected_on=expected_on,
                    received_on=received_on,
                    condition=condition,
                )
        return programme

    def _take_part(self, programme: Programme, community: Community, joined_on: date, left_on: date | None) -> None:
        if not Participation.objects.filter(programme=programme, community=community, joined_on=joined_on).exists():
            participation_start(programme=programme, community=community, joined_on=joined_on, left_on=left_on)

    def _member(self, programme: Programme, partner: PartnerOrganisation, role: str, joined_on: date) -> None:
        if not ConsortiumMember.objects.filter(programme=programme, partner=partner).exists():
            consortium_member_add(programme=programme, partner=partner, role=role, joined_on=joined_on)

    def _czech_engagements(self) -> None:
        partner = self.partners[2]
        Engagement.objects.get_or_create(
            community=self.obec,
            mode=EngagementMode.ACUTE,
            starts_on=date(2024, 4, 8),
            defaults={
                "partner": partner,
                "topic": Topic.NEIGHBOURLY_COEXISTENCE,
                "ends_on": date(2024, 6, 28),
                "trigger": "Napětí mezi sousedy po požáru bytového domu a stěhování rodin.",
                "line_communication": True,
                "line_mediation": True,
                "outcome": "Dohoda o pravidlech soužití, pravidelná setkání se starostou.",
            },
        )
        Engagement.objects.get_or_create(
            community=self.obec,
            mode=EngagementMode.SYSTEMATIC,
            starts_on=date(2024, 9, 2),
            defaults={
                "partner": partner,
                "topic": Topic.HOUSING,
                "ends_on": date(2025, 8, 29),
                "trigger": "Obec požádala o podporu při tvorbě koncepce sociálního bydlení.",
                "line_communication": True,
                "line_process_mapping": True,
                "line_participation": True,
                "outcome": "Koncepce sociálního bydlení schválena zastupitelstvem.",
            },
        )


# The parties' sex, age group and vulnerable group, and the assessments' survey methods: a fixed
# pattern (not the random generator, so that the demo's other figures stay as they were), with
# gaps ("" = not recorded) as real records have.
DEMO_SEXES = ("female", "male", "female", "male", "")
DEMO_AGE_GROUPS = ("30-59", "18-29", "60+", "30-59", "", "0-17", "30-59")
DEMO_VULNERABLE_GROUPS = ("none", "none", "displaced", "", "none", "veteran", "older_person", "none", "")
DEMO_METHODS = ("face_to_face", "face_to_face", "telephone", "mixed", "")


def _party_profile(index: int) -> PartyData:
    age_group = DEMO_AGE_GROUPS[index % len(DEMO_AGE_GROUPS)]
    return {
        "sex": DEMO_SEXES[index % len(DEMO_SEXES)],
        "age_group": age_group,
        "is_minor": age_group == "0-17",
        "vulnerable_group": DEMO_VULNERABLE_GROUPS[index % len(DEMO_VULNERABLE_GROUPS)],
    }


def _first_resolved_complainant() -> IncidentParty | None:
    return (
        IncidentParty.objects.filter(incident__status=IncidentStatus.RESOLVED, role=PartyRole.COMPLAINANT)
        .order_by("incident__occurred_at", "pk")
        .first()
    )


# Demo steps of the apps above this one (they may not be imported from here): each registers itself
# when its app is ready and runs after the programme is built. Each is idempotent, like the build.
LATER_STEPS: list[Callable[[], None]] = []


def add_demo_step(step: Callable[[], None]) -> None:
    if step not in LATER_STEPS:
        LATER_STEPS.append(step)


def seed_demo() -> tuple[DemoLogin, ...]:
    DemoProgramme().build()
    seed_demo_field()
    for step in LATER_STEPS:
        step()
    return LOGINS
