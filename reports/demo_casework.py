"""The demo's case work: seed 004's volunteers and the state in Central Asia (programme VS-CA),
seed 001's veterans in Ukraine (RP-2017) and seed 003's mediation agreements in Obrnice (OPV-CZ).

- Communities in Kazakhstan, Kyrgyzstan and Uzbekistan (three of them mahallas) taking part in
  VS-CA, and a directory of agencies in each country: passport offices, migration services,
  schools, clinics, employment centres, social protection, insurance, legal aid.
- Volunteers as case workers and two supervisors; about sixty cases across the life cycle with
  needs, individual plans (goals and actions), contacts, and about a hundred referrals in every
  status, some of them overdue for a follow-up. The demo case worker's first case is open with a
  plan about documents: the issue's walk adds a referral to the passport office to it.
- Veterans' cases of 2021-2022 in the restorative-practices communities, all closed.
- The Czech municipality's mediations: agreements signed in sessions with the roster's mediators,
  their commitments checked (kept, partly kept, broken), follow-up visits.
- The Ukrainian incidents the demo negotiators referred: each gets its referral, followed up.

Every name, phone and document number is invented. Deterministic (its own ``random.Random``;
dates of the open cases count back from today, so that some tasks are due and some overdue) and
idempotent (a person is found by their case code, everything of their case is created with it).
Rows are written in bulk with their history (``bulk_create_with_history``): services would take
seconds for a few thousand rows; a test runs ``full_clean`` on a sample to keep them valid. The
incidents' referrals and the agreements go through the services.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, User
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from access.roles import Role
from casework.agreements import (
    agreement_item_check,
    agreement_not_reached,
    agreement_session_add,
    agreement_sign,
    agreement_start,
    followup_visit_add,
)
from casework.incident_referrals import INCIDENT_AGENCY_KINDS, incident_refer
from casework.models import (
    ActionResponsible,
    ActionStatus,
    Agency,
    AgencyKind,
    Beneficiary,
    BeneficiaryIdentity,
    Case,
    CaseContact,
    CaseOutcome,
    CaseStatus,
    CaseStatusChange,
    Compliance,
    Consent,
    ConsentMethod,
    ContactKind,
    DocumentKind,
    Goal,
    GoalStatus,
    LegalBasis,
    MediationAgreement,
    Need,
    NeedDomain,
    NeedLevel,
    NeedsAssessment,
    PlanAction,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Sex,
    age_group_of,
)
from casework.services import referral_move
from communities.models import Community, CommunityKind, Country, Region
from incidents.models import Incident, IncidentStatus
from incidents.services import incident_transition
from programmes.models import Participation, Programme
from programmes.services import participation_start, programme_save
from support.models import Mediator

SEED = 4004
# The share of a plan's goals referred to an agency.
REFERRAL_SHARE = 0.72
# VS-CA's case work runs from 2021; the demo's programme is extended to hold today's cases.
VS_CA_JOINED = date(2021, 3, 1)
VS_CA_ENDS = date(2027, 12, 31)

# (country, region, [(community, kind, population, latitude, longitude)])
GEOGRAPHY = (
    (
        Country.KAZAKHSTAN,
        "Алматинская область",
        [
            ("Талдыкорган", CommunityKind.CITY, 171_000, "45.01560", "78.37390"),
            ("Конаев", CommunityKind.CITY, 64_000, "43.86670", "77.06670"),
        ],
    ),
    (Country.KYRGYZSTAN, "город Бишкек", [("Бишкек", CommunityKind.CITY, 1_145_000, "42.87460", "74.56980")]),
    (Country.KYRGYZSTAN, "Ошская область", [("Ош", CommunityKind.CITY, 322_000, "40.51400", "72.81610")]),
    (
        Country.UZBEKISTAN,
        "город Ташкент",
        [
            ("Махалля «Навруз»", CommunityKind.MAHALLA, 6_400, "41.36540", "69.28510"),
            ("Махалля «Ойбек»", CommunityKind.MAHALLA, 5_100, "41.29170", "69.27050"),
        ],
    ),
    (
        Country.UZBEKISTAN,
        "Ферганская область",
        [("Махалля «Истиклол»", CommunityKind.MAHALLA, 4_700, "40.38640", "71.78640")],
    ),
)

K = AgencyKind
# country -> (kind, name, community or "" for country-wide, address, phone, e-mail). Offices only.
AGENCIES: dict[str, tuple[tuple[str, str, str, str, str, str], ...]] = {
    Country.KAZAKHSTAN: (
        (K.PASSPORT_OFFICE, "Отдел документирования и регистрации населения г. Талдыкорган", "Талдыкорган",
         "ул. Абая, 312", "+7 7282 55 01 01", "docs.taldykorgan@gov.example"),
        (K.MIGRATION_SERVICE, "Управление миграционной службы Алматинской области", "",
         "г. Конаев, ул. Индустриальная, 8", "+7 72772 5 02 02", "migration.almobl@gov.example"),
        (K.SCHOOL, "Школа-гимназия № 5 г. Талдыкорган", "Талдыкорган",
         "ул. Жансугурова, 100", "+7 7282 55 03 03", "school5.taldykorgan@edu.example"),
        (K.CLINIC, "Городская поликлиника № 1 г. Конаев", "Конаев",
         "мкр. 4, д. 21", "+7 72772 5 04 04", "clinic1.konaev@med.example"),
        (K.EMPLOYMENT_CENTRE, "Центр трудовой мобильности Алматинской области", "",
         "г. Талдыкорган, ул. Тауелсиздик, 67", "+7 7282 55 05 05", "enbek.almobl@gov.example"),
        (K.SOCIAL_PROTECTION, "Отдел занятости и социальных программ г. Талдыкорган", "Талдыкорган",
         "ул. Кабанбай батыра, 26", "+7 7282 55 06 06", "social.taldykorgan@gov.example"),
        (K.INSURANCE, "Фонд социального медицинского страхования, филиал по Алматинской области", "",
         "г. Конаев, ул. Кунаева, 5", "+7 72772 5 07 07", "fsms.almobl@gov.example"),
        (K.LEGAL_AID, "Юридическая клиника «Адилет»", "",
         "г. Талдыкорган, ул. Толебаева, 84", "+7 7282 55 08 08", "adilet.clinic@ngo.example"),
        (K.PSYCHOSOCIAL, "Реабилитационный центр «Мейірім»", "Талдыкорган",
         "ул. Шевченко, 131", "+7 7282 55 09 09", "meirim.centre@ngo.example"),
    ),
    Country.KYRGYZSTAN: (
        (K.PASSPORT_OFFICE, "Паспортный стол Первомайского района г. Бишкек", "Бишкек",
         "ул. Токтогула, 125", "+996 312 55 01 01", "passport.pervomay@gov.example"),
        (K.PASSPORT_OFFICE, "Паспортный стол г. Ош", "Ош",
         "ул. Ленина, 221", "+996 3222 5 01 01", "passport.osh@gov.example"),
        (K.MIGRATION_SERVICE, "Департамент по делам миграции, отдел по делам беженцев", "",
         "г. Бишкек, ул. Киевская, 96", "+996 312 55 02 02", "refugees.migration@gov.example"),
        (K.SCHOOL, "Средняя школа № 61 г. Бишкек", "Бишкек",
         "ул. Ахунбаева, 44", "+996 312 55 03 03", "school61.bishkek@edu.example"),
        (K.CLINIC, "Центр семейной медицины № 8 г. Бишкек", "Бишкек",
         "ул. Суеркулова, 8", "+996 312 55 04 04", "cfm8.bishkek@med.example"),
        (K.CLINIC, "Центр семейной медицины г. Ош", "Ош",
         "ул. Курманжан Датки, 270", "+996 3222 5 04 04", "cfm.osh@med.example"),
        (K.EMPLOYMENT_CENTRE, "Центр занятости населения г. Бишкек", "",
         "г. Бишкек, ул. Исанова, 77", "+996 312 55 05 05", "employment.bishkek@gov.example"),
        (K.SOCIAL_PROTECTION, "Управление социального развития Первомайского района", "Бишкек",
         "ул. Логвиненко, 15", "+996 312 55 06 06", "social.pervomay@gov.example"),
        (K.INSURANCE, "Фонд обязательного медицинского страхования", "",
         "г. Бишкек, ул. Чокморова, 122", "+996 312 55 07 07", "foms@gov.example"),
        (K.LEGAL_AID, "Центр бесплатной юридической помощи", "",
         "г. Ош, ул. Масалиева, 42", "+996 3222 5 08 08", "legalaid.osh@gov.example"),
        (K.HUMANITARIAN, "Общественный фонд «Алга»", "Бишкек",
         "ул. Фрунзе, 340", "+996 312 55 09 09", "alga.fund@ngo.example"),
        (K.PSYCHOSOCIAL, "Общественный фонд «Сайрон»", "Ош",
         "ул. Навои, 18", "+996 3222 5 09 09", "sairon.fund@ngo.example"),
    ),
    Country.UZBEKISTAN: (
        (K.PASSPORT_OFFICE, "Отдел миграции и оформления гражданства ГУВД г. Ташкента", "",
         "г. Ташкент, ул. Юнуса Раджабий, 1", "+998 71 555 01 01", "migration.tashkent@gov.example"),
        (K.MIGRATION_SERVICE, "Агентство внешней трудовой миграции", "",
         "г. Ташкент, ул. Мустакиллик, 5", "+998 71 555 02 02", "labour.migration@gov.example"),
        (K.SCHOOL, "Школа № 110 Юнусабадского района", "Махалля «Навруз»",
         "Юнусабад, кв. 4", "+998 71 555 03 03", "school110@edu.example"),
        (K.CLINIC, "Семейная поликлиника № 34", "Махалля «Ойбек»",
         "ул. Ойбек, 12", "+998 71 555 04 04", "polyclinic34@med.example"),
        (K.EMPLOYMENT_CENTRE, "Центр содействия занятости населения", "",
         "г. Ташкент, ул. Амира Темура, 60", "+998 71 555 05 05", "employment.tashkent@gov.example"),
        (K.SOCIAL_PROTECTION, "Центр социальных услуг «Инсон»", "",
         "г. Фергана, ул. Мустакиллик, 20", "+998 73 555 06 06", "inson.fergana@gov.example"),
        (K.INSURANCE, "Отделение Пенсионного фонда", "",
         "г. Ташкент, ул. Шота Руставели, 41", "+998 71 555 07 07", "pension.tashkent@gov.example"),
        (K.LEGAL_AID, "Юридическая клиника при университете", "",
         "г. Ташкент, ул. Сайилгох, 35", "+998 71 555 08 08", "legal.clinic@edu.example"),
        (K.LOCAL_GOVERNMENT, "Сход граждан махалли «Истиклол»", "Махалля «Истиклол»",
         "ул. Истиклол, 3", "+998 73 555 09 09", "istiklol.mahalla@gov.example"),
        (K.PSYCHOSOCIAL, "Центр психологической помощи «Ишонч»", "",
         "г. Ташкент, ул. Богишамол, 21", "+998 71 555 10 10", "ishonch.centre@ngo.example"),
    ),
    Country.UKRAINE: (
        (K.PASSPORT_OFFICE, "ЦНАП Хмельницької міської ради", "",
         "м. Хмельницький, вул. Соборна, 16", "+380 382 55 01 01", "cnap@city.example"),
        (K.EMPLOYMENT_CENTRE, "Хмельницький обласний центр зайнятості", "",
         "м. Хмельницький, вул. Кам'янецька, 122", "+380 382 55 02 02", "zaynyatist@gov.example"),
        (K.SOCIAL_PROTECTION, "Управління праці та соціального захисту населення", "",
         "м. Хмельницький, вул. Героїв Майдану, 7", "+380 382 55 03 03", "soczahyst@gov.example"),
        (K.CLINIC, "Хмельницький обласний госпіталь ветеранів війни", "",
         "м. Хмельницький, вул. Пілотська, 1", "+380 382 55 04 04", "hospital.veterans@med.example"),
        (K.PSYCHOSOCIAL, "Центр психосоціальної підтримки ветеранів «Поруч»", "",
         "м. Хмельницький, вул. Проскурівська, 40", "+380 382 55 05 05", "poruch@ngo.example"),
        (K.LEGAL_AID, "Хмельницький місцевий центр з надання безоплатної правничої допомоги", "",
         "м. Хмельницький, вул. Свободи, 36", "+380 382 55 06 06", "legalaid.khm@gov.example"),
        (K.POLICE, "Хмельницьке районне управління поліції", "",
         "м. Хмельницький, вул. Шевченка, 6", "+380 382 55 07 07", "police.khm@gov.example"),
        (K.LOCAL_GOVERNMENT, "Хмельницька районна державна адміністрація", "",
         "м. Хмельницький, вул. Театральна, 8", "+380 382 55 08 08", "rda.khm@gov.example"),
    ),
    Country.CZECHIA: (
        (K.SOCIAL_PROTECTION, "Sociální odbor Obecního úřadu Obrnice", "Obrnice",
         "Mírové náměstí 135, Obrnice", "+420 476 555 101", "socialni@obrnice.example"),
        (K.EMPLOYMENT_CENTRE, "Úřad práce ČR – kontaktní pracoviště Most", "",
         "Budovatelů 2830, Most", "+420 950 555 102", "up.most@gov.example"),
        (K.LEGAL_AID, "Poradna pro občanství, občanská a lidská práva", "",
         "Ústí nad Labem", "+420 475 555 103", "poradna@ngo.example"),
    ),
}  # fmt: skip

# (username, first name, last name, country, communities it works in, supervisor's username)
WORKERS = (
    ("caseworker", "Айжан", "Токтогулова", Country.KYRGYZSTAN, ("Бишкек",), "supervisor"),
    ("volunteer-osh", "Бекзат", "Усенов", Country.KYRGYZSTAN, ("Ош",), "supervisor"),
    ("volunteer-taldykorgan", "Дана", "Жумабаева", Country.KAZAKHSTAN, ("Талдыкорган",), "supervisor"),
    ("volunteer-konaev", "Ерлан", "Касымов", Country.KAZAKHSTAN, ("Конаев",), "supervisor"),
    ("volunteer-tashkent", "Нилуфар", "Каримова", Country.UZBEKISTAN, ("Махалля «Навруз»", "Махалля «Ойбек»"),
     "supervisor-tashkent"),
    ("volunteer-fergana", "Шерзод", "Юсупов", Country.UZBEKISTAN, ("Махалля «Истиклол»",), "supervisor-tashkent"),
)  # fmt: skip
SUPERVISORS = (("supervisor", "Гульнара", "Сейткалиева"), ("supervisor-tashkent", "Дилноза", "Рахимова"))
# Cases per volunteer (60 in all), and the life cycle they are spread over.
CASES_PER_WORKER = (10, 9, 10, 9, 12, 10)
STATUSES = (
    [CaseStatus.OPENED] * 6
    + [CaseStatus.ASSESSED] * 8
    + [CaseStatus.PLAN_AGREED] * 8
    + [CaseStatus.IN_PROGRESS] * 22
    + [CaseStatus.CLOSED] * 16
)
OUTCOMES = (
    [CaseOutcome.GOALS_MET] * 7
    + [CaseOutcome.PARTLY_MET] * 4
    + [
        CaseOutcome.REFERRED_ON,
        CaseOutcome.REFERRED_ON,
        CaseOutcome.PERSON_LEFT,
        CaseOutcome.PERSON_LEFT,
        CaseOutcome.CONSENT_WITHDRAWN,
    ]
)
PHONE_PREFIX = {Country.KAZAKHSTAN: "+7 701 555", Country.KYRGYZSTAN: "+996 555 0", Country.UZBEKISTAN: "+998 90 555"}

# First names by sex, and surnames as (male, female), by country.
NAMES = {
    Country.KAZAKHSTAN: (
        ["Айгуль", "Асель", "Гульмира", "Жанар", "Сауле", "Галина", "Татьяна"],
        ["Нурлан", "Серик", "Марат", "Данияр", "Азамат", "Виктор", "Ахмад"],
        [("Ахметов", "Ахметова"), ("Исмаилов", "Исмаилова"), ("Сулейменов", "Сулейменова"),
         ("Байжанов", "Байжанова"), ("Ковальчук", "Ковальчук"), ("Хайдари", "Хайдари")],
    ),
    Country.KYRGYZSTAN: (
        ["Айпери", "Бермет", "Нургуль", "Чолпон", "Зарина", "Фарида", "Мадина"],
        ["Эрмек", "Улан", "Азат", "Талант", "Руслан", "Джамшид", "Нурбек"],
        [("Асанов", "Асанова"), ("Токтосунов", "Токтосунова"), ("Мамытов", "Мамытова"),
         ("Абдыкадыров", "Абдыкадырова"), ("Рахмони", "Рахмони"), ("Осмонов", "Осмонова")],
    ),
    Country.UZBEKISTAN: (
        ["Гульнора", "Малика", "Дилфуза", "Зулфия", "Нодира", "Шахноза", "Мохира"],
        ["Бахтиёр", "Жасур", "Ойбек", "Рустам", "Фаррух", "Улугбек", "Анвар"],
        [("Турсунов", "Турсунова"), ("Рахимов", "Рахимова"), ("Алиев", "Алиева"),
         ("Назаров", "Назарова"), ("Хасанов", "Хасанова"), ("Мирзаев", "Мирзаева")],
    ),
}  # fmt: skip

# What each vulnerability tends to need, in the order the plan takes them.
NEEDS_OF = {
    "refugee": [NeedDomain.DOCUMENTS, NeedDomain.EMPLOYMENT, NeedDomain.EDUCATION, NeedDomain.HEALTH],
    "disability": [NeedDomain.BENEFITS, NeedDomain.HEALTH, NeedDomain.EMPLOYMENT, NeedDomain.PSYCHOSOCIAL],
    "displaced": [NeedDomain.DOCUMENTS, NeedDomain.HOUSING, NeedDomain.BENEFITS, NeedDomain.EDUCATION],
    "older_person": [NeedDomain.BENEFITS, NeedDomain.HEALTH, NeedDomain.HOUSING],
    "single_parent": [NeedDomain.BENEFITS, NeedDomain.EDUCATION, NeedDomain.EMPLOYMENT, NeedDomain.SAFETY],
    "veteran": [NeedDomain.EMPLOYMENT, NeedDomain.HEALTH, NeedDomain.PSYCHOSOCIAL, NeedDomain.BENEFITS],
}
# The agencies each domain is referred to, in order of preference.
AGENCIES_FOR: dict[str, list[str]] = {
    NeedDomain.DOCUMENTS: [K.PASSPORT_OFFICE, K.MIGRATION_SERVICE],
    NeedDomain.EDUCATION: [K.SCHOOL],
    NeedDomain.HEALTH: [K.CLINIC, K.INSURANCE],
    NeedDomain.EMPLOYMENT: [K.EMPLOYMENT_CENTRE],
    NeedDomain.HOUSING: [K.SOCIAL_PROTECTION, K.LOCAL_GOVERNMENT],
    NeedDomain.BENEFITS: [K.SOCIAL_PROTECTION, K.INSURANCE],
    NeedDomain.PSYCHOSOCIAL: [K.PSYCHOSOCIAL, K.HUMANITARIAN],
    NeedDomain.SAFETY: [K.LEGAL_AID, K.POLICE],
}


@dataclass(frozen=True)
class DomainText:
    need: str
    goal: str
    actions: tuple[str, ...]
    reason: str


D = NeedDomain
RUSSIAN = {
    D.DOCUMENTS: DomainText(
        "Нет действующего паспорта, вид на жительство просрочен.",
        "Получить документы, удостоверяющие личность",
        ("Собрать справки для паспортного стола", "Сопроводить в паспортный стол", "Оплатить госпошлину"),
        "Оформление документа, удостоверяющего личность.",
    ),
    D.EDUCATION: DomainText(
        "Дети школьного возраста не зачислены в школу.",
        "Зачислить детей в школу",
        ("Получить справку о месте жительства", "Записаться на приём к директору школы"),
        "Зачисление ребёнка в школу.",
    ),
    D.HEALTH: DomainText(
        "Нет прикрепления к поликлинике, нужна регулярная помощь.",
        "Прикрепиться к поликлинике и получить лечение",
        ("Подать заявление о прикреплении", "Сопроводить на приём к врачу"),
        "Прикрепление к поликлинике и медицинская помощь.",
    ),
    D.EMPLOYMENT: DomainText(
        "Нет работы, нужна переподготовка.",
        "Найти работу или пройти переподготовку",
        ("Встать на учёт в центре занятости", "Составить резюме", "Пройти курс переподготовки"),
        "Постановка на учёт и подбор вакансий.",
    ),
    D.HOUSING: DomainText(
        "Живёт у родственников, угроза выселения.",
        "Найти устойчивое жильё",
        ("Подать заявление на социальное жильё", "Договориться с арендодателем"),
        "Помощь с жильём.",
    ),
    D.BENEFITS: DomainText(
        "Не оформлены положенные пособия.",
        "Оформить положенные пособия",
        ("Собрать документы на пособие", "Подать заявление в отдел социальной защиты"),
        "Оформление пособия.",
    ),
    D.PSYCHOSOCIAL: DomainText(
        "Тревога и изоляция после переезда.",
        "Получить психологическую поддержку",
        ("Записаться к психологу", "Подключить к группе взаимопомощи"),
        "Психологическая поддержка.",
    ),
    D.SAFETY: DomainText(
        "Конфликт с арендодателем, угрозы.",
        "Обеспечить безопасность семьи",
        ("Получить юридическую консультацию", "Составить план безопасности"),
        "Юридическая консультация по угрозам.",
    ),
}
UKRAINIAN = {
    D.EMPLOYMENT: DomainText(
        "Після демобілізації без роботи, потрібна перекваліфікація.",
        "Повернутися до роботи або пройти перекваліфікацію",
        ("Стати на облік у центрі зайнятості", "Пройти курс перекваліфікації"),
        "Професійна адаптація ветерана.",
    ),
    D.HEALTH: DomainText(
        "Потрібна реабілітація після поранення.",
        "Пройти курс реабілітації",
        ("Отримати направлення до госпіталю", "Супровід на огляд"),
        "Медична реабілітація.",
    ),
    D.PSYCHOSOCIAL: DomainText(
        "Порушення сну, напруження в родині.",
        "Отримати психологічну підтримку для себе й родини",
        ("Записатися до психолога", "Долучитися до групи взаємопідтримки ветеранів"),
        "Психологічна підтримка ветерана та родини.",
    ),
    D.BENEFITS: DomainText(
        "Не оформлено статус учасника бойових дій і пільги.",
        "Оформити статус і пільги",
        ("Зібрати документи на посвідчення", "Подати заяву до соціального захисту"),
        "Оформлення пільг учасника бойових дій.",
    ),
}
CZECH = {
    D.HOUSING: DomainText(
        "Dluh na nájemném, hrozí výpověď z obecního bytu.",
        "Udržet bydlení",
        ("Dohodnout splátkový kalendář", "Požádat o příspěvek na bydlení"),
        "Splátkový kalendář a příspěvek na bydlení.",
    ),
    D.BENEFITS: DomainText(
        "Nevyřízené dávky.",
        "Vyřídit dávky",
        ("Doplnit doklady na úřad práce",),
        "Vyřízení dávek.",
    ),
    D.EMPLOYMENT: DomainText(
        "Bez práce, zájem o rekvalifikaci.",
        "Najít práci",
        ("Registrace na úřadu práce", "Rekvalifikační kurz"),
        "Zprostředkování zaměstnání.",
    ),
}
PURPOSES = {
    "ru": "Сопровождение в получении документов и услуг государственных органов.",
    "uk": "Супровід ветерана у відновленні документів, роботи та здоров'я.",
    "cs": "Podpora rodiny při udržení bydlení a vyřízení dávek.",
}
CONTACT_NOTES = {
    "ru": ("Встреча дома, обсудили план.", "Звонок: уточнили документы.", "Сопровождение в учреждение."),
    "uk": ("Зустріч удома, обговорили план.", "Дзвінок: уточнили документи.", "Супровід до установи."),
    "cs": ("Návštěva doma, probrali jsme plán.", "Telefonát: doklady.", "Doprovod na úřad."),
}
FEEDBACK: dict[str, dict[str, str]] = {
    "ru": {
        ReferralStatus.COMPLETED: "Услуга оказана, документы выданы.",
        ReferralStatus.DECLINED: "Отказано: не хватает справки о регистрации.",
        ReferralStatus.NO_ANSWER: "Учреждение не ответило на два запроса.",
        ReferralStatus.ACCEPTED: "Заявление принято к рассмотрению.",
    },
    "uk": {
        ReferralStatus.COMPLETED: "Послугу надано.",
        ReferralStatus.DECLINED: "Відмовлено: бракує довідки.",
        ReferralStatus.NO_ANSWER: "Установа не відповіла на два запити.",
        ReferralStatus.ACCEPTED: "Заяву прийнято до розгляду.",
    },
    "cs": {
        ReferralStatus.COMPLETED: "Vyřízeno.",
        ReferralStatus.DECLINED: "Zamítnuto: chybí doklad.",
        ReferralStatus.NO_ANSWER: "Úřad neodpověděl.",
        ReferralStatus.ACCEPTED: "Žádost přijata.",
    },
}

# Ukrainian veterans (seed 001), 2021-2022, in the restorative-practices communities.
VETERANS = (
    ("Олександр", "Мельник", Sex.MALE, "1979"),
    ("Андрій", "Бондар", Sex.MALE, "1985"),
    ("Сергій", "Ткачук", Sex.MALE, "1990"),
    ("Ірина", "Савчук", Sex.FEMALE, "1988"),
    ("Василь", "Гнатюк", Sex.MALE, "1975"),
    ("Юрій", "Кравець", Sex.MALE, "1993"),
    ("Микола", "Лисенко", Sex.MALE, "1981"),
    ("Оксана", "Поліщук", Sex.FEMALE, "1992"),
    ("Богдан", "Шевчук", Sex.MALE, "1987"),
    ("Петро", "Руденко", Sex.MALE, "1970"),
)
CZECH_PEOPLE = (
    ("Jana", "Dušková", Sex.FEMALE, "1986"),
    ("Milan", "Bartoš", Sex.MALE, "1972"),
    ("Věra", "Horváthová", Sex.FEMALE, "1994"),
)


@dataclass
class CasePlan:
    """Everything one person's case is made of, drawn before anything is written."""

    code: str
    community: Community
    worker: User
    supervisor: User | None
    programme: Programme
    language: str
    full_name: str
    sex: str
    year_of_birth: str
    phone: str
    document_kind: str
    document_number: str
    vulnerabilities: list[str]
    languages: str
    status: str
    outcome: str
    opened_on: date
    consent_method: str = ConsentMethod.WRITTEN
    moves: list[tuple[str, str, date]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    # The level of each domain's need, in order.
    levels: list[Any] = field(default_factory=list)
    # (day, kind, note)
    contacts: list[tuple[date, str, str]] = field(default_factory=list)
    # (domain, agency, status, sent_on, accepted_on, ended_on, follow_up_on)
    referrals: list[tuple[str, Agency, str, date, date | None, date | None, date | None]] = field(default_factory=list)
    # domain -> goal status, [(due_on, status, done_on)]
    plan: dict[str, tuple[str, list[tuple[date, str, date | None]]]] = field(default_factory=dict)
    # The rows once written.
    beneficiary: Beneficiary | None = None
    case: Case | None = None

    @property
    def closed_on(self) -> date | None:
        return self.moves[-1][2] if self.status == CaseStatus.CLOSED else None

    def on(self, status: str) -> date | None:
        return next((day for _from, to, day in self.moves if to == status), None)


class DemoCasework:
    def __init__(
        self,
        *,
        programmes: dict[str, Programme],
        staff: User,
        veteran_communities: list[Community],
        obec: Community,
        referred_incidents: list[tuple[Incident, str, date]],
    ) -> None:
        self.rng = random.Random(SEED)
        self.programmes = programmes
        self.staff = staff
        self.veteran_communities = veteran_communities
        self.obec = obec
        self.referred_incidents = referred_incidents
        self.today = timezone.localdate()
        self.codes: set[str] = set()

    def build(self) -> None:
        self._programme()
        self._geography()
        self._agencies()
        self._people()
        plans = self._central_asian_cases() + self._veterans_cases() + self._czech_cases()
        self._write(plans)
        self._incident_referrals()
        self._agreements()

    # --- places, offices, people --------------------------------------------------------------
    def _programme(self) -> None:
        """VS-CA's case work runs until the end of 2027 (a demo seeded before kept 2022)."""
        programme = self.programmes["VS-CA"]
        if programme.ends_on < VS_CA_ENDS:
            programme.ends_on = VS_CA_ENDS
            programme.status = "active"
            programme_save(programme=programme)
        self.vs_ca = programme

    def _geography(self) -> None:
        self.communities: dict[str, Community] = {}
        for country, region_name, communities in GEOGRAPHY:
            region, _created = Region.objects.get_or_create(name=region_name, country=country)
            for name, kind, population, latitude, longitude in communities:
                community, _created = Community.objects.get_or_create(
                    name=name,
                    region=region,
                    defaults={
                        "kind": kind,
                        "population": population,
                        "latitude": Decimal(latitude),
                        "longitude": Decimal(longitude),
                    },
                )
                if not Participation.objects.filter(programme=self.vs_ca, community=community).exists():
                    participation_start(programme=self.vs_ca, community=community, joined_on=VS_CA_JOINED)
                self.communities[name] = community
        self.communities[self.obec.name] = self.obec

    def _agencies(self) -> None:
        existing = {(agency.country, agency.name): agency for agency in Agency.objects.all()}
        new = []
        for country, offices in AGENCIES.items():
            for kind, name, place, address, phone, email in offices:
                if (country, name) not in existing:
                    community = self.communities.get(place) if place else None
                    new.append(
                        Agency(
                            country=country,
                            name=name,
                            kind=kind,
                            community=community,
                            region=community.region if community else None,
                            address=address,
                            phone=phone,
                            email=email,
                        )
                    )
        for agency in bulk_create_with_history(new, Agency, default_user=self.staff):
            existing[(agency.country, agency.name)] = agency
        # Only the demo's offices, in the order written: the draws never depend on what else the
        # directory holds.
        self.agencies: dict[str, list[Agency]] = {
            country: [existing[(country, office[1])] for office in offices] for country, offices in AGENCIES.items()
        }

    def _user(self, username: str, first: str, last: str) -> User:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": f"{username}@zlagoda.example"}
        )
        if created:
            user.set_unusable_password()
            user.save()
        elif not user.first_name:
            # The demo logins are made by reports.demo with their passwords; they get their names here.
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        user.groups.add(Group.objects.get(name=Role.CASE_WORKER.value))
        return user

    def _people(self) -> None:
        self.users = {username: self._user(username, first, last) for username, first, last in SUPERVISORS}
        for username, first, last, *_rest in WORKERS:
            self.users[username] = self._user(username, first, last)
        self.users["volunteer-khmelnytskyi"] = self._user("volunteer-khmelnytskyi", "Ірина", "Коваль")
        self.users["dobrovolnik-obrnice"] = self._user("dobrovolnik-obrnice", "Pavla", "Svobodová")

    # --- drawing the cases --------------------------------------------------------------------
    def _code(self, country: str) -> str:
        while True:
            code = f"{country}-{self.rng.randrange(100_000, 1_000_000):06d}"
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _agency(self, country: str, community: Community, domain: str) -> Agency:
        kinds = AGENCIES_FOR[domain]
        offices = self.agencies[country]
        for kind in kinds:
            here = [a for a in offices if a.kind == kind and a.community_id in (None, community.pk)]
            if here:
                return self.rng.choice(here)
        return self.rng.choice([a for a in offices if a.community_id in (None, community.pk)])

    def _dates(self, status: str, *, opened_on: date, end: date) -> list[tuple[str, str, date]]:
        """The moves of a case from ``opened_on`` to ``status``, spaced out, none after ``end``."""
        path = [CaseStatus.OPENED, CaseStatus.ASSESSED, CaseStatus.PLAN_AGREED, CaseStatus.IN_PROGRESS]
        if status != CaseStatus.CLOSED:
            path = path[: path.index(CaseStatus(status)) + 1]
        moves: list[tuple[str, str, date]] = []
        day, previous = opened_on, ""
        gaps = {CaseStatus.ASSESSED: (3, 14), CaseStatus.PLAN_AGREED: (5, 20), CaseStatus.IN_PROGRESS: (1, 10)}
        for step in path:
            if step != CaseStatus.OPENED:
                day = min(day + timedelta(days=self.rng.randint(*gaps[step])), end)
            moves.append((previous, step, day))
            previous = step
        if status == CaseStatus.CLOSED:
            moves.append((previous, CaseStatus.CLOSED, min(day + timedelta(days=self.rng.randint(40, 220)), end)))
        return moves

    def _draw_plan(
        self, plan: CasePlan, *, country: str, end: date, overdue_share: float, domains: list[Any] | None = None
    ) -> None:
        """The needs (``domains``, or those of the person's vulnerabilities), goals, actions,
        contacts and referrals of ``plan``, as its status allows, none after ``end``."""
        assessed_on = plan.on(CaseStatus.ASSESSED)
        agreed_on = plan.on(CaseStatus.PLAN_AGREED)
        end = plan.closed_on or end
        if domains is None:
            domains = []
            for vulnerability in plan.vulnerabilities:
                domains += [d for d in NEEDS_OF.get(vulnerability, [NeedDomain.DOCUMENTS]) if d not in domains]
            domains = domains[: self.rng.randint(2, 3)]
        plan.domains = domains if assessed_on else []
        plan.levels = [NeedLevel.HIGH] + [self.rng.choice([NeedLevel.MEDIUM, NeedLevel.HIGH]) for _ in domains[1:]]
        plan.consent_method = self.rng.choice([ConsentMethod.WRITTEN, ConsentMethod.WRITTEN, ConsentMethod.ORAL])
        # Contacts: from the opening to the end, a few.
        span = max((end - plan.opened_on).days, 1)
        notes = CONTACT_NOTES[plan.language]
        plan.contacts = sorted(
            (
                plan.opened_on + timedelta(days=self.rng.randint(0, span)),
                self.rng.choice(list(ContactKind.values)),
                self.rng.choice(notes),
            )
            for _ in range(self.rng.randint(2, 5))
        )
        if agreed_on is None:
            return
        for domain in plan.domains:
            actions = [self._draw_action(plan, agreed_on, end, overdue_share) for _ in range(self.rng.randint(1, 3))]
            plan.plan[domain] = (self._goal_status(plan, actions), actions)
        # Referrals: for most goals, one, sent once the plan was agreed.
        for domain in plan.domains:
            if self.rng.random() < REFERRAL_SHARE:
                plan.referrals.append(self._draw_referral(plan, country, domain, agreed_on, end, overdue_share))

    def _draw_action(
        self, plan: CasePlan, agreed_on: date, end: date, overdue_share: float
    ) -> tuple[date, str, date | None]:
        """An action of the plan: done (or cancelled) if it was due well before now or the case
        is closed; else to do, overdue for some."""
        due_on = agreed_on + timedelta(days=self.rng.randint(7, 120))
        if plan.status == CaseStatus.CLOSED or due_on < self.today - timedelta(days=20):
            done = max(min(due_on + timedelta(days=self.rng.randint(-5, 10)), end), agreed_on)
            if self.rng.random() < 0.85:
                return (due_on, ActionStatus.DONE, done)
            return (due_on, ActionStatus.CANCELLED, None)
        if self.rng.random() < overdue_share:
            due_on = self.today - timedelta(days=self.rng.randint(1, 15))
        else:
            due_on = self.today + timedelta(days=self.rng.randint(2, 40))
        return (max(due_on, agreed_on), ActionStatus.TODO, None)

    def _goal_status(self, plan: CasePlan, actions: list[tuple[date, str, date | None]]) -> str:
        if plan.status == CaseStatus.CLOSED:
            partly = self.rng.choice([GoalStatus.MET, GoalStatus.PARTLY_MET, GoalStatus.NOT_MET])
            other = self.rng.choice([GoalStatus.PARTLY_MET, GoalStatus.DROPPED])
            return {CaseOutcome.GOALS_MET: GoalStatus.MET, CaseOutcome.PARTLY_MET: partly}.get(
                CaseOutcome(plan.outcome), other
            )
        if all(state != ActionStatus.TODO for _due, state, _done in actions):
            return GoalStatus.MET
        return GoalStatus.OPEN

    def _draw_referral(
        self, plan: CasePlan, country: str, domain: str, agreed_on: date, end: date, overdue_share: float
    ) -> tuple[str, Agency, str, date, date | None, date | None, date | None]:
        agency = self._agency(country, plan.community, domain)
        closed = plan.status == CaseStatus.CLOSED
        span = max((end - agreed_on).days, 0)
        sent_on = agreed_on + timedelta(days=self.rng.randint(0, min(span, 30) if closed else span))
        if closed or ((end - sent_on).days > 120 and self.rng.random() < 0.5):
            status = self.rng.choices(
                [ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.NO_ANSWER], weights=[70, 18, 12]
            )[0]
        else:
            status = self.rng.choices(
                [
                    ReferralStatus.SENT,
                    ReferralStatus.ACCEPTED,
                    ReferralStatus.IN_PROGRESS,
                    ReferralStatus.COMPLETED,
                    ReferralStatus.DECLINED,
                    ReferralStatus.NO_ANSWER,
                ],
                weights=[24, 20, 24, 18, 7, 7],
            )[0]
        accepted_on = ended_on = follow_up_on = None
        if status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
            accepted_on = min(sent_on + timedelta(days=self.rng.randint(1, 10)), end)
        if status in (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.NO_ANSWER):
            start = accepted_on or sent_on
            ended_on = min(start + timedelta(days=self.rng.randint(5, 45)), end)
        else:
            last = accepted_on or sent_on
            if self.rng.random() < overdue_share:
                follow_up_on = max(last, self.today - timedelta(days=self.rng.randint(1, 25)))
                follow_up_on = min(follow_up_on, self.today - timedelta(days=1))
            else:
                follow_up_on = self.today + timedelta(days=self.rng.randint(3, 30))
            follow_up_on = max(follow_up_on, last)
        return (domain, agency, status, sent_on, accepted_on, ended_on, follow_up_on)

    def _central_asian_cases(self) -> list[CasePlan]:
        """Sixty cases of the volunteers, across the life cycle: opened up to 20 months ago (the
        closed ones), the open ones more recently."""
        statuses = list(STATUSES)
        self.rng.shuffle(statuses)
        outcomes = list(OUTCOMES)
        self.rng.shuffle(outcomes)
        # The demo case worker's first case is in progress, with a plan about documents.
        statuses.remove(CaseStatus.IN_PROGRESS)
        statuses.insert(0, CaseStatus.IN_PROGRESS)
        plans, index = [], 0
        for (username, _first, _last, country, places, supervisor), count in zip(
            WORKERS, CASES_PER_WORKER, strict=True
        ):
            females, males, surnames = NAMES[country]
            for number in range(count):
                status = statuses[index]
                index += 1
                community = self.communities[self.rng.choice(places)]
                sex = self.rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE])
                male, female = self.rng.choice(surnames)
                first = self.rng.choice(females if sex == Sex.FEMALE else males)
                vulnerabilities = [self.rng.choice(["refugee", "refugee", "disability", "displaced", "single_parent"])]
                if self.rng.random() < 0.25:
                    vulnerabilities.append(self.rng.choice(["older_person", "single_parent", "disability"]))
                if username == "caseworker" and number == 0:
                    vulnerabilities = ["refugee"]
                back = {
                    CaseStatus.OPENED: (1, 20),
                    CaseStatus.ASSESSED: (15, 60),
                    CaseStatus.PLAN_AGREED: (30, 110),
                    CaseStatus.IN_PROGRESS: (50, 330),
                    CaseStatus.CLOSED: (150, 600),
                }[CaseStatus(status)]
                opened_on = self.today - timedelta(days=self.rng.randint(*back))
                refugee = "refugee" in vulnerabilities
                plan = CasePlan(
                    code=self._code(country),
                    community=community,
                    worker=self.users[username],
                    supervisor=self.users[supervisor],
                    programme=self.vs_ca,
                    language="ru",
                    full_name=f"{female if sex == Sex.FEMALE else male} {first}",
                    sex=sex,
                    year_of_birth=str(self.rng.randint(1950, 2004)),
                    phone=f"{PHONE_PREFIX[country]} {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
                    document_kind=DocumentKind.REFUGEE_CERTIFICATE if refugee else DocumentKind.ID_CARD,
                    document_number=f"{'RC' if refugee else 'ID'} {self.rng.randint(1_000_000, 9_999_999)}",
                    vulnerabilities=vulnerabilities,
                    languages=self.rng.choice(
                        ["русский", "русский, кыргызский", "русский, узбекский", "дари, русский"]
                    ),
                    status=status,
                    outcome=outcomes.pop() if status == CaseStatus.CLOSED else "",
                    opened_on=opened_on,
                )
                plan.moves = self._dates(status, opened_on=opened_on, end=self.today - timedelta(days=1))
                walk = username == "caseworker" and number == 0
                domains = [NeedDomain.DOCUMENTS, NeedDomain.EMPLOYMENT] if walk else None
                self._draw_plan(plan, country=country, end=self.today, overdue_share=0.5, domains=domains)
                if walk:
                    # The walk refers this case to the passport office: it is not yet, and
                    # its documents goal waits for that step.
                    plan.referrals = [r for r in plan.referrals if r[1].kind != K.PASSPORT_OFFICE]
                    plan.plan[NeedDomain.DOCUMENTS] = (
                        GoalStatus.OPEN,
                        [(self.today + timedelta(days=14), ActionStatus.TODO, None)],
                    )
                plans.append(plan)
        return plans

    def _veterans_cases(self) -> list[CasePlan]:
        """Seed 001's veterans' reintegration pilot: ten cases of 2021-2022, all closed."""
        programme = self.programmes["RP-2017"]
        plans = []
        for first, last, sex, year in VETERANS:
            opened_on = date(2021, 3, 1) + timedelta(days=self.rng.randint(0, 420))
            plan = CasePlan(
                code=self._code(Country.UKRAINE),
                community=self.rng.choice(self.veteran_communities),
                worker=self.users["volunteer-khmelnytskyi"],
                supervisor=self.staff,
                programme=programme,
                language="uk",
                full_name=f"{last} {first}",
                sex=sex,
                year_of_birth=year,
                phone=f"+380 67 555 {self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
                document_kind=DocumentKind.VETERAN_CERTIFICATE,
                document_number=f"УБД {self.rng.randint(100_000, 999_999)}",
                vulnerabilities=["veteran"],
                languages="українська",
                status=CaseStatus.CLOSED,
                outcome=self.rng.choice([CaseOutcome.GOALS_MET, CaseOutcome.GOALS_MET, CaseOutcome.PARTLY_MET]),
                opened_on=opened_on,
            )
            plan.moves = self._dates(CaseStatus.CLOSED, opened_on=opened_on, end=date(2022, 12, 20))
            self._draw_plan(plan, country=Country.UKRAINE, end=date(2022, 12, 20), overdue_share=0)
            plans.append(plan)
        return plans

    def _czech_cases(self) -> list[CasePlan]:
        """Three families of Obrnice whose housing the mediations were about (seed 003)."""
        plans = []
        for number, (first, last, sex, year) in enumerate(CZECH_PEOPLE):
            opened_on = date(2024, 9, 16) + timedelta(days=30 * number)
            status = [CaseStatus.CLOSED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSED][number]
            plan = CasePlan(
                code=self._code(Country.CZECHIA),
                community=self.obec,
                worker=self.users["dobrovolnik-obrnice"],
                supervisor=self.staff,
                programme=self.programmes["OPV-CZ"],
                language="cs",
                full_name=f"{first} {last}",
                sex=sex,
                year_of_birth=year,
                phone=f"+420 777 555 {self.rng.randint(100, 999)}",
                document_kind=DocumentKind.ID_CARD,
                document_number=f"OP {self.rng.randint(100_000_000, 999_999_999)}",
                vulnerabilities=["single_parent"] if sex == Sex.FEMALE else ["other"],
                languages="čeština, romština",
                status=status,
                outcome=CaseOutcome.GOALS_MET if status == CaseStatus.CLOSED else "",
                opened_on=opened_on,
            )
            end = min(date(2026, 6, 15), self.today)
            plan.moves = self._dates(status, opened_on=opened_on, end=end)
            domains = [NeedDomain.HOUSING, NeedDomain.BENEFITS, NeedDomain.EMPLOYMENT][: 2 + number % 2]
            self._draw_plan(plan, country=Country.CZECHIA, end=end, overdue_share=0.3, domains=domains)
            plans.append(plan)
        return plans

    # --- writing ------------------------------------------------------------------------------
    def _texts(self, plan: CasePlan) -> dict[str, DomainText]:
        return {"uk": UKRAINIAN, "cs": CZECH}.get(plan.language, RUSSIAN)  # type: ignore[return-value]

    def _text(self, plan: CasePlan, domain: str) -> DomainText:
        texts = self._texts(plan)
        return texts.get(domain) or next(iter(texts.values()))

    def _write(self, plans: list[CasePlan]) -> None:
        """Write the cases not written yet (found by the person's case code), in bulk."""
        codes = [plan.code for plan in plans]
        existing = set(Beneficiary.objects.filter(code__in=codes).values_list("code", flat=True))
        plans = [plan for plan in plans if plan.code not in existing]
        if plans:
            self._write_people(plans)
            self._write_work(plans)
            self._write_plans(plans)
            self._write_referrals(plans)

    def _write_people(self, plans: list[CasePlan]) -> None:
        """The people, their identifying data and consents, and their cases."""
        by = self.staff
        beneficiaries = [
            Beneficiary(
                code=plan.code,
                community=plan.community,
                sex=plan.sex,
                age_group=age_group_of(plan.year_of_birth, self.today),
                languages=plan.languages,
                **{f"vulnerable_{value}": True for value in plan.vulnerabilities},
            )
            for plan in plans
        ]
        for plan, person in zip(
            plans, bulk_create_with_history(beneficiaries, Beneficiary, default_user=by), strict=True
        ):
            plan.beneficiary = person
        identities = [
            BeneficiaryIdentity(
                beneficiary=plan.beneficiary,
                full_name=plan.full_name,
                year_of_birth=plan.year_of_birth,
                phone=plan.phone,
                document_kind=plan.document_kind,
                document_number=plan.document_number,
            )
            for plan in plans
        ]
        bulk_create_with_history(identities, BeneficiaryIdentity, default_user=by)
        consents = [
            Consent(
                beneficiary=plan.beneficiary,
                basis=LegalBasis.CONSENT,
                purpose=PURPOSES[plan.language],
                given_on=plan.opened_on,
                method=plan.consent_method,
                withdrawn_on=plan.closed_on if plan.outcome == CaseOutcome.CONSENT_WITHDRAWN else None,
                recorded_by=plan.worker,
            )
            for plan in plans
        ]
        bulk_create_with_history(consents, Consent, default_user=by)
        cases = []
        for plan in plans:
            # The supervisor approved the plan, and the closure unless the consent was withdrawn.
            approved_closure = plan.closed_on if plan.outcome != CaseOutcome.CONSENT_WITHDRAWN else None
            cases.append(
                Case(
                    beneficiary=plan.beneficiary,
                    community=plan.community,
                    programme=plan.programme,
                    case_worker=plan.worker,
                    supervisor=plan.supervisor,
                    status=plan.status,
                    opened_on=plan.opened_on,
                    closed_on=plan.closed_on,
                    outcome=plan.outcome,
                    summary=self._text(plan, plan.domains[0]).need if plan.domains else "",
                    plan_approved_by=plan.supervisor if plan.on(CaseStatus.PLAN_AGREED) else None,
                    plan_approved_on=plan.on(CaseStatus.PLAN_AGREED),
                    closure_approved_by=plan.supervisor if approved_closure else None,
                    closure_approved_on=approved_closure,
                )
            )
        for plan, case in zip(plans, bulk_create_with_history(cases, Case, default_user=by), strict=True):
            plan.case = case

    def _write_work(self, plans: list[CasePlan]) -> None:
        """The moves of the cases, their contacts, and their needs assessments."""
        moves, contacts, assessments, needs = [], [], [], []
        for plan in plans:
            for from_status, to_status, day in plan.moves:
                approves = to_status in (CaseStatus.PLAN_AGREED, CaseStatus.CLOSED)
                moves.append(
                    CaseStatusChange(
                        case=plan.case,
                        from_status=from_status,
                        to_status=to_status,
                        outcome=plan.outcome if to_status == CaseStatus.CLOSED else "",
                        changed_on=day,
                        changed_by=plan.supervisor if approves else plan.worker,
                    )
                )
            contacts += [
                CaseContact(case=plan.case, happened_on=day, kind=kind, note=note, recorded_by=plan.worker)
                for day, kind, note in plan.contacts
            ]
            assessed_on = plan.on(CaseStatus.ASSESSED)
            if assessed_on:
                assessments.append(NeedsAssessment(case=plan.case, assessed_on=assessed_on, recorded_by=plan.worker))
        CaseStatusChange.objects.bulk_create(moves)
        bulk_create_with_history(contacts, CaseContact, default_user=self.staff)
        assessed = iter(bulk_create_with_history(assessments, NeedsAssessment, default_user=self.staff))
        for plan in plans:
            if plan.on(CaseStatus.ASSESSED):
                assessment = next(assessed)
                needs += [
                    Need(assessment=assessment, domain=domain, level=level, description=self._text(plan, domain).need)
                    for domain, level in zip(plan.domains, plan.levels, strict=False)
                ]
        Need.objects.bulk_create(needs)

    def _write_plans(self, plans: list[CasePlan]) -> None:
        """The individual plans: goals and their actions (every other one the person's own)."""
        goals = [
            Goal(
                case=plan.case,
                domain=domain,
                description=self._text(plan, domain).goal,
                status=status,
                position=position,
            )
            for plan in plans
            for position, (domain, (status, _actions)) in enumerate(plan.plan.items(), start=1)
        ]
        stored = iter(bulk_create_with_history(goals, Goal, default_user=self.staff))
        actions = []
        for plan in plans:
            for domain, (_status, planned) in plan.plan.items():
                goal = next(stored)
                texts = self._text(plan, domain).actions
                for number, (due_on, status, done_on) in enumerate(planned):
                    own = number % 2 == 1
                    actions.append(
                        PlanAction(
                            goal=goal,
                            description=texts[number % len(texts)],
                            responsible=ActionResponsible.BENEFICIARY if own else ActionResponsible.CASE_WORKER,
                            assignee=None if own else plan.worker,
                            due_on=due_on,
                            status=status,
                            done_on=done_on,
                        )
                    )
        bulk_create_with_history(actions, PlanAction, default_user=self.staff)

    def _write_referrals(self, plans: list[CasePlan]) -> None:
        rows, steps = [], []
        for plan in plans:
            feedback = FEEDBACK[plan.language]
            for domain, agency, status, sent_on, accepted_on, ended_on, follow_up_on in plan.referrals:
                said = [
                    (day, feedback[state])
                    for state, day in ((ReferralStatus.ACCEPTED, accepted_on), (status, ended_on))
                    if day and state in feedback
                ]
                rows.append(
                    Referral(
                        case=plan.case,
                        community=plan.community,
                        programme=plan.programme,
                        agency=agency,
                        reason=self._text(plan, domain).reason,
                        status=status,
                        sent_on=sent_on,
                        accepted_on=accepted_on,
                        completed_on=ended_on,
                        follow_up_on=follow_up_on,
                        feedback="\n\n".join(f"{day.isoformat()}: {text}" for day, text in said),
                        recorded_by=plan.worker,
                    )
                )
                path: list[tuple[str, str, date]] = [("", ReferralStatus.SENT, sent_on)]
                if accepted_on:
                    path.append((ReferralStatus.SENT, ReferralStatus.ACCEPTED, accepted_on))
                if status == ReferralStatus.IN_PROGRESS or (status == ReferralStatus.COMPLETED and accepted_on):
                    path.append((path[-1][1], ReferralStatus.IN_PROGRESS, accepted_on or sent_on))
                if ended_on:
                    path.append((path[-1][1], status, ended_on))
                steps.append((path, plan.worker))
        referrals = bulk_create_with_history(rows, Referral, default_user=self.staff)
        ReferralStatusChange.objects.bulk_create(
            ReferralStatusChange(referral=referral, from_status=old, to_status=new, changed_on=day, changed_by=worker)
            for referral, (path, worker) in zip(referrals, steps, strict=True)
            for old, new, day in path
        )

    # --- incidents and agreements, through the services ----------------------------------------
    def _incident_referrals(self) -> None:
        """The Ukrainian incidents the negotiators referred: each gets its referral to the office
        of that kind; the older ones were completed and the case then resolved, the recent ones
        are still followed up."""
        offices = {agency.kind: agency for agency in self.agencies[Country.UKRAINE]}
        for number, (incident, kind, sent_on) in enumerate(self.referred_incidents):
            agency = offices[INCIDENT_AGENCY_KINDS[kind]]
            sent_on = min(sent_on, self.today)
            referral = incident_refer(incident=incident, agency=agency, sent_on=sent_on, by=self.staff)
            if sent_on > date(2025, 10, 31):
                continue
            accepted_on = min(sent_on + timedelta(days=2 + number % 5), self.today)
            referral = referral_move(referral, ReferralStatus.ACCEPTED, on=accepted_on, by=self.staff)
            if number % 4 == 3:
                continue  # still in the agency's hands
            ended_on = min(accepted_on + timedelta(days=7 + number % 20), self.today)
            outcome = ReferralStatus.DECLINED if number % 6 == 5 else ReferralStatus.COMPLETED
            feedback = FEEDBACK["uk"][outcome]
            referral_move(referral, outcome, on=ended_on, feedback=feedback, by=self.staff)
            if outcome == ReferralStatus.COMPLETED and incident.status == IncidentStatus.IN_PROGRESS:
                incident_transition(
                    incident=incident,
                    to_status=IncidentStatus.RESOLVED,
                    actor=self.staff,
                    note="Установа надала допомогу, сторони задоволені.",
                    performed_at=datetime.combine(ended_on, time(15), tzinfo=timezone.get_current_timezone()),
                )

    def _agreements(self) -> None:
        """Seed 003's mediations in Obrnice: the agreement of the acute engagement (partly kept),
        two more signed and checked (kept, broken), one still in mediation, one without agreement."""
        if MediationAgreement.objects.filter(community=self.obec).exists():
            return
        mediators = list(Mediator.objects.filter(is_active=True).order_by("pk"))
        families = list(Beneficiary.objects.filter(community=self.obec).order_by("code"))
        staff = self.staff
        specs = AGREEMENTS
        for title, started_on, sides, sessions, signed_on, items, visits in specs:
            parties: list[dict[str, Any]] = [{"side": side} for side in sides]
            if "rodina" in sides[0] and families:
                parties[0]["beneficiary"] = families.pop(0)
            agreement = agreement_start(
                community=self.obec,
                title=title,
                started_on=started_on,
                parties=parties,  # type: ignore[arg-type]
                responsible=staff,
                notes="Mediace v rámci podpory obce (OPV-CZ).",
                by=staff,
            )
            for held_on, mediator_index in sessions:
                agreement_session_add(
                    agreement, held_on=held_on, mediator=mediators[mediator_index % len(mediators)], by=staff
                )
            if signed_on is None:
                if items == "none":
                    agreement_not_reached(agreement, by=staff)
                continue
            agreement = agreement_sign(
                agreement, signed_on=signed_on, items=[(text, due_on) for text, due_on, _check in items], by=staff
            )
            for item, (_text, due_on, compliance) in zip(agreement.items.order_by("pk"), items, strict=True):
                if compliance:
                    agreement_item_check(item, compliance, on=due_on + timedelta(days=3), by=staff)
            for visited_on, note in visits:
                followup_visit_add(agreement, visited_on=visited_on, notes=note, by=staff)


