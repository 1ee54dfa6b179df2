"""A programme's results framework in figures: the targets of its indicators per period and the
values staff report for the reported indicators."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import PartnerOrganisation, Region
from imports.cells import normalise_name, parse_decimal, parse_text
from imports.specs import Column, Lookups, RecordType, RowRejected, field_column, register, text_cell
from programmes.models import Indicator, Programme, ReportedValue, Target
from programmes.services import reported_value_save, target_save

# "2025 h1", "2025/H1", "H1 2025" and "2025-H1" are the same half-year.
HALF_YEAR = re.compile(r"^(?:(?P<year>\d{4})\s*[-/ ]?\s*H(?P<half>[12])|H(?P<half2>[12])\s*[-/ ]?\s*(?P<year2>\d{4}))$")


def parse_period(value: Any) -> str:
    """A period code as the model keeps it (2025, 2025-H1); anything else as typed, for the model's
    own message."""
    text = parse_text(value, max_length=20).upper()
    match = HALF_YEAR.match(text)
    if match:
        year = match.group("year") or match.group("year2")
        half = match.group("half") or match.group("half2")
        return f"{year}-H{half}"
    return text


def programme_by_code() -> Column:
    return Column(
        "programme",
        gettext_lazy("programme"),
        text_cell(20),
        required=True,
        help=gettext_lazy("The programme's code, e.g. ISN-2023."),
    )


def indicator_by_code_or_name() -> Column:
    return field_column(
        Target,
        "indicator",
        text_cell(300),
        required=True,
        help=gettext_lazy("The indicator's code in the programme (e.g. OP1.2a) or its name."),
    )


def period_column(model: type[Model]) -> Column:
    return field_column(model, "period", parse_period, required=True, help=gettext_lazy("2025, 2025-H1 or 2025-H2."))


def resolve_indicator(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the programme's code and the indicator's code or name turned into the
    indicator (the programme dropped)."""
    values = dict(values)
    code = values.pop("programme")
    programme = Programme.objects.filter(code__iexact=code).first()
    if programme is None:
        raise RowRejected({"programme": _("No programme has the code %(code)s.") % {"code": code}})
    wanted = values["indicator"]
    indicators = list(Indicator.objects.filter(result__programme=programme).select_related("result__programme"))
    found = [indicator for indicator in indicators if indicator.code.casefold() == wanted.casefold()]
    if not found:
        found = [indicator for indicator in indicators if normalise_name(indicator.name) == normalise_name(wanted)]
    if not found:
        raise RowRejected(
            {
                "indicator": _("Programme %(code)s has no indicator with the code or name “%(indicator)s”.")
                % {"code": programme.code, "indicator": wanted}
            }
        )
    if len(found) > 1:
        raise RowRejected({"indicator": _("Several indicators have this name: write the indicator's code instead.")})
    values["indicator"] = found[0]
    return values


@register
class Targets(RecordType):
    key = "targets"
    label = gettext_lazy("indicator targets")
    model = Target
    columns = (
        programme_by_code(),
        indicator_by_code_or_name(),
        period_column(Target),
        field_column(Target, "value", lambda value: parse_decimal(value, places=2), required=True),
        field_column(
            Target,
            "region",
            text_cell(120),
            default="",
            help=gettext_lazy("Empty for the whole programme; a region's name for that region's share."),
        ),
        field_column(
            Target,
            "partner",
            text_cell(200),
            default="",
            help=gettext_lazy("Empty for the whole programme; a partner organisation's name for its share."),
        ),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        values = resolve_indicator(values)
        region_name = values.get("region") or ""
        values["region"] = None
        if region_name:
            regions = [r for r in Region.objects.all() if normalise_name(r.name) == normalise_name(region_name)]
            if len(regions) != 1:
                raise RowRejected(
                    {
                        "region": _("No region is called “%(name)s”.") % {"name": region_name}
                        if not regions
                        else _("Several regions are called “%(name)s”.") % {"name": region_name}
                    }
                )
            values["region"] = regions[0]
        partner_name = values.get("partner") or ""
        values["partner"] = None
        if partner_name:
            wanted = normalise_name(partner_name)
            partner = next(
                (
                    p
                    for p in PartnerOrganisation.objects.all()
                    if wanted in (normalise_name(p.name), normalise_name(p.short_name or p.name))
                ),
                None,
            )
            if partner is None:
                raise RowRejected(
                    {"partner": _("No partner organisation is called “%(name)s”.") % {"name": partner_name}}
                )
            values["partner"] = partner
        return values

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        region, partner = values["region"], values["partner"]
        return (values["indicator"].pk, values["period"], region and region.pk, partner and partner.pk)

    def find(self, values: dict[str, Any]) -> Model | None:
        return Target.objects.filter(
            indicator=values["indicator"], period=values["period"], region=values["region"], partner=values["partner"]
        ).first()

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"value": values["value"]}  # the rest is what found the target

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return target_save(target=Target(**values))

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Target)
        return target_save(target=instance)

    def describe(self, values: dict[str, Any]) -> str:
        parts = [values.get("programme"), values.get("indicator"), values.get("period"), values.get("value")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))


@register
class ReportedValues(RecordType):
    key = "reported-values"
    label = gettext_lazy("reported indicator values")
    model = ReportedValue
    columns = (
        programme_by_code(),
        indicator_by_code_or_name(),
        period_column(ReportedValue),
        field_column(ReportedValue, "value", lambda value: parse_decimal(value, places=2), required=True),
        field_column(ReportedValue, "note", text_cell(), default=""),
        field_column(
            ReportedValue,
            "evidence_link",
            text_cell(500),
            default="",
            help=gettext_lazy("Where the value is shown (https://…); a library document is chosen in the admin."),
        ),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        return resolve_indicator(values)

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["indicator"].pk, values["period"])

    def find(self, values: dict[str, Any]) -> Model | None:
        return ReportedValue.objects.filter(indicator=values["indicator"], period=values["period"]).first()

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        for name in ("programme", "indicator", "period"):
            fields.pop(name, None)
        if not fields.get("evidence_link"):
            fields.pop("evidence_link", None)  # a value proven by a library document keeps it
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return reported_value_save(reported_value=ReportedValue(**values), actor=actor)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, ReportedValue)
        # A changed value or evidence is approved again (the service withdraws the approval).
        return reported_value_save(reported_value=instance, actor=actor)

    def describe(self, values: dict[str, Any]) -> str:
        parts = [values.get("programme"), values.get("indicator"), values.get("period"), values.get("value")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))
