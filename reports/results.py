"""Results against targets: each indicator of a programme's results framework with its baseline,
its target for a period, the actual (computed from the records by
:func:`reports.indicators.compute_indicators`, or the approved reported values), the cumulative
value, the percentage achieved and a status by the programme's thresholds.

The API (``results/``), the portal's Results page, the logframe workbook and the PDF's chapter all
read :func:`programme_results`, so they show the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import groupby
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from programmes.models import (
    Direction,
    Indicator,
    IndicatorSource,
    Measure,
    Programme,
    Result,
    ResultLevel,
    period_outside_message,
)
from reports.figures import IndicatorsDocument, ProgrammeStatusLine, ResultsChapter
from reports.indicators import MODULE_ORDER, Period, compute_indicators, figure_rows
from reports.suppression import suppress_small_cells
from training.models import TrainingModule


class ResultStatus:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


STATUS_LABELS = {
    ResultStatus.ON_TRACK: _("On track"),
    ResultStatus.AT_RISK: _("At risk"),
    ResultStatus.OFF_TRACK: _("Off track"),
}

# --- the figure catalogue (registered with programmes.figures by ReportsConfig.ready) ------------

SECTION_LABELS = {
    "communities": _("Partner communities"),
    "negotiators": _("Negotiators"),
    "training": _("The School"),
    "events": _("Outreach events"),
    "webinars": _("Webinars and other events with registration"),
    "incidents": _("Incidents"),
    "media": _("Media mentions"),
    "engagements": _("Municipal engagements"),
    "police": _("Police and population"),
    "assessments": _("Safety assessments"),
    "casework": _("Individual support"),
}


def _label(key: str) -> str:
    section, *rest = key.split(".")
    parts = [str(SECTION_LABELS.get(section, section)), *(part.replace("_", " ") for part in rest)]
    return " › ".join(parts)


# The School's modules stand in the figures' keys (``training.by_module.<code>.sessions``): the
# catalogue's shape is computed once, with this in their place, and filled with the modules there are.
MODULE_PLACEHOLDER = "<module>"


@lru_cache(maxsize=1)
def _catalogue_keys() -> tuple[str, ...]:
    # The keys come from the figures of an empty scope: the same walk as figure_rows, so a key
    # here is one the indicators/ API answers.
    document = compute_indicators(
        period=Period(2000),
        communities=Community.objects.none(),
        programme_wide=True,
        module_codes=[MODULE_PLACEHOLDER],
    )
    return tuple(row["indicator"] for row in figure_rows(document) if row["community"] is None)


def figure_catalogue() -> dict[str, str]:
    """Every figure a computed indicator may read (``events.count``, ``media.reach``,
    ``events.by_kind.round_table.events``) with a label."""
    codes = list(TrainingModule.objects.order_by(*MODULE_ORDER).values_list("code", flat=True))
    keys: list[str] = []
    for per_module, run in groupby(_catalogue_keys(), key=lambda key: MODULE_PLACEHOLDER in key):
        block = list(run)
        keys += [key.replace(MODULE_PLACEHOLDER, code) for code in codes for key in block] if per_module else block
    return {key: _label(key) for key in keys}


# --- periods and scope ---------------------------------------------------------------------------


def programme_periods(programme: Programme) -> list[Period]:
    """The years and half-years the programme runs in, each year before its halves."""
    periods: list[Period] = []
    for year in range(programme.starts_on.year, programme.ends_on.year + 1):
        for period in (Period(year), Period(year, 1), Period(year, 2)):
            if period_in_programme(programme, period):
                periods.append(period)
    return periods


def period_in_programme(programme: Programme, period: Period) -> bool:
    return period.start <= programme.ends_on and period.end >= programme.starts_on


def check_period(programme: Programme, period: Period) -> None:
    """Refuse a period outside the programme's dates, naming it (``ValidationError`` on
    ``period``)."""
    if not period_in_programme(programme, period):
        raise ValidationError({"period": period_outside_message(programme, period.code)})


def programme_figures(programme: Programme, period: Period) -> IndicatorsDocument:
    """The monitoring figures of ``programme`` for ``period``: the one call of
    ``compute_indicators`` the results framework makes. The same figures as ``indicators/`` with
    ``programme=`` for staff: every record attributed to the programme, in the communities taking
    part in it, and what belongs to no community. Results reach partners, managers and donors:
    the case-work figures come with their small cells hidden (an indicator reading one has no
    actual where it is "<5")."""
    return suppress_small_cells(
        compute_indicators(period=period, communities=Community.objects.all(), programme_wide=True, programme=programme)
    )


def figure_value(document: IndicatorsDocument | dict[str, Any], key: str) -> tuple[float | None, float | None]:
    """The ``current`` and ``to_date`` values of the figure ``key`` (a dotted path) in
    ``document``; ``(None, None)`` if there is no such figure."""
    node: Any = document
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None, None
        node = node[part]
    if not isinstance(node, dict):
        return None, None
    return _number(node.get("current")), _number(node.get("to_date"))


def _number(value: Any) -> float | None:
    # A hidden case-work figure ("<5", "*") is no number.
    return None if value is None or isinstance(value, str) else float(value)


# --- one indicator against its target ------------------------------------------------------------


@dataclass
class IndicatorResult:
    indicator: Indicator
    period: Period
    baseline: float | None
    target: float | None
    actual: float | None
    cumulative: float | None
    percent_achieved: float | None
    status: str | None

    def as_row(self) -> dict[str, Any]:
        """The row the API, the page and the workbook show."""
        indicator = self.indicator
        return {
            "indicator": indicator.pk,
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "result": indicator.result.code,
            "result_level": indicator.result.level,
            "direction": indicator.direction,
            "measure": indicator.measure,
            "source": indicator.source,
            "figure": indicator.figure,
            "period": self.period.code,
            "baseline": self.baseline,
            "target": self.target,
            "actual": self.actual,
            "cumulative": self.cumulative,
            "percent_achieved": self.percent_achieved,
            "status": self.status,
            "sdg_targets": list(indicator.sdg_targets),
        }


def percent_achieved(
    *, direction: str, baseline: float | None, target: float | None, actual: float | None
) -> float | None:
    """How much of the target is achieved, in per cent (one decimal). More is better:
    actual / target. Less is better: the reduction achieved over the reduction aimed at,
    (baseline - actual) / (baseline - target); without a baseline, target / actual. None without a
    target or an actual, or when the ratio has no meaning (a target of zero)."""
    if target is None or actual is None:
        return None
    if direction == Direction.LESS:
        if baseline is not None:
            if baseline == target:
                return None
            ratio = (baseline - actual) / (baseline - target)
        elif actual == 0:
            ratio = 1.0
        else:
            ratio = target / actual
    else:
        if target == 0:
            return None
        ratio = actual / target
    return round(ratio * 100, 1)


def status_of(programme: Programme, percent: float | None) -> str | None:
    """On track from the programme's ``on_track_from`` per cent, at risk from ``at_risk_from``,
    off track below; None without a percentage."""
    if percent is None:
        return None
    if percent >= programme.on_track_from:
        return ResultStatus.ON_TRACK
    if percent >= programme.at_risk_from:
        return ResultStatus.AT_RISK
    return ResultStatus.OFF_TRACK


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def target_for(indicator: Indicator, period: Period) -> float | None:
    """The programme-wide target of the period; for a year without one, the sum of its
    half-years' targets (if any)."""
    targets = {t.period: t.value for t in indicator.targets.all() if t.region_id is None and t.partner_id is None}
    return _float(_in_period(targets, period))


