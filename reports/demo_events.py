"""The demo's webinars (seed 002): the DOBRE programme's two-part webinar "Social integration and
reintegration" of 16 and 18 August 2023 (online, Ukrainian and Polish with interpretation, a
moderator and speakers), about 300 registrations from 62 communities in 10 oblasts with their
questions, attendance, the materials sent afterwards and the feedback; and a webinar of seed 000's
programme planned for next month, open for registration at ``/e/<PLANNED_SLUG>/``.

Deterministic and idempotent like the rest of the demo (``reports.demo``): its own random seed,
every row found by a natural key before it is created. The registrations of the past webinar are
written as they stand after the event (the public page takes registrations only before a start).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from communities.models import Community, CommunityKind, Country, Region, Topic
from events.consent import ensure_consent_text
from events.models import (
    AudienceRole,
    ConsentText,
    Contributor,
    ContributorRole,
    Delivery,
    DeliveryStatus,
    Feedback,
    MailingAudience,
    MaterialsMailing,
    Person,
    Registration,
    RegistrationStatus,
    email_token,
)
from negotiators.models import EventFormat, EventKind, EventSeries, EventStatus, OutreachEvent
from negotiators.services import event_update
from programmes.models import Document, DocumentKind, DocumentLanguage, Programme
from programmes.services import document_save, programme_save

SEED = 20230816
KYIV = ZoneInfo("Europe/Kyiv")
PLANNED_SLUG = "bezpeka-hromady-2027"

# Ten oblasts, with real territorial communities (hromadas) whose officials registered.
OBLASTS: dict[str, list[str]] = {
    "Київська область": [
        "Бучанська",
        "Ірпінська",
        "Броварська",
        "Фастівська",
        "Білоцерківська",
        "Обухівська",
        "Макарівська",
    ],
    "Львівська область": ["Жовківська", "Стрийська", "Самбірська", "Золочівська", "Трускавецька", "Мостиська"],
    "Вінницька область": ["Жмеринська", "Хмільницька", "Козятинська", "Барська", "Ладижинська", "Гайсинська"],
    "Житомирська область": ["Бердичівська", "Коростенська", "Звягельська", "Овруцька", "Малинська", "Коростишівська"],
    "Полтавська область": [
        "Кременчуцька",
        "Миргородська",
        "Лубенська",
        "Гадяцька",
        "Решетилівська",
        "Хорольська",
        "Глобинська",
    ],
    "Чернігівська область": ["Ніжинська", "Прилуцька", "Менська", "Бахмацька", "Носівська", "Ічнянська"],
    "Сумська область": ["Конотопська", "Шосткинська", "Охтирська", "Роменська", "Глухівська", "Лебединська"],
    "Дніпропетровська область": [
        "Кам'янська",
        "Павлоградська",
        "Самарівська",
        "Нікопольська",
        "Марганецька",
        "Жовтоводська",
    ],
    "Одеська область": ["Ізмаїльська", "Білгород-Дністровська", "Чорноморська", "Балтська", "Подільська", "Южненська"],
    "Івано-Франківська область": [
        "Калуська",
        "Коломийська",
        "Долинська",
        "Надвірнянська",
        "Бурштинська",
        "Тисменицька",
    ],
}
# Where each town stands (latitude, longitude of its centre), so the map draws every community.
CENTRES: dict[str, tuple[str, str]] = {
    "Бучанська": ("50.549", "30.220"),
    "Ірпінська": ("50.522", "30.250"),
    "Броварська": ("50.511", "30.790"),
    "Фастівська": ("50.076", "29.918"),
    "Білоцерківська": ("49.796", "30.131"),
    "Обухівська": ("50.107", "30.618"),
    "Макарівська": ("50.464", "29.810"),
    "Жовківська": ("50.055", "23.972"),
    "Стрийська": ("49.262", "23.856"),
    "Самбірська": ("49.518", "23.202"),
    "Золочівська": ("49.808", "24.903"),
    "Трускавецька": ("49.278", "23.506"),
    "Мостиська": ("49.795", "23.150"),
    "Жмеринська": ("49.037", "28.112"),
    "Хмільницька": ("49.559", "27.957"),
    "Козятинська": ("49.716", "28.834"),
    "Барська": ("49.076", "27.683"),
    "Ладижинська": ("48.684", "29.236"),
    "Гайсинська": ("48.812", "29.389"),
    "Бердичівська": ("49.898", "28.602"),
    "Коростенська": ("50.950", "28.639"),
    "Звягельська": ("50.589", "27.617"),
    "Овруцька": ("51.324", "28.808"),
    "Малинська": ("50.770", "29.240"),
    "Коростишівська": ("50.318", "29.059"),
    "Кременчуцька": ("49.066", "33.420"),
    "Миргородська": ("49.968", "33.608"),
    "Лубенська": ("50.018", "32.987"),
    "Гадяцька": ("50.370", "33.990"),
    "Решетилівська": ("49.563", "34.074"),
    "Хорольська": ("49.785", "33.274"),
    "Глобинська": ("49.395", "33.271"),
    "Ніжинська": ("51.048", "31.886"),
    "Прилуцька": ("50.594", "32.387"),
    "Менська": ("51.521", "32.214"),
    "Бахмацька": ("51.181", "32.828"),
    "Носівська": ("50.929", "31.582"),
    "Ічнянська": ("50.863", "32.396"),
    "Конотопська": ("51.240", "33.202"),
    "Шосткинська": ("51.863", "33.470"),
    "Охтирська": ("50.310", "34.899"),
    "Роменська": ("50.751", "33.474"),
    "Глухівська": ("51.678", "33.917"),
    "Лебединська": ("50.587", "34.484"),
    "Кам'янська": ("48.512", "34.603"),
    "Павлоградська": ("48.535", "35.870"),
    "Самарівська": ("48.633", "35.224"),
    "Нікопольська": ("47.571", "34.397"),
    "Марганецька": ("47.648", "34.626"),
    "Жовтоводська": ("48.350", "33.502"),
    "Ізмаїльська": ("45.351", "28.837"),
    "Білгород-Дністровська": ("46.193", "30.348"),
    "Чорноморська": ("46.301", "30.656"),
    "Балтська": ("47.938", "29.622"),
    "Подільська": ("47.742", "29.531"),
    "Южненська": ("46.622", "31.101"),
    "Калуська": ("49.019", "24.373"),
    "Коломийська": ("48.531", "25.040"),
    "Долинська": ("48.972", "23.975"),
    "Надвірнянська": ("48.635", "24.571"),
    "Бурштинська": ("49.259", "24.635"),
    "Тисменицька": ("48.901", "24.848"),
}
ORGANISATIONS = {
    AudienceRole.LOCAL_GOVERNMENT: "{community} міська рада",
    AudienceRole.INTEGRATION: "Відділ соціального захисту, {community} міська рада",
    AudienceRole.EMPLOYMENT_CENTRE: "Центр зайнятості, {community} громада",
    AudienceRole.SOCIAL_SERVICES: "Центр надання соціальних послуг, {community} громада",
    AudienceRole.POLICE: "Відділ поліції, {community} громада",
    AudienceRole.NGO: "ГО «Агенція розвитку {community} громади»",
    AudienceRole.RESIDENT: "",
    AudienceRole.OTHER: "Бібліотека, {community} громада",
}
ROLE_WEIGHTS = {
    AudienceRole.LOCAL_GOVERNMENT: 40,
    AudienceRole.INTEGRATION: 14,
    AudienceRole.EMPLOYMENT_CENTRE: 8,
    AudienceRole.SOCIAL_SERVICES: 14,
    AudienceRole.POLICE: 3,
    AudienceRole.NGO: 15,
    AudienceRole.RESIDENT: 3,
    AudienceRole.OTHER: 3,
}
QUESTIONS = [
    "Як залучити внутрішньо переміщених осіб до роботи старостинських округів?",
    "Які польські громади мають програми реінтеграції ветеранів і як їх фінансують?",
    "Як оцінювати ефективність програм соціальної згуртованості?",
    "Чи можна поєднати центр надання адмінпослуг із простором для ВПО?",
    "Як співпрацювати з громадськими організаціями, якщо в громаді їх майже немає?",
    "Як організувати професійне навчання для переселенців разом із центром зайнятості?",
    "Які документи потрібні, щоб створити місцеву програму інтеграції?",
    "Як працювати з упередженнями місцевих мешканців щодо переселенців?",
    "Чи будуть доступні презентації після вебінару?",
    "Як у Польщі управляють культурою і спортом на рівні громади?",
]
FEEDBACK_COMMENTS = [
    "Дуже корисні польські приклади, дякую.",
    "Хотілося б більше часу на запитання.",
    "Переклад був якісний, матеріали отримала.",
    "Візьмемо приклад громадського простору для нашої громади.",
    "",
    "",
]
FEMALE = ["Олена", "Наталія", "Ірина", "Тетяна", "Світлана", "Оксана", "Марія", "Юлія", "Галина", "Людмила", "Інна"]
MALE = ["Олександр", "Андрій", "Сергій", "Володимир", "Микола", "Петро", "Василь", "Іван", "Богдан", "Юрій"]
SURNAMES = ["Ковальчук", "Бондаренко", "Ткаченко", "Шевчук", "Мельник", "Кравець", "Савчук", "Поліщук", "Лисенко"]
SURNAMES += ["Гончаренко", "Мороз", "Остапчук", "Федорук", "Пономаренко", "Литвин", "Зінченко", "Кузьмич", "Головко"]


@dataclass(frozen=True)
class WebinarPart:
    part: int
    day: date
    title: str
    stream_link: str
    registrations: int


PARTS = (
    WebinarPart(
        1,
        date(2023, 8, 16),
        "Соціальна інтеграція та реінтеграція як ключові напрями формування згуртованості локальних спільнот",
        "https://tiny.pl/c9w86",
        160,
    ),
    WebinarPart(
        2,
        date(2023, 8, 18),
        "Активізація мешканців та підтримка людей, які потребують допомоги, як шлях до цілісності спільнот",
        "https://tiny.pl/c9wsx",
        140,
    ),
)
AGENDA = {
    1: (
        "Поняття соціальної інтеграції та реінтеграції на місцевому рівні.\n"
        "Згуртованість територіальної громади: переваги та загрози.\n"
        "Приклади системних інституційних рішень з польського досвіду.\n"
        "Огляд практик українських громад: ринок праці, місцева економіка, інфраструктура.\n"
        "Підсумки. Питання-відповіді."
    ),
    2: (
        "Роль активізації та співучасті в процесах соціальної інтеграції.\n"
        "Польські приклади зміцнення згуртованості локальних спільнот.\n"
        "Виклики для українських громад до війни та під час неї.\n"
        "Практики громад і організацій: соціальна активізація, допомога людям у складних обставинах.\n"
        "Підсумки. Питання-відповіді."
    ),
}
# (name, organisation, position, role)
CONTRIBUTORS = [
    (
        "Войцех Одзімек",
        "Фонд розвитку місцевої демократії ім. Є. Регульского (FRDL)",
        "директор Краківського та Жешувського центрів",
        ContributorRole.MODERATOR,
    ),
    (
        "Анна Врубель",
        "Малопольська школа публічної адміністрації (MSAP/UEK)",
        "експертка з соціальної політики",
        ContributorRole.SPEAKER,
    ),
    ("Оксана Гнатюк", "Бучанська міська рада", "начальниця управління соціальної політики", ContributorRole.SPEAKER),
    ("Тарас Бойко", "ГО «Простір можливостей», Стрий", "голова правління", ContributorRole.SPEAKER),
    ("Катерина Левицька", "FRDL", "перекладачка", ContributorRole.INTERPRETER),
]


class DemoWebinars:
    def __init__(
        self, *, staff: User, host: Community, dobre: Programme, planned_host: Community, planned_programme: Programme
    ):
        self.rng = random.Random(SEED)
        self.staff = staff
        self.host = host
        self.dobre = dobre
        self.planned_host = planned_host
        self.planned_programme = planned_programme

    def build(self) -> None:
        self.communities = self._communities()
        self.people = self._people()
        series = EventSeries.objects.filter(title="Соціальна інтеграція та реінтеграція").first()
        if series is None:
            series = EventSeries.objects.create(
                title="Соціальна інтеграція та реінтеграція", programme=self.dobre, parts=2
            )
        registrants = self._registrants(220)
        documents = self._materials()
        for spec in PARTS:
            event = self._held_part(series, spec)
            chosen = self.rng.sample(registrants, spec.registrations)
            self._registrations(event, spec, chosen)
            self._mailing(event, documents)
        self._planned(registrants)

    def _communities(self) -> list[Community]:
        communities = []
        for oblast, names in OBLASTS.items():
            region, _ = Region.objects.get_or_create(name=oblast, country=Country.UKRAINE)
            for name in names:
                latitude, longitude = (Decimal(value) for value in CENTRES[name])
                community, _ = Community.objects.get_or_create(
                    name=f"{name} міська громада",
                    region=region,
                    defaults={"kind": CommunityKind.HROMADA, "latitude": latitude, "longitude": longitude},
                )
                if community.latitude is None:  # seeded before the demo knew where the towns are
                    community.latitude, community.longitude = latitude, longitude
                    community.save(update_fields=["latitude", "longitude"])
                communities.append(community)
        return communities

    def _people(self) -> list[tuple[Person, str]]:
        people: list[tuple[Person, str]] = []
        for name, organisation, position, role in CONTRIBUTORS:
            person = Person.objects.filter(full_name=name).first() or Person.objects.create(
                full_name=name, organisation=organisation, position=position
            )
            people.append((person, role))
        return people

    def _registrants(self, count: int) -> list[dict]:
        """The people who registered (some for both parts): name, address, community, role."""
        roles, weights = list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values())
        people = []
        for index in range(count):
            female = self.rng.random() < 0.68
            first = self.rng.choice(FEMALE if female else MALE)
            surname = self.rng.choice(SURNAMES)
            if female and surname.endswith("ий"):
                surname = surname[:-2] + "а"
            community = (
                self.communities[index % len(self.communities)] if index < 124 else self.rng.choice(self.communities)
            )
            role = self.rng.choices(roles, weights=weights)[0]
            people.append(
                {
                    "full_name": f"{surname} {first}",
                    "email": f"registrant{index + 1:03d}@hromada.example",
                    "community": community,
                    "role": role,
                    "organisation": ORGANISATIONS[role].format(community=community.name.split()[0]),
                }
            )
        return people

    def _materials(self) -> list[Document]:
        documents = []
        for title in ("Презентація FRDL: соціальна інтеграція та реінтеграція", "Добірка практик українських громад"):
            document = Document.objects.filter(programme=self.dobre, title=title).first()
            if document is None:
                document = Document(
                    programme=self.dobre,
                    title=title,
                    kind=DocumentKind.PRESENTATION,
                    language=DocumentLanguage.UKRAINIAN,
                    file=ContentFile(_minimal_pdf(title), name="materials.pdf"),
                )
                document = document_save(document=document, actor=self.staff)
            documents.append(document)
        return documents

    def _held_part(self, series: EventSeries, spec: WebinarPart) -> OutreachEvent:
        event = OutreachEvent.objects.filter(series=series, part=spec.part).first()
        if event is not None:
            return event
        event = OutreachEvent(
            programme=self.dobre,
            community=self.host,
            kind=EventKind.WEBINAR,
            title=f"Вебінар, частина {spec.part}: {spec.title}",
            status=EventStatus.HELD,
            starts_at=datetime.combine(spec.day, time(11, 0), tzinfo=KYIV),
            duration_minutes=150,
            time_zone="Europe/Kyiv",
            date=spec.day,
            format=EventFormat.ONLINE,
            stream_link=spec.stream_link,
            meeting_link=f"https://meet.frdl.example/dobre-webinar-{spec.part}",
            languages=["uk", "pl"],
            interpretation=True,
            series=series,
            part=spec.part,
            agenda=AGENDA[spec.part],
            topic=Topic.IDP_INTEGRATION,
            participants_total=0,
            local_government_present=True,
            ngos_present=True,
            summary="Вебінар Програми DOBRE для посадовців органів місцевого самоврядування та місцевих ГО.",
        )
        event_update(event=event, actor=self.staff)
        for order, (person, role) in enumerate(self.people):
            Contributor.objects.get_or_create(event=event, person=person, role=role, defaults={"order": order})
        return event

    def _registrations(self, event: OutreachEvent, spec: WebinarPart, chosen: list[dict]) -> None:
        consent = _consent()
        starts_at = event.starts_at or datetime.combine(spec.day, time(11, 0), tzinfo=KYIV)
        opened = datetime.combine(spec.day - timedelta(days=12), time(9, 0), tzinfo=KYIV)
        attended = 0
        for index, person in enumerate(chosen):
            registered_at = opened + timedelta(minutes=53 * index + self.rng.randint(0, 50))
            present = self.rng.random() < 0.71
            asks = self.rng.random() < 0.35
            cancels = not present and self.rng.random() < 0.1
            question = self.rng.choice(QUESTIONS) if asks else ""
            arrived = timedelta(minutes=self.rng.randint(-5, 20))
            token = email_token(person["email"])
            registration = Registration.objects.filter(event=event, email_token=token).first()
            if registration is None:
                registration = Registration.objects.create(
                    event=event,
                    full_name=person["full_name"],
                    email=person["email"],
                    organisation=person["organisation"],
                    role=person["role"],
                    community=person["community"],
                    question=question,
                    language="uk",
                    consent=consent,
                    consented_at=registered_at,
                    status=RegistrationStatus.CANCELLED if cancels else RegistrationStatus.REGISTERED,
                    cancelled_at=registered_at + timedelta(days=3) if cancels else None,
                    attended=present,
                    checked_in_at=starts_at + arrived if present else None,
                )
                Registration.objects.filter(pk=registration.pk).update(created_at=registered_at)
            attended += registration.attended
        communities = Community.objects.filter(registrations__event=event, registrations__attended=True).distinct()
        event.audience_communities.set(communities)
        if event.participants_total != attended:
            event.participants_total = attended
            event_update(event=event, actor=self.staff)

    def _mailing(self, event: OutreachEvent, documents: list[Document]) -> None:
        attendees = list(event.registrations.filter(attended=True).order_by("pk"))
        # Drawn whatever exists already: the same draws in the same order on every run.
        outcomes = [
            (
                self.rng.random() < 0.02,
                self.rng.random() < 0.45,
                self.rng.choices([5, 4, 3, 2], weights=[50, 35, 12, 3])[0],
                self.rng.choice(FEEDBACK_COMMENTS),
            )
            for _attendee in attendees
        ]
        if MaterialsMailing.objects.filter(event=event).exists():
            return
        mailing = MaterialsMailing.objects.create(
            event=event,
            audience=MailingAudience.ATTENDED,
            links=f"{event.stream_link}\nhttps://frdl.org.pl/frdl-ua",
            message="Дякуємо за участь у вебінарі! Надсилаємо презентації та запис трансляції.",
            created_by=self.staff,
        )
        mailing.documents.set(documents)
        sent_at = event.ends_at + timedelta(days=1) if event.ends_at else timezone.now()
        MaterialsMailing.objects.filter(pk=mailing.pk).update(created_at=sent_at)
        for registration, (bounced, answers, rating, comment) in zip(attendees, outcomes, strict=True):
            Delivery.objects.create(
                mailing=mailing,
                registration=registration,
                status=DeliveryStatus.BOUNCED if bounced else DeliveryStatus.SENT,
                attempts=1,
                error="550 5.1.1 mailbox unavailable" if bounced else "",
                sent_at=None if bounced else sent_at,
            )
            if bounced:
                Registration.objects.filter(pk=registration.pk).update(bounced=True)
            elif answers:
                Feedback.objects.create(registration=registration, rating=rating, comment=comment)

    def _planned(self, registrants: list[dict]) -> None:
        """Seed 000's webinar next month, open for registration, with its first registrants."""
        event = OutreachEvent.objects.filter(slug=PLANNED_SLUG).first()
        if event is None:
            day = timezone.localdate() + timedelta(days=30)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            programme = self.planned_programme
            if programme.ends_on and programme.ends_on < day:
                # The demo replays a programme that is still running whatever the day it is seeded.
                programme.ends_on = day + timedelta(days=90)
                programme_save(programme=programme)
            event = OutreachEvent(
                programme=programme,
                community=self.planned_host,
                kind=EventKind.WEBINAR,
                title="Вебінар: соціальні перемовники — як громаді домовлятися про безпеку",
                status=EventStatus.PLANNED,
                starts_at=datetime.combine(day, time(11, 0), tzinfo=KYIV),
                duration_minutes=120,
                time_zone="Europe/Kyiv",
                date=day,
                format=EventFormat.ONLINE,
                meeting_link="https://meet.zlagoda.example/bezpeka-hromady",
                stream_link="https://www.facebook.com/zlagoda.example/live",
                languages=["uk"],
                interpretation=False,
                agenda=(
                    "Хто такі соціальні перемовники і що вони роблять у громаді.\n"
                    "Досвід Хмельниччини: 25 громад, 50 перемовників.\n"
                    "Як закріпити статус перемовника в місцевому положенні.\n"
                    "Питання-відповіді."
                ),
                registration_open=True,
                slug=PLANNED_SLUG,
                capacity=100,
                topic=Topic.NEGOTIATOR_STATUS,
                participants_total=0,
                summary="Відкритий вебінар для посадовців громад і місцевих ГО.",
            )
            event_update(event=event, actor=self.staff)
            moderator, _role = self.people[2]
            Contributor.objects.get_or_create(event=event, person=moderator, role=ContributorRole.MODERATOR)
        consent = _consent()
        for person in registrants[:24]:
            if not Registration.objects.filter(event=event, email_token=email_token(person["email"])).exists():
                Registration.objects.create(
                    event=event,
                    full_name=person["full_name"],
                    email=person["email"],
                    organisation=person["organisation"],
                    role=person["role"],
                    community=person["community"],
                    question=QUESTIONS[len(person["email"]) % len(QUESTIONS)]
                    if person["role"] == AudienceRole.NGO
                    else "",
                    language="uk",
                    consent=consent,
                    consented_at=timezone.now(),
                )


def _consent() -> ConsentText:
    ensure_consent_text()
    consent = ConsentText.current("uk")
    if consent is None:
        raise RuntimeError("No consent text: run the migrations first.")
    return consent


def _minimal_pdf(text: str) -> bytes:
    from reports.demo import minimal_pdf

    return minimal_pdf(text)
