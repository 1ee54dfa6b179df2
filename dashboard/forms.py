"""The dashboard's filter: a period and a scope, each offered only within the viewer's own scope."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from access.viewer import Viewer
from communities.models import Community, PartnerOrganisation, Region
from dashboard.selectors import (
    PeriodChoices,
    Scope,
    choosable_communities,
    choosable_partners,
    choosable_regions,
    dashboard_scope,
)
from programmes.models import Programme
from programmes.selectors import visible_programmes
from reports.indicators import Period
from reports.maps import DEFAULT_MAP_FIGURE, map_figure_choices


def period_label(period: Period) -> str:
    if period.is_annual:
        return str(period.year)
    return gettext("%(year)s, half-year %(half)s") % {"year": period.year, "half": period.half}


class PlainSelect(forms.Select):
    """A select drawn in Python rather than with a template per option: a national programme's
    list of communities has 1,500 options, which the option templates took 0.3 s to lay out."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = set(self.format_value(value))
        options = []
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            selected = " selected" if text in chosen else ""
            options.append(f'<option value="{escape(text)}"{selected}>{escape(label)}</option>')
        return mark_safe(f"<select{flatatt(final)}>{''.join(options)}</select>")


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.region.name})"


class DashboardFilterForm(forms.Form):
    """Read from the query string (GET): a wrong or out-of-scope value is a form error in the
    user's language, never figures of a scope the viewer may not see."""

    period = forms.ChoiceField(label=_("Period"), widget=PlainSelect)
    programme: forms.ModelChoiceField[Programme] = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=PlainSelect,
    )
    region: forms.ModelChoiceField[Region] = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All"), widget=PlainSelect
    )
    partner: forms.ModelChoiceField[PartnerOrganisation] = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=PartnerOrganisation.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=PlainSelect,
    )
    community = CommunityChoiceField(
        label=_("Community"),
        queryset=Community.objects.none(),
        required=False,
        empty_label=_("All"),
        widget=PlainSelect,
    )

    figure = forms.ChoiceField(label=_("The map shows"), widget=PlainSelect)

    def __init__(self, data: Any, *, viewer: Viewer, periods: PeriodChoices) -> None:
        # Without a period (or a map figure) in the query, the default one (the rest of the query
        # still applies).
        values = data.copy()
        if not values.get("period"):
            values["period"] = periods.default.code
        if not values.get("figure"):
            values["figure"] = DEFAULT_MAP_FIGURE
        super().__init__(values)
        self.viewer = viewer
        self.periods = periods
        fields = self.fields
        cast(forms.ChoiceField, fields["period"]).choices = [
            (period.code, period_label(period)) for period in periods.periods
        ]
        cast(forms.ChoiceField, fields["figure"]).choices = map_figure_choices()
        querysets: dict[str, QuerySet[Any]] = {
            "programme": visible_programmes(viewer).order_by("code"),
            "region": choosable_regions(viewer),
            "partner": choosable_partners(viewer),
            "community": choosable_communities(viewer),
        }
        for name, queryset in querysets.items():
            cast(forms.ModelChoiceField, fields[name]).queryset = queryset

    def clean_period(self) -> Period:
        return Period.parse(self.cleaned_data["period"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        community, region, partner = cleaned.get("community"), cleaned.get("region"), cleaned.get("partner")
        if community is not None and region is not None and community.region_id != region.pk:
            self.add_error("community", gettext("This community is not in the region chosen."))
        if community is not None and partner is not None and not partner.communities.filter(pk=community.pk).exists():
            self.add_error("community", gettext("The partner organisation chosen does not cover this community."))
        return cleaned

    def scope(self) -> Scope:
        """The scope asked for (the form must be valid)."""
        data = self.cleaned_data
        return dashboard_scope(
            self.viewer,
            programme=data.get("programme"),
            region=data.get("region"),
            partner=data.get("partner"),
            community=data.get("community"),
        )

    def scope_fields(self) -> list[forms.BoundField]:
        """The period and scope fields (the map's figure has its place beside the map)."""
        return [self[name] for name in self.fields if name != "figure"]

    def query(self) -> str:
        """The form's values as a query string (to open the same view on another page)."""
        return urlencode({name: self.data.get(name, "") for name in self.fields if self.data.get(name)})
