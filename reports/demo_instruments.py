"""The demo's second assessment instrument: seed 001's broad one (programme RP-2017, "Restorative
practices in communities"), which scores safety risks and safety potential separately, with
assessments in the three communities that took part in RP-2017 (2019-2022).

Deterministic and idempotent like the rest of the demo (``reports.demo``): its own random seed,
every value drawn whatever the database holds, every row found by a natural key before it is
created. Its assessments are all before 2023, so no figure of seed 000's programme (2023 on)
changes: each moment of a figure picks a community's assessment of one instrument only.
"""

import random
from datetime import date
from decimal import Decimal

from communities.models import (
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Community,
    DimensionGroup,
    Direction,
    SafetyAssessment,
)
from programmes.models import Programme

SEED = 20170101
CODE, VERSION = "RP-BROAD", 1
NAME = "Safety risks and potential (restorative practices)"
DESCRIPTION = (
    "Seed 001's broad assessment: the community's safety risks (1 = none, 5 = severe) and its safety "
    "potential (1 = none, 5 = strong), from a survey of residents and interviews with stakeholders."
)
# The half-years the RP-2017 communities were assessed with it.
HALF_YEARS = ((2020, 2), (2021, 2), (2022, 1))

# code, group, direction, name in Ukrainian, English, Czech, Russian.
DIMENSIONS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("leadership_potential", DimensionGroup.POTENTIAL, Direction.HIGHER_IS_BETTER,
     "Лідерський потенціал громади", "Leadership potential", "Potenciál vedení obce", "Лидерский потенциал общины"),
    ("residents_involvement", DimensionGroup.POTENTIAL, Direction.HIGHER_IS_BETTER,
     "Залученість мешканців", "Residents' involvement", "Zapojení obyvatel", "Вовлечённость жителей"),
    ("local_resources", DimensionGroup.POTENTIAL, Direction.HIGHER_IS_BETTER,
     "Місцеві ресурси безпеки", "Local safety resources", "Místní zdroje bezpečí", "Местные ресурсы безопасности"),
    ("cctv", DimensionGroup.POTENTIAL, Direction.HIGHER_IS_BETTER,
     "Відеоспостереження", "CCTV coverage", "Kamerový dohled", "Видеонаблюдение"),
    ("patrols", DimensionGroup.POLICE_COMMUNITY, Direction.HIGHER_IS_BETTER,
     "Патрулювання", "Patrols", "Hlídková služba", "Патрулирование"),
    ("access_to_health_care", DimensionGroup.POTENTIAL, Direction.HIGHER_IS_BETTER,
     "Доступ до медичної допомоги", "Access to health care", "Dostupnost zdravotní péče",
     "Доступ к медицинской помощи"),
    ("neighbourly_trust", DimensionGroup.COHESION, Direction.HIGHER_IS_BETTER,
     "Довіра між сусідами", "Trust between neighbours", "Důvěra mezi sousedy", "Доверие между соседями"),
    ("fire_safety", DimensionGroup.RISK, Direction.LOWER_IS_BETTER,
     "Пожежні ризики", "Fire safety risks", "Požární rizika", "Пожарные риски"),
    ("road_safety", DimensionGroup.RISK, Direction.LOWER_IS_BETTER,
     "Ризики на дорогах", "Road safety risks", "Rizika v silničním provozu", "Риски на дорогах"),
    ("domestic_violence", DimensionGroup.RISK, Direction.LOWER_IS_BETTER,
     "Домашнє насильство", "Domestic violence", "Domácí násilí", "Домашнее насилие"),
    ("youth_conflicts", DimensionGroup.RISK, Direction.LOWER_IS_BETTER,
     "Конфлікти за участі молоді", "Conflicts involving young people", "Konflikty s účastí mladých lidí",
     "Конфликты с участием молодёжи"),
)  # fmt: skip


def broad_instrument(programme: Programme) -> AssessmentInstrument:
    """Seed 001's instrument with its dimensions (1 to 5 each), created once."""
    instrument, _created = AssessmentInstrument.objects.get_or_create(
        code=CODE, version=VERSION, defaults={"name": NAME, "programme": programme, "description": DESCRIPTION}
    )
    for position, (code, group, direction, name_uk, name_en, name_cs, name_ru) in enumerate(DIMENSIONS):
        AssessmentDimension.objects.get_or_create(
            instrument=instrument,
            code=code,
            defaults={
                "group": group,
                "direction": direction,
                "name_uk": name_uk,
                "name_en": name_en,
                "name_cs": name_cs,
                "name_ru": name_ru,
                "scale_min": Decimal(1),
                "scale_max": Decimal(5),
                "position": position,
            },
        )
    return instrument


def seed_broad_assessments(*, programme: Programme, communities: list[Community]) -> None:
    """The broad instrument and an assessment with it in each of ``communities`` (those of RP-2017)
    in each of ``HALF_YEARS``: risks falling, potential growing as the programme went on."""
    rng = random.Random(SEED)
    instrument = broad_instrument(programme)
    dimensions = {dimension.code: dimension for dimension in instrument.dimensions.all()}
    for community in communities:
        start = {code: rng.uniform(2.0, 3.5) for code, *_rest in DIMENSIONS}
        for step, (year, half) in enumerate(HALF_YEARS):
            respondents = rng.randint(30, 90)
            moves = {code: rng.uniform(0.1, 0.4) for code, *_rest in DIMENSIONS}
            scores = {}
            for code, _group, direction, *_names in DIMENSIONS:
                sign = -1 if direction == Direction.LOWER_IS_BETTER else 1
                value = min(5.0, max(1.0, start[code] + sign * step * moves[code]))
                scores[code] = Decimal(str(round(value, 2)))
            assessment, created = SafetyAssessment.objects.get_or_create(
                community=community,
                year=year,
                half=half,
                defaults={
                    "assessed_on": date(year, 6, 15) if half == 1 else date(year, 11, 20),
                    "respondents": respondents,
                    "programme": programme,
                    "instrument": instrument,
                    "identified_risks": "Пожежі в приватному секторі; небезпечні ділянки доріг.",
                    "safety_resources": "Активна ініціативна група; добровольча пожежна команда.",
                },
            )
            if created:
                AssessmentScore.objects.bulk_create(
                    AssessmentScore(assessment=assessment, dimension=dimensions[code], value=value)
                    for code, value in scores.items()
                )
