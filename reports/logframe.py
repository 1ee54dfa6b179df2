"""The whole logframe of a programme as an Excel workbook, the format donors ask for: the goal,
outcomes and outputs with their indicators, baselines, SDG targets and sources, and per year of
the programme the target, actual, percentage achieved and status; a second sheet with the
reported values, their notes and evidence."""

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from api.renderers import _xlsx_value
from programmes.models import Programme, ReportedValue
from reports.indicators import Period
from reports.results import STATUS_LABELS, programme_periods, programme_results, results_tree


def _text(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Decimal):
        value = float(value)
    elif not isinstance(value, date):  # dates and moments are typed cells as they are
        value = _xlsx_value(value)
    if isinstance(value, str) and value.startswith("="):
        # openpyxl takes a text starting with "=" for a formula: this one stays text.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def logframe_workbook(programme: Programme) -> bytes:
    """The logframe of ``programme`` with targets and actuals per year, as XLSX bytes."""
    from openpyxl import Workbook

    years = [period for period in programme_periods(programme) if period.is_annual]
    by_year = {period.year: {row.indicator.pk: row for row in programme_results(programme, period)} for period in years}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Logframe")[:31])
    header = [
        _("Level"),
        _("Code"),
        _("Statement"),
        _("Statement in English"),
        _("Indicator code"),
        _("Indicator"),
        _("Unit"),
        _("Direction"),
        _("Source"),
        _("Figure"),
        _("Baseline"),
        _("Baseline date"),
        _("SDG targets"),
    ]
    for period in years:
        header += [
            _("%(year)s target") % {"year": period.year},
            _("%(year)s actual") % {"year": period.year},
            _("%(year)s %% achieved") % {"year": period.year},
            _("%(year)s status") % {"year": period.year},
        ]
    sheet.append(header)
    indicators: dict[int, list[Any]] = {}
    for rows in by_year.values():
        for row in rows.values():
            indicators.setdefault(row.indicator.result_id, [])
            if row.indicator not in indicators[row.indicator.result_id]:
                indicators[row.indicator.result_id].append(row.indicator)
    for result in results_tree(programme):
        level = result.get_level_display()
        sheet.append([_text(sheet, value) for value in (level, result.code, result.statement, result.statement_en)])
        for indicator in indicators.get(result.pk, []):
            line: list[Any] = [
                level,
                result.code,
                "",
                "",
                indicator.code,
                indicator.name,
                indicator.unit,
                indicator.get_direction_display(),
                indicator.get_source_display(),
                indicator.figure,
                indicator.baseline_value,
                indicator.baseline_date,
                ", ".join(indicator.sdg_targets),
            ]
            for period in years:
                row = by_year[period.year][indicator.pk]
                status = str(STATUS_LABELS[row.status]) if row.status else ""
                line += [row.target, row.actual, row.percent_achieved, status]
            sheet.append([_text(sheet, value) for value in line])
    values = workbook.create_sheet(title=_("Reported values")[:31])
    values.append(
        [
            _("Indicator code"),
            _("Indicator"),
            _("Period"),
            _("Value"),
            _("Note"),
            _("Evidence"),
            _("Entered by"),
            _("Approved by"),
            _("Approved at"),
        ]
    )
    reported = (
        ReportedValue.objects.filter(indicator__result__programme=programme)
        .select_related("indicator", "evidence_document", "entered_by", "approved_by")
        .order_by("indicator__code", "period")
    )
    for value in reported:
        evidence = value.evidence_document.title if value.evidence_document else value.evidence_link
        line = [
            value.indicator.code,
            value.indicator.name,
            value.period,
            value.value,
            value.note,
            evidence,
            value.entered_by.get_username() if value.entered_by else "",
            value.approved_by.get_username() if value.approved_by else "",
            value.approved_at.replace(tzinfo=None) if value.approved_at else None,
        ]
        values.append([_text(values, item) for item in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def default_period(programme: Programme, today: Any) -> Period:
    """This year if the programme runs in it, else the programme's last (or first) year."""
    years = [period for period in programme_periods(programme) if period.is_annual]
    for period in years:
        if period.year == today.year:
            return period
    return years[-1] if today.year > years[-1].year else years[0]
