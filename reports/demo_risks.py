"""The risk register of seed 000's programme (ISN-2023): the challenges the Institute of Social
Negotiators named and how it compensated them, as the seed words them, with reviews in 2025 (one
of them the community that left the partnership after its elections, as the demo has it).

The seed names the risks and four ways of compensating them, not their likelihood, impact or
owner: those are illustrative. Idempotent like the rest of the demo: each risk is looked up by its
title, each review by its date.
"""

from dataclasses import dataclass
from datetime import date

from programmes.models import Programme, ProgrammeRisk, RiskLevel, RiskReview, RiskStatus
from programmes.services import risk_add, risk_review_save

# The seed's four ways of compensating the risks ("Компенсація ризиків через").
EXPERIENCE = "Досвід команди, аналіз та оцінка реалізації пілотного проєкту."
PREPARATION = (
    "Тривалий підготовчий етап, що дає можливість ґрунтовної об'єктивної оцінки перспектив проєкту "
    "та надійності партнерів."
)
AGREEMENTS = (
    "Укладання угод між партнерами, постачальниками та виконавцями проєкту з чітким визначенням прав, "
    "обов'язків та відповідальності в рамках проєктної співпраці."
)
TRANCHES = "Розділення фінансування проєкту на транші."
TEAM = "Команда проєкту (ГО «Агенція сталого розвитку «АСТАР»)"


@dataclass(frozen=True)
class DemoRisk:
    title: str
    description: str
    likelihood: str
    impact: str
    mitigation: str
    owner: str
    # (date, status then, what happened)
    reviews: tuple[tuple[date, str, str], ...] = ()


DEMO_RISKS = (
    DemoRisk(
        "Труднощі адвокації статусу соціального перемовника",
        "Зовнішній ризик: труднощі щодо адвокації прийняття, впровадження та закріплення статусу соціального "
        "перемовника у місцевих та національних нормативних актах.",
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
        EXPERIENCE,
        TEAM,
        (
            (
                date(2025, 10, 14),
                RiskStatus.OPEN,
                "Проєкт типового положення подано до обласної ради; рішення ще не ухвалено.",
            ),
        ),
    ),
    DemoRisk(
        "Вибори в громаді та вихід з партнерства",
        "Внутрішній ризик: вибори в ОТГ та зміна складу керівних органів, як наслідок – вихід з партнерства "
        "в рамках проєкту.",
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
        AGREEMENTS,
        TEAM,
        (
            (
                date(2025, 9, 30),
                RiskStatus.OCCURRED,
                "Після зміни керівництва Сатанівської селищної громади нова рада не продовжила угоду про "
                "партнерство: громада вийшла з проєкту 30 вересня 2025 року. Інші 24 громади угоди підтвердили.",
            ),
        ),
    ),
    DemoRisk(
        "Низька мотивація представників громад",
        "Низька мотивація представників ОТГ щодо участі у проєкті.",
        RiskLevel.MEDIUM,
        RiskLevel.MEDIUM,
        PREPARATION,
        TEAM,
    ),
    DemoRisk(
        "Зміна стратегій взаємодії Національної поліції",
        "Зміна стратегій взаємодії Національної поліції та суспільних інститутів.",
        RiskLevel.LOW,
        RiskLevel.HIGH,
        EXPERIENCE,
        TEAM,
        (
            (
                date(2025, 6, 30),
                RiskStatus.OPEN,
                "Стратегію взаємодії не змінено; спільні заходи з поліцією тривають у громадах-партнерах.",
            ),
        ),
    ),
    DemoRisk(
        "Припинення діяльності організації-виконавця",
        "Припинення діяльності організації-виконавця проєкту.",
        RiskLevel.LOW,
        RiskLevel.HIGH,
        AGREEMENTS,
        TEAM,
    ),
    DemoRisk(
        "Кризова зміна економічної ситуації в країні",
        "Кризова зміна економічної ситуації на рівні країни.",
        RiskLevel.MEDIUM,
        RiskLevel.MEDIUM,
        TRANCHES,
        TEAM,
        (
            (
                date(2025, 3, 1),
                RiskStatus.OPEN,
                "Третій транш очікується після прийняття річного звіту за 2024 рік; видатки заплановано в межах "
                "отриманих траншів.",
            ),
        ),
    ),
)


def seed_risks(programme: Programme) -> None:
    """Put :data:`DEMO_RISKS` into ``programme``'s register with their reviews."""
    for position, spec in enumerate(DEMO_RISKS, start=1):
        risk = ProgrammeRisk.objects.filter(programme=programme, title=spec.title).first()
        if risk is None:
            risk = risk_add(
                programme=programme,
                title=spec.title,
                description=spec.description,
                likelihood=spec.likelihood,
                impact=spec.impact,
                mitigation=spec.mitigation,
                owner=spec.owner,
                position=position,
            )
        for reviewed_on, status, what_happened in spec.reviews:
            if not RiskReview.objects.filter(risk=risk, reviewed_on=reviewed_on).exists():
                risk_review_save(
                    review=RiskReview(risk=risk, reviewed_on=reviewed_on, status=status, what_happened=what_happened)
                )