# (title, started on, sides, [(session, mediator)], signed on, [(item, due on, compliance)], visits)
AGREEMENTS: tuple[Any, ...] = (
    (
        "Dohoda o pravidlech soužití v domě č. p. 211",
        date(2024, 4, 23),
        ("nájemníci domu č. p. 211", "správce domu"),
        [(date(2024, 4, 30), 0), (date(2024, 5, 14), 2), (date(2024, 5, 28), 1)],
        date(2024, 5, 28),
        [
            ("Noční klid od 22 do 6 hodin", date(2024, 6, 25), Compliance.KEPT),
            ("Rozpis úklidu společných prostor", date(2024, 7, 31), Compliance.PARTLY_KEPT),
            ("Oprava vchodových dveří správcem", date(2024, 6, 30), Compliance.KEPT),
        ],
        [(date(2024, 6, 25), "Klid v domě, úklid zatím nepravidelně."), (date(2024, 8, 5), "Dveře opraveny.")],
    ),
    (
        "Dohoda o užívání dvora a parkování",
        date(2024, 10, 2),
        ("rodina z přízemí", "sousedé z dvora"),
        [(date(2024, 10, 16), 1), (date(2024, 11, 12), 1)],
        date(2024, 11, 12),
        [
            ("Parkování jen na vyznačených místech", date(2024, 12, 15), Compliance.KEPT),
            ("Dětské hřiště volné pro všechny děti", date(2025, 1, 31), Compliance.KEPT),
        ],
        [(date(2025, 2, 10), "Dvůr bez sporů.")],
    ),
    (
        "Dohoda o splátkách dluhu na nájemném",
        date(2025, 2, 10),
        ("rodina v obecním bytě", "obec jako pronajímatel"),
        [(date(2025, 2, 24), 2), (date(2025, 3, 18), 0)],
        date(2025, 3, 18),
        [
            ("Splátka za duben", date(2025, 4, 30), Compliance.NOT_KEPT),
            ("Splátka za květen", date(2025, 5, 31), Compliance.NOT_KEPT),
        ],
        [(date(2025, 6, 9), "Rodina nesplácí, obec zvažuje výpověď.")],
    ),
    (
        "Dohoda o užívání sušárny",
        date(2025, 9, 1),
        ("nájemníci 1. patra", "nájemníci 3. patra"),
        [(date(2025, 9, 15), 0), (date(2025, 10, 6), 2)],
        date(2025, 10, 6),
        [
            ("Rozpis sušárny na dveřích", date(2025, 10, 31), Compliance.KEPT),
            ("Společná kontrola za tři měsíce", date(2026, 1, 15), ""),
        ],
        [],
    ),
    (
        "Mediace o užívání zahrádek za domem",
        date(2026, 5, 4),
        ("nájemníci domu č. p. 118", "zahrádkáři"),
        [(date(2026, 5, 18), 3)],
        None,
        "open",
        [],
    ),
    (
        "Mediace sporu o hluk z dílny",
        date(2025, 6, 2),
        ("majitel dílny", "sousedé z ulice"),
        [(date(2025, 6, 16), 1)],
        None,
        "none",
        [],
    ),
)