def _approved(indicator: Indicator) -> dict[str, Decimal]:
    return {value.period: value.value for value in indicator.reported_values.all() if value.approved_at is not None}


def _in_period(values: dict[str, Decimal], period: Period) -> Decimal | None:
    """The value given for ``period``; for a year without one, the sum of its half-years' (if any)."""
    if period.code in values:
        return values[period.code]
    if period.is_annual:
        halves = [values[code] for code in (f"{period.year}-H1", f"{period.year}-H2") if code in values]
        if halves:
            return sum(halves, Decimal(0))
    return None


def reported_actual(indicator: Indicator, period: Period) -> tuple[float | None, float | None]:
    """The approved value of the period (a year without its own: the sum of its halves) and the
    cumulative value from the first reported year to the period's end."""
    values = _approved(indicator)
    actual = _in_period(values, period)
    years = sorted({int(code[:4]) for code in values if int(code[:4]) <= period.year})
    total: Decimal | None = None
    for year in years:
        if year < period.year or period.is_annual:
            part = _in_period(values, Period(year))
        else:  # the period's own year, up to the half-year asked for
            part = values.get(f"{year}-H1") if period.half == 1 else _in_period(values, Period(year))
        if part is not None:
            total = part if total is None else total + part
    return _float(actual), _float(total)


