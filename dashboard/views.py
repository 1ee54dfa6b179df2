"""The portal's home: the programme at a glance for staff, programme managers and partner members
(each within their scope), the list of where to go for everyone else."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.capabilities import Capability
from access.viewer import Viewer, request_viewer
from atlas.maps import COUNTRY_FILES, community_map
from communities.models import Country
from dashboard.forms import DashboardFilterForm, period_label
from dashboard.links import RecordLinks
from dashboard.selectors import (
    Scope,
    dashboard_indicators,
    event_series,
    half_years_up_to,
    has_dashboard,
    period_choices,
    serious_incidents,
)
from incidents.models import IncidentStatus
from reports import charts
from reports.cache import indicators_key, remember
from reports.figures import IndicatorsDocument
from reports.indicators import HEADLINE, PARTICIPANT_BREAKDOWN, Period
from reports.maps import community_locations, map_figure, map_groups, map_points, map_table, not_on_map
from reports.pdf import HEADLINE_KINDS, figure_row, fmt_number, fmt_percent, headline_labels, labels, score_row
from reports.results import STATUS_LABELS, period_in_programme, programme_results

# How many half-years the "over time" chart shows, ending with the period's last one.
SERIES_HALF_YEARS = 6


@never_cache
@login_required
@require_GET
def home(request):
    """The portal's landing page. Negotiators work in the field app, so they land there; staff,
    managers and partner members get the dashboard; case workers and the data protection officer
    the list of what they can open."""
    viewer = request_viewer(request)
    if viewer.can(Capability.WORKS_FROM_FIELD_APP):
        return redirect("field:home")
    context: dict[str, Any] = {"role": viewer.role, "capabilities": viewer.capabilities}
    if not has_dashboard(viewer):
        return render(request, "portal/home.html", context)
    form = DashboardFilterForm(request.GET, viewer=viewer, periods=period_choices(viewer))
    context["form"] = form
    if form.is_valid():
        data = form.cleaned_data
        context |= dashboard_context(viewer, form.scope(), data["period"], data["figure"])
    return render(request, "dashboard/home.html", context)


@never_cache
@login_required
@require_GET
def community_map_page(request):
    """The communities on their regions' outlines, coloured by a figure of the period, with the
    values as a table; each community opens its profile. For the dashboard's viewers only."""
    viewer = request_viewer(request)
    if not has_dashboard(viewer):
        raise Http404
    form = DashboardFilterForm(request.GET, viewer=viewer, periods=period_choices(viewer))
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        data, scope = form.cleaned_data, form.scope()
        period, figure_key = data["period"], data["figure"]

        def draw() -> dict[str, Any]:
            document = _figures(viewer, scope, period)
            return {
                "document": document,
                "period_label": period_label(period),
                "map": map_context(document, scope, figure_key, open_table=True),
            }

        parts = _remember("map", viewer, scope, period, figure_key, draw)
        context |= parts | {"scope": scope}
    return render(request, "dashboard/map.html", context)


def _figures(viewer: Viewer, scope: Scope, period: Period) -> IndicatorsDocument:
    return dashboard_indicators(
        viewer,
        period=period,
        communities=scope.communities,
        programme_wide=scope.programme_wide,
        programme=scope.programme,
    )


