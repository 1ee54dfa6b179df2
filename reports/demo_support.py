"""The demo's support to the Czech municipality (seed 003, programme OPV-CZ): the acute and the
systematic engagement in Obrnice filled with activities on all four service lines, mediation
sessions by the roster's mediators, and recommendations in every status.

Deterministic and idempotent like the rest of the demo: its own ``random.Random`` draws every
value whatever the database holds, and each record is found by its natural key before it is
created; a recommendation moves only when it is created.
"""

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from communities.models import Community, Engagement, EngagementMode
from events.models import Person
from negotiators.models import OutreachEvent
from support.models import Activity, Mediator, Recommendation, ServiceLine, Step
from support.services import activity_save, recommendation_make, recommendation_move

SEED = 3003


@dataclass(frozen=True)
class MediatorSpec:
    full_name: str
    position: str
    email: str
    phone: str
    training: str
    certified_on: date | None
    certification_body: str
    languages: str


MEDIATORS = (
    MediatorSpec(
        "Mgr. Kateřina Horváthová",
        "mediátorka",
        "k.horvathova@inkluzivniobec.example",
        "+420 731 402 118",
        "Výcvik v mediaci (100 hodin), komunitní mediace v sociálně vyloučených lokalitách",
        date(2019, 5, 14),
        "Ministerstvo spravedlnosti ČR (zapsaná mediátorka)",
        "čeština, romština",
    ),
    MediatorSpec(
        "Mgr. Lucie Nováková",
        "mediátorka",
        "l.novakova@inkluzivniobec.example",
        "+420 604 551 903",
        "Výcvik v mediaci (120 hodin), mediace sousedských sporů",
        date(2021, 10, 4),
        "Ministerstvo spravedlnosti ČR (zapsaná mediátorka)",
        "čeština, slovenština",
    ),
    MediatorSpec(
        "Mgr. Petr Kučera",
        "mediátor",
        "p.kucera@inkluzivniobec.example",
        "+420 777 230 415",
        "Výcvik v mediaci (100 hodin), supervize mediátorů",
        date(2018, 3, 19),
        "Asociace mediátorů ČR",
        "čeština, němčina",
    ),
    MediatorSpec(
        "Bc. Tomáš Dvořák",
        "facilitátor",
        "t.dvorak@inkluzivniobec.example",
        "+420 725 118 640",
        "Facilitace veřejných setkání a kulatých stolů (40 hodin)",
        None,
        "",
        "čeština, angličtina",
    ),
)

