"""The demo programmes' results frameworks (``seed_demo``): the outputs the seeds promise, with
their targets; computed where the portal has the figure, reported (with approved values and
their evidence) otherwise. Seed 000's ISN-2023 carries the targets of issue 13 for 2025."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from programmes.models import (
    Direction,
    Document,
    Indicator,
    IndicatorSource,
    Measure,
    Programme,
    ReportedValue,
    Result,
    ResultLevel,
    Target,
)
from programmes.services import (
    indicator_save,
    reported_value_approve,
    reported_value_save,
    result_save,
    target_save,
)


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    unit: str
    figure: str = ""  # computed when set, reported otherwise
    sdg: tuple[str, ...] = ()
    targets: tuple[tuple[str, int], ...] = ()
    # Reported values: (period, value, note, evidence: a library document's title or a link)
    values: tuple[tuple[str, int, str, str], ...] = ()
    baseline: tuple[int, date] | None = None
    direction: str = Direction.MORE
    disaggregations: tuple[str, ...] = ()
    # The seeds state end-of-programme totals ("25 negotiators certified"): targets for the total
    # to date unless a spec says otherwise.
    measure: str = Measure.TO_DATE


@dataclass(frozen=True)
class DemoResult:
    level: str
    code: str
    statement: str
    statement_en: str
    parent: str = ""
    indicators: tuple[DemoIndicator, ...] = field(default_factory=tuple)


HANDBOOK = "Handbook of social negotiation (excerpt)"

DEMO_LOGFRAMES: dict[str, tuple[DemoResult, ...]] = {
    "ISN-2023": (
        DemoResult(
            ResultLevel.GOAL,
            "G",
            "Громади вирішують конфлікти мирно, у діалозі мешканців, влади та поліції.",
            "Communities resolve conflicts peacefully, in dialogue between residents, authorities and police.",
        ),
        DemoResult(
            ResultLevel.OUTCOME,
            "OC1",
            "Партнерські громади мають підготовлених соціальних перемовників.",
            "Partner communities have trained social negotiators.",
            parent="G",
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP1.1",
            "Мережа партнерських громад.",
            "A network of partner communities.",
            parent="OC1",
            indicators=(
                DemoIndicator(
                    "I1.1",
                    "Partner communities",
                    "communities",
                    "communities.active",
                    ("16.7", "11.3"),
                    (("2025", 25),),
                ),
            ),
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP1.2",
            "Школа соціальних перемовників.",
            "The School of social negotiators.",
            parent="OC1",
            indicators=(
                DemoIndicator(
                    "I1.2",
                    "New negotiators certified",
                    "negotiators",
                    "negotiators.certified_by_cohort.new",
                    ("16.7", "4.7"),
                    (("2025", 25),),
                    disaggregations=("sex", "community"),
                ),
                DemoIndicator(
                    "I1.3",
                    "Pilot graduates through the advanced modules",
                    "negotiators",
                    "negotiators.advanced",
                    ("4.7",),
                    (("2025", 25),),
                ),
            ),
        ),
        DemoResult(
            ResultLevel.OUTCOME,
            "OC2",
            "Мешканці, влада і поліція разом обговорюють безпеку громад.",
            "Residents, authorities and police discuss community safety together.",
            parent="G",
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP2.1",
            "Інформаційні заходи в громадах.",
            "Outreach events in the communities.",
            parent="OC2",
            indicators=(
                DemoIndicator("I2.1", "Outreach events", "events", "events.count", ("16.7",), (("2025", 200),)),
                DemoIndicator(
                    "I2.2",
                    "Residents taking part",
                    "people",
                    "events.participants",
                    ("16.7", "10.2"),
                    (("2025", 1500),),
                    disaggregations=("sex", "age_group", "vulnerable_group"),
                ),
                DemoIndicator(
                    "I2.3",
                    "Press conferences",
                    "events",
                    "events.by_kind.press_conference.events",
                    ("16.10",),
                    (("2025", 3),),
                ),
                DemoIndicator(
                    "I2.4", "Round tables", "events", "events.by_kind.round_table.events", ("17.17",), (("2025", 1),)
                ),
                DemoIndicator(
                    "I2.5",
                    "Forum participants",
                    "people",
                    "events.by_kind.forum.participants",
                    ("17.17",),
                    (("2025", 100),),
                ),
            ),
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP2.2",
            "Висвітлення у медіа.",
            "Media coverage.",
            parent="OC2",
            indicators=(
                DemoIndicator("I2.6", "Media mentions", "mentions", "media.mentions", ("16.10",), (("2025", 80),)),
                DemoIndicator("I2.7", "Media reach", "people", "media.reach", ("16.10",), (("2025", 10_000_000),)),
            ),
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP2.3",
            "Посібник, онлайн-курс і звіти програми.",
            "The handbook, the online course and the programme's reports.",
            parent="OC2",
            indicators=(
                DemoIndicator(
                    "I2.8",
                    "Handbook copies printed",
                    "copies",
                    sdg=("4.7",),
                    targets=(("2025", 50),),
                    values=(("2025", 50, "Перше видання посібника, 50 примірників.", HANDBOOK),),
                ),
                DemoIndicator(
                    "I2.9",
                    "Online course published",
                    "courses",
                    sdg=("4.7",),
                    targets=(("2025", 1),),
                    values=(("2025-H1", 1, "Курс опубліковано на платформі.", "https://example.org/isn-course"),),
                ),
                DemoIndicator(
                    "I2.10",
                    "Semi-annual reports",
                    "reports",
                    sdg=("17.17",),
                    targets=(("2025-H1", 1),),
                    values=(("2025-H1", 1, "Звіт за перше півріччя подано донору.", "https://example.org/isn-h1"),),
                ),
                DemoIndicator("I2.11", "Annual reports", "reports", sdg=("17.17",), targets=(("2025", 1),)),
            ),
        ),
    ),
    "RP-2017": (
        DemoResult(
            ResultLevel.GOAL,
            "G",
            "Безпечне середовище в громадах через відновні практики.",
            "A safe environment in communities through restorative practices.",
        ),
        DemoResult(
            ResultLevel.OUTCOME,
            "OC1",
            "Громади ухвалюють безпекові стратегії.",
            "Communities adopt safety strategies.",
            parent="G",
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP1.1",
            "Аналіз безпекових ризиків і стратегії громад.",
            "Safety risk analyses and community strategies.",
            parent="OC1",
            indicators=(
                DemoIndicator(
                    "I1", "Communities using the methodology", "communities", sdg=("11.3",), targets=(("2022", 100),)
                ),
                DemoIndicator(
                    "I2", "Strategies adopted by local councils", "strategies", sdg=("16.7",), targets=(("2022", 10),)
                ),
                DemoIndicator(
                    "I3",
                    "Partner civil society organisations in the network",
                    "organisations",
                    sdg=("17.17",),
                    targets=(("2022", 17),),
                ),
            ),
        ),
    ),
    "DOBRE-2023": (
        DemoResult(
            ResultLevel.GOAL,
            "G",
            "Громади інтегрують внутрішньо переміщених осіб і ветеранів.",
            "Communities integrate internally displaced people and veterans.",
        ),
        DemoResult(ResultLevel.OUTCOME, "OC1", "Фахівці громад навчені.", "Community staff are trained.", parent="G"),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP1.1",
            "Вебінар «Соціальна інтеграція та реінтеграція».",
            "The webinar on social integration and reintegration.",
            parent="OC1",
            indicators=(
                DemoIndicator(
                    "I1", "Webinar parts held", "events", "events.by_kind.webinar.events", ("10.2",), (("2023", 2),)
                ),
            ),
        ),
    ),
    "OPV-CZ": (
        DemoResult(
            ResultLevel.GOAL, "G", "Obce bez eskalovaných konfliktů.", "Municipalities without escalated conflicts."
        ),
        DemoResult(
            ResultLevel.OUTCOME,
            "OC1",
            "Obce řeší konflikty systematicky.",
            "Municipalities handle conflicts systematically.",
            parent="G",
        ),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP1.1",
            "Akutní a systematická spolupráce s obcemi.",
            "Acute and systematic support to municipalities.",
            parent="OC1",
            indicators=(
                DemoIndicator(
                    "I1",
                    "Support engagements opened",
                    "engagements",
                    "engagements.opened",
                    ("10.2", "11.3"),
                    (("2024", 2),),
                ),
                DemoIndicator(
                    "I2", "Policies adopted by municipal councils", "policies", sdg=("11.1",), targets=(("2025", 1),)
                ),
            ),
        ),
    ),
    "VS-CA": (
        DemoResult(
            ResultLevel.GOAL,
            "G",
            "Новые модели взаимодействия волонтеров и государства.",
            "New models of cooperation between volunteers and the state.",
        ),
        DemoResult(ResultLevel.OUTCOME, "OC1", "Исследование представлено.", "The study is presented.", parent="G"),
        DemoResult(
            ResultLevel.OUTPUT,
            "OP1.1",
            "Доклад о моделях взаимоотношений.",
            "The report on the models of cooperation.",
            parent="OC1",
            indicators=(
                DemoIndicator("I1", "Research reports presented", "reports", sdg=("17.17",), targets=(("2021", 1),)),
            ),
        ),
    ),
}


def _evidence(programme: Programme, evidence: str) -> dict[str, Any]:
    if evidence.startswith("https://"):
        return {"evidence_link": evidence}
    return {"evidence_document": Document.objects.get(programme=programme, title=evidence)}


def seed_logframe(programme: Programme, results: tuple[DemoResult, ...], *, entered_by: Any, approved_by: Any) -> None:
    """Create the results framework of ``programme`` as ``results`` describe it (each part once)."""
    saved: dict[str, Result] = {}
    for order, spec in enumerate(results):
        result = Result.objects.filter(programme=programme, code=spec.code).first() or result_save(
            result=Result(
                programme=programme,
                level=spec.level,
                code=spec.code,
                statement=spec.statement,
                statement_en=spec.statement_en,
                parent=saved.get(spec.parent),
                order=order,
            )
        )
        saved[spec.code] = result
        for position, item in enumerate(spec.indicators):
            indicator = Indicator.objects.filter(result=result, code=item.code).first() or indicator_save(
                indicator=Indicator(
                    result=result,
                    code=item.code,
                    name=item.name,
                    unit=item.unit,
                    direction=item.direction,
                    measure=item.measure,
                    disaggregations=list(item.disaggregations),
                    sdg_targets=list(item.sdg),
                    source=IndicatorSource.COMPUTED if item.figure else IndicatorSource.REPORTED,
                    figure=item.figure,
                    baseline_value=Decimal(item.baseline[0]) if item.baseline else None,
                    baseline_date=item.baseline[1] if item.baseline else None,
                    order=position,
                )
            )
            for period, value in item.targets:
                if not Target.objects.filter(indicator=indicator, period=period).exists():
                    target_save(target=Target(indicator=indicator, period=period, value=Decimal(value)))
            for period, value, note, evidence in item.values:
                if ReportedValue.objects.filter(indicator=indicator, period=period).exists():
                    continue
                reported = reported_value_save(
                    reported_value=ReportedValue(
                        indicator=indicator,
                        period=period,
                        value=Decimal(value),
                        note=note,
                        **_evidence(programme, evidence),
                    ),
                    actor=entered_by,
                )
                reported_value_approve(reported_value=reported, actor=approved_by)


def seed_logframes(programmes: dict[str, Programme], *, entered_by: Any, approved_by: Any) -> None:
    """The results frameworks of the five demo programmes."""
    for code, results in DEMO_LOGFRAMES.items():
        seed_logframe(programmes[code], results, entered_by=entered_by, approved_by=approved_by)