def map_context(
    document: IndicatorsDocument, scope: Scope, figure_key: str, *, open_table: bool = False
) -> dict[str, Any]:
    """The maps of ``document``'s communities coloured by ``figure_key`` (one per group of
    countries, sharing one legend, as in the PDF), and their table alternative (each community
    with its value and a link to its profile). ``MAP_TILE_URL`` lays tiles under them in the
    browser."""
    figure = map_figure(figure_key)
    label = figure.label()
    locations = community_locations(scope.communities)
    rows = map_table(document, locations, figure_key)
    points = map_points(document, locations, figure_key, url_for=_profile_url)
    class_values = [point.value for point in points if point.value is not None]
    countries = dict(Country.choices)
    maps = [
        {
            "title": ", ".join(str(countries.get(code, code)) for code in group),
            "svg": community_map(
                group_points,
                title=_("Map of the communities: %(figure)s") % {"figure": label},
                legend_title=_("%(figure)s in the period") % {"figure": label},
                countries=sorted(set(group) & COUNTRY_FILES.keys()),
                no_data_label=_("no data"),
                tile_url=settings.MAP_TILE_URL,
                tile_attribution=settings.MAP_TILE_ATTRIBUTION,
                class_values=class_values,
            ),
        }
        for group, group_points in map_groups(document, points)
    ]
    drawn = {
        "maps": maps,
        "figure": label,
        "rows": [{"row": row, "url": _profile_url(row.id)} for row in rows],
        "not_drawn": not_on_map(rows),
    }
    # Rendered here, so a cached page does not lay out a row per community again.
    html = render_to_string("dashboard/map_figure.html", {"map": drawn, "open_table": open_table})
    return drawn | {"html": html}


def _profile_url(community_id: int) -> str:
    return reverse("dashboard:community", args=[community_id])