# (engagement, line, step, date, usual hours, mediators by index, with staff, event title, notes)
ACTIVITIES = (
    (
        "acute",
        ServiceLine.COMMUNICATION,
        Step.AUDIENCE_ANALYSIS,
        date(2024, 4, 10),
        3,
        (),
        True,
        "",
        "Monitoring nálad v sídlišti po požáru, příspěvky na facebookové skupině obce.",
    ),
    (
        "acute",
        ServiceLine.COMMUNICATION,
        Step.CRISIS_PLAN,
        date(2024, 4, 12),
        4,
        (),
        True,
        "",
        "Rizikové scénáře: další požár, stěhování rodin, protestní shromáždění.",
    ),
    (
        "acute",
        ServiceLine.PARTICIPATION,
        Step.PUBLIC_MEETING,
        date(2024, 4, 18),
        3,
        (3,),
        True,
        "Veřejné setkání: soužití v sídlišti",
        "Facilitace a zápis z veřejného setkání.",
    ),
    (
        "acute",
        ServiceLine.MEDIATION,
        Step.PREPARATORY_MEETING,
        date(2024, 4, 23),
        2,
        (0, 1),
        False,
        "",
        "Přípravné schůzky zvlášť s nájemníky domu č. p. 211 a se správcem.",
    ),
    (
        "acute",
        ServiceLine.MEDIATION,
        Step.MEDIATION_SESSION,
        date(2024, 4, 30),
        3,
        (0, 1),
        False,
        "",
        "Strany: paní Dušková za nájemníky, pan Bartoš za správce domu.",
    ),
    (
        "acute",
        ServiceLine.COMMUNICATION,
        Step.TEXT_HELP,
        date(2024, 5, 6),
        1.5,
        (),
        True,
        "",
        "Text do zpravodaje obce o pomoci rodinám po požáru.",
    ),
    ("acute", ServiceLine.MEDIATION, Step.MEDIATION_SESSION, date(2024, 5, 14), 3, (0, 2), False, "", ""),
    (
        "acute",
        ServiceLine.MEDIATION,
        Step.MEDIATION_SESSION,
        date(2024, 5, 28),
        2.5,
        (1, 2),
        False,
        "",
        "Dohoda o pravidlech soužití podepsána oběma stranami.",
    ),
    ("acute", ServiceLine.COMMUNICATION, Step.SUPERVISION, date(2024, 6, 4), 2, (), True, "", ""),
    ("acute", ServiceLine.MEDIATION, Step.AGREEMENT_FOLLOW_UP, date(2024, 6, 25), 1.5, (0,), False, "", ""),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        Step.DOCUMENT_ANALYSIS,
        date(2024, 9, 16),
        6,
        (),
        True,
        "",
        "Směrnice o přidělování obecních bytů, zápisy bytové komise 2022–2024.",
    ),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        Step.STAFF_INTERVIEWS,
        date(2024, 10, 1),
        5,
        (),
        True,
        "",
        "Rozhovory: vedoucí sociálního odboru paní Malá, referentka bytové agendy paní Šimková.",
    ),
    (
        "systematic",
        ServiceLine.PARTICIPATION,
        Step.PUBLIC_MEETING,
        date(2024, 10, 8),
        2,
        (3,),
        True,
        "Informační setkání: bydlení a dluhy",
        "",
    ),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        Step.USER_INTERVIEWS,
        date(2024, 10, 15),
        6,
        (0,),
        True,
        "",
        "Rozhovory s osmi žadateli o byt, mezi nimi rodina Gáborových.",
    ),
    ("systematic", ServiceLine.PROCESS_MAPPING, Step.PROCESS_MAP, date(2024, 11, 12), 8, (), True, "", ""),
    ("systematic", ServiceLine.PROCESS_MAPPING, Step.RECOMMENDATIONS, date(2024, 12, 3), 5, (), True, "", ""),
    ("systematic", ServiceLine.COMMUNICATION, Step.INTERNAL_COMMUNICATION, date(2025, 1, 21), 3, (), True, "", ""),
    (
        "systematic",
        ServiceLine.COMMUNICATION,
        Step.SEMINAR,
        date(2025, 2, 11),
        4,
        (),
        True,
        "",
        "Seminář preventivní komunikace pro zastupitele a vedoucí odborů.",
    ),
    (
        "systematic",
        ServiceLine.MEDIATION,
        Step.MEDIATION_SESSION,
        date(2025, 2, 25),
        3,
        (1, 2),
        False,
        "",
        "Spor nájemníků s dlužníkem v domě č. p. 190.",
    ),
    (
        "systematic",
        ServiceLine.PARTICIPATION,
        Step.ROUND_TABLE,
        date(2025, 3, 12),
        3,
        (3,),
        True,
        "",
        "Kulatý stůl k bydlení: obec, úřad práce, neziskové organizace.",
    ),
    (
        "systematic",
        ServiceLine.PARTICIPATION,
        Step.VULNERABLE_GROUPS,
        date(2025, 4, 9),
        4,
        (0,),
        False,
        "",
        "Setkání s romskými rodinami v sídlišti.",
    ),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        Step.IMPLEMENTATION_CONSULTATION,
        date(2025, 5, 20),
        3,
        (),
        True,
        "",
        "",
    ),
    ("systematic", ServiceLine.PROCESS_MAPPING, Step.FOLLOW_UP, date(2025, 8, 19), 2, (), True, "", ""),
)

