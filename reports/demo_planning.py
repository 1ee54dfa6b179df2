"""The demo's safety planning (seed 001, "Restorative practices in communities", 2017-2022): risk
and potential analyses in 20 communities (the conflict-potential map), 30 strategies and plans in
every status of their life cycle (10 safety strategies adopted by councils, a veterans'
reintegration plan in 8 communities), their measures and the communities' own initiatives; and
seed 000's main outcome, the negotiator's status in a local regulation (ISN-2023).

Deterministic and idempotent like the rest of the demo: its own ``random.Random``, every value
drawn whatever the database holds, each record looked up by its natural key before it is made.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from communities.models import Community
from negotiators.models import Negotiator
from planning.models import (
    Analysis,
    Initiative,
    InitiativeStatus,
    Measure,
    MeasureStatus,
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
    Trend,
)
from planning.services import plan_create, plan_move
from programmes.models import Participation, Programme
from programmes.services import participation_start

SEED = 20170101
KYIV = ZoneInfo("Europe/Kyiv")
# RP-2017 worked in the demo's first 20 communities from March 2019 to its end.
RP_COMMUNITIES = 20
RP_JOINED, RP_LEFT = date(2019, 3, 1), date(2022, 12, 31)

RISK_TEXTS: dict[str, str] = {
    RiskCategory.CRIME: "Крадіжки з приватних садиб і дач",
    RiskCategory.DOMESTIC_VIOLENCE: "Домашнє насильство, про яке рідко повідомляють",
    RiskCategory.NEIGHBOUR_CONFLICT: "Земельні та побутові конфлікти між сусідами",
    RiskCategory.INTERGROUP_TENSION: "Напруга між місцевими мешканцями і ВПО через житло",
    RiskCategory.POLICE_COMMUNITY: "Низька довіра до поліції після резонансного випадку",
    RiskCategory.ROAD_SAFETY: "Небезпечний перехід біля школи на трасі",
    RiskCategory.FIRE_SAFETY: "Підпали сухої трави навесні",
    RiskCategory.PUBLIC_ORDER: "Вживання алкоголю підлітками біля магазинів",
    RiskCategory.INFRASTRUCTURE: "Неосвітлені вулиці й зупинки",
    RiskCategory.ENVIRONMENT: "Підтоплення нижньої частини села навесні",
    RiskCategory.HEALTH_CARE: "Далеко до амбулаторії, немає транспорту",
    RiskCategory.WAR: "Повітряні тривоги без укриття в школі",
}
GROUPS = ["діти й молодь", "люди похилого віку", "ВПО", "ветерани та їхні родини", "жінки", ""]
RESOURCES = [
    (ResourceKind.PEOPLE, "Активні старости й голови ОСББ", "Старостинські округи"),
    (ResourceKind.ORGANISATIONS, "Молодіжна рада і волонтерська група", "Молодіжна рада"),
    (ResourceKind.INFRASTRUCTURE, "Будинок культури для зустрічей мешканців", "Відділ культури"),
    (ResourceKind.FUNDING, "Бюджет участі громади", "Фінансове управління"),
    (ResourceKind.TRADITION, "Толоки й спільні свята кутків", "Мешканці"),
]
STAKEHOLDERS = [
    (StakeholderKind.POLICE, "Сектор превенції відділення поліції"),
    (StakeholderKind.COUNCIL, "Виконавчий комітет ради"),
    (StakeholderKind.SCHOOL, "Опорний ліцей"),
    (StakeholderKind.NGO, "Громадська організація ветеранів"),
    (StakeholderKind.RELIGIOUS, "Релігійна громада"),
    (StakeholderKind.BUSINESS, "Місцеві підприємці"),
]
NEEDS = [
    "Безпечний шлях до школи і довіра до поліції",
    "Справедливий розподіл житла для ВПО",
    "Місця для дозвілля молоді",
    "Підтримка ветеранів і їхніх родин",
    "Прозорі рішення ради щодо землі",
]
MEASURES = [
    ("Освітлення вулиць і зупинок", "Відділ житлово-комунального господарства"),
    ("Камери відеоспостереження на перехрестях", "Виконавчий комітет ради"),
    ("Спільне патрулювання з поліцейським офіцером громади", "Сектор превенції"),
    ("Навчання медіаторів у школах", "Управління освіти"),
    ("Інформаційна кампанія з пожежної безпеки", "Пожежно-рятувальна частина"),
    ("Пішохідний перехід з острівцем безпеки біля школи", "Служба автомобільних доріг"),
]
INITIATIVES = [
    ("Сусідська варта на кутку", "Ініціативна група мешканців"),
    ("Толока з прибирання парку", "Молодіжна рада"),
    ("Клуб ветеранів і їхніх родин", "Громадська організація ветеранів"),
    ("Безпечна дорога до школи", "Батьківський комітет ліцею"),
    ("Кіноклуб діалогу для місцевих і ВПО", "Бібліотека громади"),
]

# The 30 plans: (kind, community index, final status). Ten safety strategies, all adopted; twelve
# community development plans and eight veterans' reintegration plans along their life cycle.
PLANS: list[tuple[str, int, str]] = [
    *[
        (PlanKind.SAFETY_STRATEGY, index, PlanStatus.EVALUATED if index < 4 else PlanStatus.IN_IMPLEMENTATION)
        for index in range(10)
    ],
    *[
        (PlanKind.DEVELOPMENT_PLAN, index, status)
        for index, status in zip(
            [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0, 1],
            [PlanStatus.DRAFT] * 2
            + [PlanStatus.CONSULTATION] * 2
            + [PlanStatus.SUBMITTED] * 2
            + [PlanStatus.ADOPTED] * 2
            + [PlanStatus.IN_IMPLEMENTATION] * 3
            + [PlanStatus.EXPIRED],
            strict=True,
        )
    ],
    *[
        (PlanKind.VETERANS_REINTEGRATION, index, status)
        for index, status in zip(
            range(8),
            [PlanStatus.IN_IMPLEMENTATION] * 3
            + [PlanStatus.ADOPTED] * 2
            + [PlanStatus.SUBMITTED] * 2
            + [PlanStatus.CONSULTATION],
            strict=True,
        )
    ],
]
TITLES: dict[str, str] = {
    PlanKind.SAFETY_STRATEGY: "Стратегія безпеки громади",
    PlanKind.DEVELOPMENT_PLAN: "План розвитку громади",
    PlanKind.VETERANS_REINTEGRATION: "План реінтеграції ветеранів",
}
# The way to each final status: the moves from the draft, in order.
PATHS: dict[str, list[str]] = {
    PlanStatus.DRAFT: [],
    PlanStatus.CONSULTATION: [PlanStatus.CONSULTATION],
    PlanStatus.SUBMITTED: [PlanStatus.CONSULTATION, PlanStatus.SUBMITTED],
    PlanStatus.ADOPTED: [PlanStatus.CONSULTATION, PlanStatus.SUBMITTED, PlanStatus.ADOPTED],
    PlanStatus.IN_IMPLEMENTATION: [
        PlanStatus.CONSULTATION,
        PlanStatus.SUBMITTED,
        PlanStatus.ADOPTED,
        PlanStatus.IN_IMPLEMENTATION,
    ],
    PlanStatus.EVALUATED: [
        PlanStatus.CONSULTATION,
        PlanStatus.SUBMITTED,
        PlanStatus.ADOPTED,
        PlanStatus.IN_IMPLEMENTATION,
        PlanStatus.EVALUATED,
    ],
    PlanStatus.EXPIRED: [PlanStatus.CONSULTATION, PlanStatus.SUBMITTED, PlanStatus.ADOPTED, PlanStatus.EXPIRED],
}
# Days after the draft each move was made.
MOVE_DAYS: dict[str, int] = {
    PlanStatus.CONSULTATION: 45,
    PlanStatus.SUBMITTED: 90,
    PlanStatus.ADOPTED: 120,
    PlanStatus.IN_IMPLEMENTATION: 150,
}


def _aware(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=KYIV)


@dataclass
class DemoPlanning:
    communities: list[Community]
    programmes: dict[str, Programme]
    staff: User
    negotiator: Negotiator

    def build(self) -> None:
        self.rng = random.Random(SEED)
        self.rp = self.programmes["RP-2017"]
        for community in self.communities[:RP_COMMUNITIES]:
            if not Participation.objects.filter(programme=self.rp, community=community).exists():
                participation_start(programme=self.rp, community=community, joined_on=RP_JOINED, left_on=RP_LEFT)
        analyses = self._analyses()
        for number, (kind, index, status) in enumerate(PLANS):
            self._plan(number, kind, self.communities[index], status, analyses.get(index, []))
        self._initiatives()
        self._regulation()

    # --- the conflict-potential map ---------------------------------------------------------------
    def _analyses(self) -> dict[int, list[Analysis]]:
        """An analysis of each community in 2019 and, for the eight veterans' pilots, a second in
        2022 (war-related risks among them); each community's, by index, oldest first."""
        made: dict[int, list[Analysis]] = {}
        categories: list[str] = [category for category in RISK_TEXTS if category != RiskCategory.WAR]
        for index, community in enumerate(self.communities[:RP_COMMUNITIES]):
            rounds = [(date(2019, 4, 1) + timedelta(days=9 * index), categories)]
            if index < 8:
                rounds.append((date(2022, 6, 1) + timedelta(days=7 * index), [RiskCategory.WAR, *categories]))
            for analysed_on, pool in rounds:
                made.setdefault(index, []).append(self._analysis(community, analysed_on, pool))
        return made

    def _analysis(self, community: Community, analysed_on: date, pool: list[str]) -> Analysis:
        potential = self.rng.randint(2, 5)
        needs = self.rng.choice(NEEDS)
        risks = [
            (
                category,
                self.rng.randint(1, 5),
                self.rng.randint(1, 5),
                self.rng.choice(list(Trend)),
                self.rng.choice(GROUPS),
            )
            for category in (
                [pool[0], *self.rng.sample(pool[1:], 4)] if pool[0] == RiskCategory.WAR else self.rng.sample(pool, 4)
            )
        ]
        resources = self.rng.sample(RESOURCES, 2)
        stakeholders = [
            (kind, name, self.rng.randint(1, 5), self.rng.randint(1, 5))
            for kind, name in self.rng.sample(STAKEHOLDERS, 3)
        ]
        analysis, created = Analysis.objects.get_or_create(
            community=community,
            analysed_on=analysed_on,
            defaults={
                "programme": self.rp,
                "conflict_potential": potential,
                "conflict_needs": needs,
                "summary": "Аналіз безпекових ризиків і потенціалу громади за методикою відновних практик.",
                "made_by": self.staff,
            },
        )
        if created:
            for category, likelihood, impact, trend, groups in risks:
                Risk.objects.create(
                    analysis=analysis,
                    category=category,
                    description=RISK_TEXTS[category],
                    likelihood=likelihood,
                    impact=impact,
                    trend=trend,
                    groups_affected=groups,
                )
            for kind, description, held_by in resources:
                Resource.objects.create(analysis=analysis, kind=kind, description=description, held_by=held_by)
            for stake_kind, name, influence, interest in stakeholders:
                Stakeholder.objects.create(
                    analysis=analysis, kind=stake_kind, name=name, influence=influence, interest=interest
                )
        return analysis

    # --- strategies and plans ---------------------------------------------------------------------
    def _plan(self, number: int, kind: str, community: Community, status: str, analyses: list[Analysis]) -> None:
        if kind == PlanKind.VETERANS_REINTEGRATION:
            drafted = date(2021, 3, 1) + timedelta(days=self.rng.randint(0, 240))
        else:
            drafted = date(2019, 9, 1) + timedelta(days=self.rng.randint(0, 420))
        starts_on = date(drafted.year + 1, 1, 1) if drafted.year < 2022 else drafted
        ends_on = date(starts_on.year + 2, 12, 31)
        measure_draws = [
            (self.rng.choice(MEASURES), self.rng.randint(2, 40) * 10_000, self.rng.random()) for _ in range(3)
        ]
        title = f"{TITLES[kind]} {starts_on.year}–{ends_on.year}"
        if Plan.objects.filter(community=community, title=title).exists():
            return
        plan = plan_create(
            plan=Plan(
                kind=kind,
                title=title,
                community=community,
                programme=self.rp,
                starts_on=starts_on,
                ends_on=ends_on,
                # The latest analysis made before the drafting.
                analysis=next((made for made in reversed(analyses) if made.analysed_on <= drafted), None),
            ),
            actor=self.staff,
            at=_aware(drafted),
        )
        adopted_on = drafted + timedelta(days=MOVE_DAYS[PlanStatus.ADOPTED])
        for move in PATHS[status]:
            if move == PlanStatus.EVALUATED:
                at = ends_on - timedelta(days=30)
            elif move == PlanStatus.EXPIRED:
                at = ends_on + timedelta(days=1)
            else:
                at = drafted + timedelta(days=MOVE_DAYS[move])
            decision: dict[str, Any] = (
                {
                    "adopted_by": "Сесія ради громади",
                    "adopted_on": adopted_on,
                    "decision_number": f"{number + 5}/{adopted_on.year % 100}",
                }
                if move == PlanStatus.ADOPTED
                else {}
            )
            plan_move(plan=plan, to_status=move, actor=self.staff, at=_aware(at), **decision)
        if plan.status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION, PlanStatus.SUBMITTED):
            return
        risks = list(Risk.objects.filter(analysis=plan.analysis).order_by("pk")) if plan.analysis else []
        for position, ((title_text, responsible), budget, progress) in enumerate(measure_draws):
            due_on = min(starts_on + timedelta(days=180 * (position + 1)), ends_on)
            done = progress < 0.6 and status != PlanStatus.ADOPTED
            measure = Measure(
                plan=plan,
                title=title_text,
                risk=risks[position] if position < len(risks) else None,
                responsible=responsible,
                budget=Decimal(budget),
                currency="UAH",
                budget_source="Місцевий бюджет",
                due_on=due_on,
                status=MeasureStatus.DONE if done else MeasureStatus.IN_PROGRESS,
                done_on=due_on - timedelta(days=10) if done else None,
                evidence="Акт виконаних робіт" if done else "",
            )
            measure.full_clean()
            measure.save()

    # --- what the communities did themselves, and what a council adopted -------------------------
    def _initiatives(self) -> None:
        draws = [
            (self.rng.choice(INITIATIVES), date(2019, 6, 1) + timedelta(days=self.rng.randint(0, 1200)))
            for _ in range(15)
        ]
        for index, ((title, run_by), started_on) in enumerate(draws):
            community = self.communities[(index * 7) % RP_COMMUNITIES]
            Initiative.objects.get_or_create(
                community=community,
                title=title,
                started_on=started_on,
                defaults={
                    "programme": self.rp,
                    "run_by": run_by,
                    "status": InitiativeStatus.COMPLETED if started_on.year < 2021 else InitiativeStatus.RUNNING,
                    "description": "Ініціатива мешканців після аналізу безпекових ризиків громади.",
                },
            )
        # The demo negotiator's community keeps its initiatives going under seed 000's programme.
        Initiative.objects.get_or_create(
            community=self.negotiator.community,
            title="Світло у дворах",
            started_on=date(2025, 4, 12),
            defaults={
                "programme": self.programmes["ISN-2023"],
                "run_by": "Ініціативна група мешканців",
                "negotiator": self.negotiator,
                "description": "Мешканці разом з ОСББ встановлюють ліхтарі у темних дворах.",
            },
        )

    def _regulation(self) -> None:
        """Seed 000's main outcome: the social negotiator's status in a local regulation."""
        community = self.negotiator.community
        Regulation.objects.get_or_create(
            community=community,
            number="1247",
            defaults={
                "programme": self.programmes["ISN-2023"],
                "title": "Положення про соціальних перемовників громади",
                "kind": RegulationKind.NEGOTIATOR_STATUS,
                "adopted_by": "Міська рада",
                "adopted_on": date(2025, 5, 29),
            },
        )