def indicators_of(programme: Programme) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(result__programme=programme)
        .select_related("result", "result__parent")
        .prefetch_related("targets", "reported_values")
        .order_by("result__level", "result__order", "result__code", "order", "code")
    )


LEVEL_ORDER = {ResultLevel.GOAL: 0, ResultLevel.OUTCOME: 1, ResultLevel.OUTPUT: 2}


def results_tree(programme: Programme) -> list[Result]:
    """The programme's results in logframe order: the goal, then each outcome followed by its
    outputs."""
    results = list(Result.objects.filter(programme=programme).order_by("order", "code"))
    children: dict[int | None, list[Result]] = {}
    for result in results:
        children.setdefault(result.parent_id, []).append(result)
    ordered: list[Result] = []

    def visit(nodes: Iterable[Result]) -> None:
        for node in nodes:
            ordered.append(node)
            visit(children.get(node.pk, []))

    visit(sorted(children.get(None, []), key=lambda result: (LEVEL_ORDER[ResultLevel(result.level)], result.order)))
    seen = {result.pk for result in ordered}
    ordered += [result for result in results if result.pk not in seen]  # none in a valid tree
    return ordered


def programme_results(
    programme: Programme, period: Period, *, document: IndicatorsDocument | None = None
) -> list[IndicatorResult]:
    """Every indicator of ``programme`` against its target in ``period``, in logframe order.
    Raises ``ValidationError`` for a period outside the programme's dates."""
    check_period(programme, period)
    order = {result.pk: index for index, result in enumerate(results_tree(programme))}
    indicators = sorted(
        indicators_of(programme), key=lambda item: (order.get(item.result_id, 0), item.order, item.code)
    )
    if document is None and any(item.source == IndicatorSource.COMPUTED for item in indicators):
        document = programme_figures(programme, period)
    rows = []
    for indicator in indicators:
        if indicator.source == IndicatorSource.COMPUTED and document is not None:
            actual, cumulative = figure_value(document, indicator.figure)
        else:
            actual, cumulative = reported_actual(indicator, period)
        baseline = _float(indicator.baseline_value)
        target = target_for(indicator, period)
        achieved = cumulative if indicator.measure == Measure.TO_DATE else actual
        percent = percent_achieved(direction=indicator.direction, baseline=baseline, target=target, actual=achieved)
        rows.append(
            IndicatorResult(
                indicator=indicator,
                period=period,
                baseline=baseline,
                target=target,
                actual=actual,
                cumulative=cumulative,
                percent_achieved=percent,
                status=status_of(programme, percent),
            )
        )
    return rows


def status_counts(results: Iterable[IndicatorResult]) -> dict[str, int]:
    """How many indicators are on track, at risk, off track, and without a status."""
    counts = {ResultStatus.ON_TRACK: 0, ResultStatus.AT_RISK: 0, ResultStatus.OFF_TRACK: 0, "none": 0}
    for result in results:
        counts[result.status or "none"] += 1
    return counts


# --- the PDF's chapter ----------------------------------------------------------------------------


def programme_results_chapter(programme: Programme, period: Period) -> ResultsChapter:
    """The "Results against targets" chapter of a programme-scoped report: every indicator of
    ``programme`` in ``period`` with its result; no rows for a period outside the programme."""
    rows: list[dict[str, Any]] = []
    if period_in_programme(programme, period):
        for row in programme_results(programme, period):
            result = row.indicator.result
            rows.append({**row.as_row(), "result_statement": result.statement, "result_level": result.level})
    return {
        "programme": {"code": programme.code, "name": programme.name, "name_en": programme.name_en},
        "rows": rows,
        "programmes": [],
    }


def results_overview(period: Period) -> ResultsChapter:
    """A line per programme running in ``period`` with a results framework: how many of its
    indicators are on track, at risk, off track or without a status (whole-portal reports)."""
    lines: list[ProgrammeStatusLine] = []
    programmes = Programme.objects.filter(
        starts_on__lte=period.end, ends_on__gte=period.start, results__indicators__isnull=False
    ).distinct()
    for programme in programmes.order_by("code"):
        counts = status_counts(programme_results(programme, period))
        lines.append(
            {
                "code": programme.code,
                "name": programme.name,
                "on_track": counts[ResultStatus.ON_TRACK],
                "at_risk": counts[ResultStatus.AT_RISK],
                "off_track": counts[ResultStatus.OFF_TRACK],
                "none": counts["none"],
            }
        )
    return {"programme": None, "rows": [], "programmes": lines}