# (engagement, line, text, made on, moves: (status, date, evidence)...)
RECOMMENDATIONS = (
    (
        "acute",
        ServiceLine.COMMUNICATION,
        "Připravit krizový komunikační plán pro mimořádné události v sídlišti.",
        date(2024, 4, 12),
        (
            ("accepted", date(2024, 4, 20), ""),
            ("implemented", date(2024, 6, 20), "Plán přijat starostou, určeny kontaktní osoby."),
        ),
    ),
    (
        "acute",
        ServiceLine.MEDIATION,
        "Uzavřít písemnou dohodu o pravidlech soužití mezi nájemníky a správcem domu.",
        date(2024, 5, 28),
        (
            ("accepted", date(2024, 5, 28), ""),
            ("implemented", date(2024, 6, 25), "Dohoda podepsána 25. 6. 2024, kopie u správce."),
        ),
    ),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        "Zveřejnit srozumitelná pravidla přidělování obecních bytů na webu a úřední desce.",
        date(2024, 12, 3),
        (
            ("accepted", date(2024, 12, 16), ""),
            ("implemented", date(2025, 3, 3), "Pravidla schválena usnesením rady obce č. 45/2025."),
        ),
    ),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        "Zavést jedno kontaktní místo pro žádosti o bydlení a sociální poradenství.",
        date(2024, 12, 3),
        (("accepted", date(2024, 12, 16), ""), ("in_progress", date(2025, 4, 1), "")),
    ),
    (
        "systematic",
        ServiceLine.PROCESS_MAPPING,
        "Zkrátit lhůtu pro vyřízení žádosti o obecní byt na 30 dnů.",
        date(2024, 12, 3),
        (("rejected", date(2025, 1, 20), "Rada obce: bytový odbor nemá kapacitu."),),
    ),
    (
        "systematic",
        ServiceLine.PARTICIPATION,
        "Pořádat veřejná setkání k soužití v sídlišti dvakrát ročně.",
        date(2025, 3, 12),
        (
            ("accepted", date(2025, 3, 24), ""),
            ("implemented", date(2025, 10, 15), "Setkání 16. 4. a 15. 10. 2025, zápisy na webu obce."),
        ),
    ),
    ("systematic", ServiceLine.COMMUNICATION, "Jmenovat mluvčí obce pro citlivá témata.", date(2025, 2, 11), ()),
)


class DemoSupport:
    def __init__(self, *, obec: Community, staff: User):
        self.rng = random.Random(SEED)
        self.obec = obec
        self.staff = staff

    def build(self) -> None:
        engagements = {
            "acute": Engagement.objects.get(community=self.obec, mode=EngagementMode.ACUTE),
            "systematic": Engagement.objects.get(community=self.obec, mode=EngagementMode.SYSTEMATIC),
        }
        self._link(engagements)
        mediators = [self._mediator(spec) for spec in MEDIATORS]
        for key, line, step, day, hours, who, with_staff, event_title, notes in ACTIVITIES:
            # Drawn for every row, found or not: the next rows' values never depend on the database.
            quarter_hours = self.rng.choice((-1, 0, 0, 1))
            engagement = engagements[key]
            if Activity.objects.filter(engagement=engagement, step=step, date=day).exists():
                continue
            event = (
                OutreachEvent.objects.filter(community=self.obec, title=event_title).first() if event_title else None
            )
            activity_save(
                activity=Activity(
                    engagement=engagement,
                    line=line,
                    step=step,
                    date=day,
                    hours=Decimal(str(hours)) + Decimal("0.5") * quarter_hours if hours > 1 else Decimal(str(hours)),
                    notes=notes,
                ),
                actor=self.staff,
                staff=[self.staff] if with_staff else [],
                mediators=[mediators[index] for index in who],
                events=[event] if event else [],
            )
        for key, line, text, made_on, moves in RECOMMENDATIONS:
            engagement = engagements[key]
            if Recommendation.objects.filter(engagement=engagement, text=text).exists():
                continue
            recommendation = recommendation_make(
                engagement=engagement, line=line, text=text, made_on=made_on, actor=self.staff
            )
            for status, on, evidence in moves:
                recommendation = recommendation_move(
                    recommendation=recommendation, status=status, on=on, evidence=evidence, actor=self.staff
                )

    def _link(self, engagements: dict[str, Engagement]) -> None:
        """The systematic engagement grew out of the acute one; each has its public event."""
        acute, systematic = engagements["acute"], engagements["systematic"]
        if systematic.follows_id is None:
            systematic.follows = acute
            systematic.full_clean()
            systematic.save()
        events = OutreachEvent.objects.filter(community=self.obec)
        for engagement in (acute, systematic):
            within = events.filter(date__gte=engagement.starts_on, date__lte=engagement.ends_on)
            engagement.events.add(*within.exclude(pk__in=engagement.events.values("pk")))

    def _mediator(self, spec: MediatorSpec) -> Mediator:
        person = Person.objects.filter(full_name=spec.full_name).first()
        if person is None:
            person = Person.objects.create(
                full_name=spec.full_name,
                organisation="Inkluzivní obec, z. s.",
                position=spec.position,
                email=spec.email,
                phone=spec.phone,
            )
        mediator, _created = Mediator.objects.get_or_create(
            person=person,
            defaults={
                "training": spec.training,
                "certified_on": spec.certified_on,
                "certification_body": spec.certification_body,
                "languages": spec.languages,
            },
        )
        return mediator