def _remember(
    page: str, viewer: Viewer, scope: Scope, period: Period, figure_key: str, compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """A page's parts drawn once per data version, scope, period, figure, language, user (the
    links and what may be seen are the user's) and tile server: a cached period answers without
    drawing again."""
    figures = indicators_key(
        period=period,
        communities=scope.communities,
        programme_wide=scope.programme_wide,
        programme=scope.programme,
    )
    user = getattr(viewer.user, "pk", None)
    tiles = f"{settings.MAP_TILE_URL}|{settings.MAP_TILE_ATTRIBUTION}"
    key = hashlib.sha256(f"dashboard:1|{page}|{figures}|{viewer.role}|{user}|{figure_key}|{tiles}".encode())
    return remember(key.hexdigest(), compute)


def dashboard_context(viewer: Viewer, scope: Scope, period: Period, figure_key: str) -> dict[str, Any]:
    """Everything the dashboard shows for ``scope`` and ``period``: the headline figures (with
    their change and, for a whole programme, their target), the charts with their tables, the
    newest serious incidents and the map coloured by ``figure_key``; drawn once per data version."""
    parts = _remember(
        "home", viewer, scope, period, figure_key, lambda: _dashboard_parts(viewer, scope, period, figure_key)
    )
    return parts | {"scope": scope}


def _dashboard_parts(viewer: Viewer, scope: Scope, period: Period, figure_key: str) -> dict[str, Any]:
    document = _figures(viewer, scope, period)
    links = RecordLinks(viewer, scope, period)
    names = labels()
    return {
        "map": map_context(document, scope, figure_key),
        "document": document,
        "period": period,
        "period_label": period_label(period),
        "previous_label": period_label(period.previous()),
        "headline": _headline(document, scope, period, links),
        "results": _results(scope, period),
        "over_time": _over_time(scope, period, links),
        "incident_chart": _incident_chart(document, names),
        "assessment_chart": _assessment_chart(document, names),
        "participant_chart": _participant_chart(document, names),
        "incidents": [
            {"incident": incident, "link": links.incident(incident.pk)}
            for incident in serious_incidents(viewer, scope, period)
        ],
        "incidents_link": links.incidents(),
    }


def _targets(scope: Scope, period: Period, document: IndicatorsDocument) -> dict[str, Any]:
    """The programme's indicators computed from a headline figure, by that figure's path, when
    the dashboard shows the whole programme (the figures its targets are set for)."""
    programme = scope.programme
    if programme is None or not scope.is_whole_programme or not period_in_programme(programme, period):
        return {}
    if not scope.programme_wide:
        return {}
    return {row.indicator.figure: row for row in programme_results(programme, period, document=document)}


def _headline(document: IndicatorsDocument, scope: Scope, period: Period, links: RecordLinks) -> list[dict]:
    names = headline_labels()
    targets = _targets(scope, period, document)
    rows = []
    for (key, section, name), figure in zip(HEADLINE, document["headline"], strict=True):
        kind = HEADLINE_KINDS.get(key, "count")
        row = figure_row(names[key], figure, kind, key=key, link=links.headline(key))
        result = targets.get(f"{section}.{name}")
        if result is not None and result.target is not None:
            target = result.target
            row["target"] = fmt_percent(target) if kind == "rate" else fmt_number(target, 1 if kind == "days" else 0)
            row["achieved"] = result.percent_achieved
            row["status"] = result.status
            row["status_label"] = STATUS_LABELS.get(result.status or "", "")
        rows.append(row)
    return rows


def _results(scope: Scope, period: Period) -> dict[str, Any] | None:
    """The chosen programme's results against its targets, counted by status (its Results page
    has the rows)."""
    programme = scope.programme
    if programme is None or not period_in_programme(programme, period):
        return None
    return {"programme": programme, "period": period}


def _over_time(scope: Scope, period: Period, links: RecordLinks) -> dict[str, Any]:
    series = event_series(scope, half_years_up_to(period, SERIES_HALF_YEARS))
    rows = [(period_label(item.period), item.events, item.participants) for item in series]
    return {
        "rows": [
            {"label": label, "events": fmt_number(events), "participants": fmt_number(participants)}
            for label, events, participants in rows
        ],
        "chart": charts.paired_bar_chart(
            rows,
            title=_("Outreach events and participants by half-year"),
            series=(_("Events"), _("Participants")),
            fmt=fmt_number,
            label_width=150,
        )
        if any(events or participants for _label, events, participants in rows)
        else "",
        "link": links.events(),
    }


def _incident_chart(document: IndicatorsDocument, names: dict) -> dict[str, Any]:
    """Incidents of the period by category, split by their status today (as in the PDF)."""
    incidents = document["incidents"]
    status_keys = list(IncidentStatus.values)
    rows = [
        (names["category"][category], [statuses[status]["current"] for status in status_keys])
        for category, statuses in incidents["by_category_status_now"].items()
        if incidents["by_category"][category]["current"]
    ]
    statuses = [names["status"][status] for status in status_keys]
    return {
        "statuses": statuses,
        "rows": [
            {"label": label, "values": [fmt_number(value) for value in values], "total": fmt_number(sum(values))}
            for label, values in rows
        ],
        "chart": charts.stacked_bar_chart(
            rows, title=_("Incidents by category and status"), series=statuses, fmt=fmt_number
        )
        if rows
        else "",
    }


def _assessment_chart(document: IndicatorsDocument, names: dict) -> dict[str, Any]:
    dimensions = document["assessments"]["dimensions"]
    has_scores = any(score["current"] is not None or score["previous"] is not None for score in dimensions.values())
    return {
        "rows": [score_row(names["dimension"][name], score) for name, score in dimensions.items()],
        "chart": charts.score_chart(
            [(names["dimension"][name], score["previous"], score["current"]) for name, score in dimensions.items()],
            title=_("Safety assessment: now and in the previous period"),
            series=(document["previous_period"]["code"], document["period"]["code"]),
            fmt=lambda value: fmt_number(value, 2),
        )
        if has_scores
        else "",
    }


def _participant_chart(document: IndicatorsDocument, names: dict) -> dict[str, Any]:
    breakdown = document["events"]["participant_breakdown"]
    total = document["events"]["participants"]["current"] or 0
    rows = [(names["participants"][group], breakdown[group]["current"] or 0) for group in PARTICIPANT_BREAKDOWN]
    return {
        "rows": [
            figure_row(label, breakdown[group])
            for (label, _value), group in zip(rows, PARTICIPANT_BREAKDOWN, strict=True)
        ],
        "total": fmt_number(total),
        "chart": charts.bar_chart(
            rows,
            title=_("Participants by group"),
            fmt=lambda value: (
                f"{fmt_number(value)} ({fmt_percent((value or 0) / total)})" if total else fmt_number(value)
            ),
            label_width=180,
        )
        if total
        else "",
    }
