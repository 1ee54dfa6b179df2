"""The programme's geography and partners: regions, communities, their partnership history,
partner organisations with the communities they cover, and safety assessments with their scores.

An assessment's sheet is wide: one column per dimension scored, headed by the dimension's code or
its name in any of the four languages, beside the assessment's own columns. Which dimensions
exist is data (staff configure instruments), so :attr:`Assessments.columns` is a property read
from the current instruments' dimensions (the latest version of each code) each time it is asked
for: a new dimension needs no deploy, and the template offers it at once. A score column's header
matches its dimension by code, so two instruments sharing a code share the column; a score in a
column the row's instrument lacks is rejected. The long format (one row per score) was the
alternative: it would repeat the assessment's fields on every row and let rows of one assessment
disagree, where the wide one is the table people already keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from communities.models import (
    FIRST_INSTRUMENT,
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Community,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
)
from communities.services import (
    FIRST_INSTRUMENT_DIMENSIONS,
    assessment_first_instrument,
    assessment_record,
    assessment_score_save,
    assessment_update,
    community_save,
    partner_organisation_cover,
    partner_organisation_save,
    partnership_end,
    partnership_save,
    partnership_start,
    region_save,
)
from imports.cells import (
    CellError,
    normalise_header,
    normalise_name,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
)
from imports.specs import (
    Column,
    Lookups,
    RecordType,
    RowRejected,
    choice_column,
    community_columns,
    field_column,
    register,
    resolve_community,
    text_cell,
)

# The key under which :meth:`RecordType.resolve` hands the import's lookups on to ``create()``,
# which the framework calls without them.
LOOKUPS = "_lookups"
SCORE_PREFIX = "score_"
# "Name (Region)" in a list of communities: the region tells apart two communities of one name.
NAME_AND_REGION = re.compile(r"^(?P<name>.+?)\s*\((?P<region>[^()]+)\)$")
LIST_SEPARATORS = re.compile(r"[;\n\r]+")


def _same_name(candidates: Iterable[Any], name: str) -> Any:
    """The candidate whose name is ``name`` compared as names (case, apostrophes), or None."""
    wanted = normalise_name(name)
    return next((candidate for candidate in candidates if normalise_name(candidate.name) == wanted), None)


@register
class Regions(RecordType):
    key = "regions"
    label = _lazy("regions")
    model = Region
    columns = (
        field_column(Region, "name", text_cell(120), required=True, help=_lazy("The oblast, kraj or province.")),
        choice_column(Region, "country", required=True, help=_lazy("The country's name or its code (UA, CZ...).")),
    )

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["country"], normalise_name(values["name"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        found: Region | None = _same_name(Region.objects.filter(country=values["country"]), values["name"])
        return found

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        fields.pop("name")  # found by its name: a variant spelling is the same region
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        return region_save(region=Region(name=values["name"], country=values["country"]), actor=actor)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Region)
        return region_save(region=instance, actor=actor)


def find_region(name: str, country: str) -> Region:
    """The region called ``name`` (as names compare), in ``country`` when given; CellError saying
    what is missing: no such region (it is imported first, never made up), or one name in two
    countries."""
    regions = Region.objects.filter(country=country) if country else Region.objects.all()
    wanted = normalise_name(name)
    found = [region for region in regions if normalise_name(region.name) == wanted]
    if len(found) == 1:
        return found[0]
    if found:
        raise CellError(
            _("%(count)d countries have a region called “%(name)s”: add a “Country” column to tell them apart.")
            % {"count": len(found), "name": name}
        )
    raise CellError(
        _("No region is called “%(name)s”: check the spelling, or import the region first (record type “%(kind)s”).")
        % {"name": name, "kind": Regions.label}
    )


@register
class Communities(RecordType):
    key = "communities"
    label = _lazy("communities")
    model = Community
    columns = (
        field_column(Community, "name", text_cell(120), required=True),
        field_column(
            Community,
            "region",
            text_cell(120),
            required=True,
            help=_lazy("The region's name as in the portal. A region the portal lacks is imported first."),
        ),
        choice_column(
            Region, "country", default="", help=_lazy("Only needed when two countries have a region of that name.")
        ),
        choice_column(
            Community,
            "kind",
            default=None,
            help=_lazy("Empty: a hromada for a new community; an existing one keeps its kind."),
        ),
        field_column(Community, "population", parse_int, help=_lazy("A whole number; spaces between thousands do.")),
        field_column(
            Community,
            "latitude",
            lambda value: parse_decimal(value, places=5),
            help=_lazy("In degrees, e.g. 50,4501 or 50.4501; -90 to 90."),
        ),
        field_column(
            Community,
            "longitude",
            lambda value: parse_decimal(value, places=5),
            help=_lazy("In degrees, e.g. 30,5234 or 30.5234; -180 to 180."),
        ),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        values = dict(values)
        try:
            values["region"] = find_region(values["region"], values.pop("country", "") or "")
        except CellError as error:
            raise RowRejected({"region": str(error)}) from error
        values[LOOKUPS] = lookups
        return values

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["region"].pk, normalise_name(values["name"]))

    def find(self, values: dict[str, Any]) -> Model | None:
        found: Community | None = _same_name(Community.objects.filter(region=values["region"]), values["name"])
        return found

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        fields.pop("name")  # found by its name: a variant spelling is the same community
        if fields.get("kind") is None:
            fields.pop("kind", None)
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        community = Community(name=values["name"], region=values["region"])
        for name, value in self.fields(values).items():
            setattr(community, name, value)
        community.full_clean()
        community._history_user = actor  # type: ignore[attr-defined]  # simple_history's way
        community_save(community=community)
        values[LOOKUPS].community_added(community)
        return community

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Community)
        instance.full_clean()
        instance._history_user = actor  # type: ignore[attr-defined]
        return community_save(community=instance)

    def describe(self, values: dict[str, Any]) -> str:
        return " · ".join(str(values[name]) for name in ("name", "region") if values.get(name))


@register
class Partnerships(RecordType):
    key = "partnerships"
    label = _lazy("partnership history")
    model = Partnership
    columns = (
        *community_columns(),
        field_column(Partnership, "joined_on", parse_date, required=True, help=_lazy("DD.MM.YYYY or YYYY-MM-DD.")),
        field_column(
            Partnership, "left_on", parse_date, help=_lazy("Empty while the community is a partner; then a reason.")
        ),
        choice_column(Partnership, "leave_reason", default="", help=_lazy("Only with a leaving date.")),
        field_column(Partnership, "note", text_cell(), default=""),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        return resolve_community(values, lookups)

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["community"].pk, values["joined_on"])

    def find(self, values: dict[str, Any]) -> Model | None:
        return Partnership.objects.filter(community=values["community"], joined_on=values["joined_on"]).first()

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        if values.get("left_on") is None and not values.get("leave_reason"):
            return partnership_start(
                community=values["community"], joined_on=values["joined_on"], note=values.get("note", "")
            )
        # partnership_start would take a closed period for an open one, overlapping every later
        # period (and drop a reason given without a date): such a row is saved whole, with the
        # same checks.
        partnership = Partnership(
            community=values["community"],
            joined_on=values["joined_on"],
            left_on=values["left_on"],
            leave_reason=values.get("leave_reason", ""),
            note=values.get("note", ""),
        )
        partnership.full_clean()
        return partnership_save(partnership=partnership)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, Partnership)
        saved = Partnership.objects.filter(pk=instance.pk).values("left_on", "note").get()
        if saved["left_on"] is None and instance.left_on is not None and instance.note == saved["note"]:
            return partnership_end(
                community=instance.community,
                left_on=instance.left_on,
                reason=instance.leave_reason,  # type: ignore[arg-type]  # a LeaveReason value
            )
        instance.full_clean()
        return partnership_save(partnership=instance)

    def describe(self, values: dict[str, Any]) -> str:
        parts = [values.get("community"), values.get("joined_on"), values.get("left_on")]
        return " · ".join(str(part) for part in parts if part not in (None, ""))


def _community_list(value: Any) -> tuple[str, ...]:
    names = tuple(name.strip() for name in LIST_SEPARATORS.split(parse_text(value)) if name.strip())
    for name in names:
        if len(name) > 120:
            raise CellError(_("“%(name)s…” is longer than a community's name can be.") % {"name": name[:40]})
    return names


def _covered_community(text: str, lookups: Lookups) -> Community:
    """A community of a coverage list: its name, its code, or "Name (Region)"."""
    try:
        found: Community = lookups.community(text)
        return found
    except CellError:
        match = NAME_AND_REGION.match(text)
        if match is None:
            raise
        found = lookups.community(match["name"], match["region"])
        return found


@register
class PartnerOrganisations(RecordType):
    key = "partner-organisations"
    label = _lazy("partner organisations")
    model = PartnerOrganisation
    columns = (
        field_column(PartnerOrganisation, "name", text_cell(200), required=True),
        field_column(PartnerOrganisation, "short_name", text_cell(40), default=""),
        choice_column(
            PartnerOrganisation, "country", required=True, help=_lazy("The country's name or its code (UA, CZ...).")
        ),
        field_column(
            PartnerOrganisation, "website", text_cell(200), default="", help=_lazy("Its address, https://...")
        ),
        field_column(PartnerOrganisation, "is_active", parse_bool, default=True, help=_lazy("Yes or no; empty: yes.")),
        field_column(
            PartnerOrganisation,
            "communities",
            _community_list,
            default=(),
            help=_lazy(
                "Names of the communities it covers, separated by “;” or on separate lines; a name two "
                "regions share as “Name (Region)”, or the community's code. They are added to the "
                "communities it already covers: none is removed (that is done in the admin)."
            ),
        ),
    )

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        covered: list[Community] = []
        for name in values.get("communities", ()):
            try:
                covered.append(_covered_community(name, lookups))
            except CellError as error:
                raise RowRejected({"communities": str(error)}) from error
        return {**values, "communities": covered}

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (normalise_name(values["name"]),)

    def find(self, values: dict[str, Any]) -> Model | None:
        found: PartnerOrganisation | None = _same_name(PartnerOrganisation.objects.all(), values["name"])
        return found

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        fields = super().fields(values)
        fields.pop("name")  # found by its name: a variant spelling is the same organisation
        fields.pop("communities", None)  # the coverage is related(), added to
        return fields

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        organisation = PartnerOrganisation(name=values["name"], **self.fields(values))
        return partner_organisation_save(organisation=organisation, actor=actor)

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, PartnerOrganisation)
        return partner_organisation_save(organisation=instance, actor=actor)

    def related(self, instance: Model, values: dict[str, Any], *, actor: User) -> bool:
        assert isinstance(instance, PartnerOrganisation)
        communities = values.get("communities") or []
        return (
            bool(communities)
            and partner_organisation_cover(organisation=instance, communities=communities, actor=actor) > 0
        )


@dataclass(frozen=True)
class ScoreColumn(Column):
    """A dimension's score: headed by the dimension's code as well as by its name."""

    code: str = ""

    def headers(self) -> set[str]:
        return super().headers() | {normalise_header(self.code), normalise_header(self.code.replace("_", " "))}


def _name_in_active_language(names: dict[str, str]) -> str:
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return names.get(language) or names["uk"] or names["en"]


_localized = lazy(_name_in_active_language, str)


def _parse_score(value: Any) -> Decimal:
    return parse_decimal(value, places=2)


def current_dimensions() -> dict[str, tuple[dict[str, str], str]]:
    """Each dimension code of the current instruments (the latest version of each code), with its
    names by language and its scale; the first instrument's as it will be made when the database
    lacks it (an assessment without an instrument gets it)."""
    latest: dict[str, int] = {}
    for code, version in AssessmentInstrument.objects.values_list("code", "version"):
        latest[code] = max(version, latest.get(code, 0))
    dimensions: dict[str, tuple[dict[str, str], str]] = {}
    current = AssessmentDimension.objects.filter(instrument__code__in=latest).select_related("instrument")
    for dimension in current.order_by("instrument__code", "position", "code"):
        if dimension.instrument.version != latest[dimension.instrument.code] or dimension.code in dimensions:
            continue
        names = {language: getattr(dimension, f"name_{language}") for language in ("uk", "en", "cs", "ru")}
        dimensions[dimension.code] = (names, dimension.scale_text())
    if FIRST_INSTRUMENT[0] not in latest:
        for code, _group, *translations in FIRST_INSTRUMENT_DIMENSIONS:
            dimensions.setdefault(code, (dict(zip(("uk", "en", "cs", "ru"), translations, strict=True)), "1–5"))
    return dimensions


@register
class Assessments(RecordType):
    key = "assessments"
    label = _lazy("safety assessments")
    model = SafetyAssessment
    ASSESSMENT_COLUMNS = (
        *community_columns(),
        field_column(
            SafetyAssessment, "year", lambda value: parse_int(value, minimum=2000, maximum=2100), required=True
        ),
        choice_column(SafetyAssessment, "half", required=True, help=_lazy("1 or 2, or the half-year's months.")),
        field_column(
            SafetyAssessment, "assessed_on", parse_date, required=True, help=_lazy("DD.MM.YYYY or YYYY-MM-DD.")
        ),
        field_column(SafetyAssessment, "respondents", lambda value: parse_int(value, minimum=1), required=True),
        choice_column(SafetyAssessment, "method", default=""),
        field_column(SafetyAssessment, "identified_risks", text_cell(), default=""),
        field_column(SafetyAssessment, "safety_resources", text_cell(), default=""),
        field_column(
            SafetyAssessment,
            "instrument",
            text_cell(40),
            default="",
            help=_lazy(
                "The instrument's code (its latest version). Empty: the first instrument for a new "
                "assessment; an existing one keeps its instrument."
            ),
        ),
    )
    FIELDS = ("assessed_on", "respondents", "method", "identified_risks", "safety_resources", "instrument")

    @property
    def columns(self) -> Sequence[Column]:  # type: ignore[override]  # the dimensions are data: read when asked
        scores = [
            ScoreColumn(
                f"{SCORE_PREFIX}{code}",
                _localized(names),
                _parse_score,
                help=_("The score on this dimension, %(scale)s. Empty: no score (a score recorded stays).")
                % {"scale": scale},
                code=code,
            )
            for code, (names, scale) in current_dimensions().items()
        ]
        return (*self.ASSESSMENT_COLUMNS, *scores)

    def resolve(self, values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
        values = resolve_community(values, lookups)
        scores = {
            name.removeprefix(SCORE_PREFIX): value
            for name, value in values.items()
            if name.startswith(SCORE_PREFIX) and value is not None
        }
        values = {name: value for name, value in values.items() if not name.startswith(SCORE_PREFIX)}
        existing = self.find(values)
        values["instrument"] = self._instrument(values.get("instrument") or "", existing)
        dimensions = {dimension.code: dimension for dimension in values["instrument"].dimensions.all()}
        missing = {
            f"{SCORE_PREFIX}{code}": _("The instrument %(instrument)s has no such dimension: leave this cell empty.")
            % {"instrument": values["instrument"]}
            for code in scores
            if code not in dimensions
        }
        if missing:
            raise RowRejected(missing)
        values["scores"] = {dimensions[code]: value for code, value in scores.items()}
        return values

    def _instrument(self, code: str, existing: SafetyAssessment | None) -> AssessmentInstrument:
        if existing is not None and (not code or existing.instrument.code.casefold() == code.casefold()):
            return existing.instrument  # an older version it was recorded with stays
        if not code:
            return assessment_first_instrument()
        instrument = AssessmentInstrument.objects.filter(code__iexact=code).order_by("-version").first()
        if instrument is None:
            raise RowRejected({"instrument": _("No assessment instrument has the code %(code)s.") % {"code": code}})
        return instrument

    def natural_key(self, values: dict[str, Any]) -> tuple[Any, ...]:
        return (values["community"].pk, values["year"], values["half"])

    def find(self, values: dict[str, Any]) -> SafetyAssessment | None:
        same_period = SafetyAssessment.objects.filter(
            community=values["community"], year=values["year"], half=values["half"]
        )
        return same_period.select_related("instrument").first()

    def fields(self, values: dict[str, Any]) -> dict[str, Any]:
        return {name: values[name] for name in self.FIELDS if name in values}

    def create(self, values: dict[str, Any], *, actor: User) -> Model:
        # The scores are related()'s, each reported in its own column when off its scale.
        return assessment_record(
            community=values["community"],
            year=values["year"],
            half=values["half"],
            scores={},
            **self.fields(values),
        )

    def update(self, instance: Model, values: dict[str, Any], *, actor: User) -> Model:
        assert isinstance(instance, SafetyAssessment)
        return assessment_update(assessment=instance, actor=actor)

    def related(self, instance: Model, values: dict[str, Any], *, actor: User) -> bool:
        assert isinstance(instance, SafetyAssessment)
        recorded = {score.dimension_id: score for score in instance.scores.all()}
        changed = False
        for dimension, value in values["scores"].items():
            score = recorded.get(dimension.pk) or AssessmentScore(assessment=instance, dimension=dimension)
            if score.pk is not None and score.value == value:
                continue
            score.value = value
            try:
                assessment_score_save(score=score)
            except ValidationError as error:
                raise ValidationError({f"{SCORE_PREFIX}{dimension.code}": error.messages}) from error
            changed = True
        return changed

    def describe(self, values: dict[str, Any]) -> str:
        period = f"{values.get('year')}-H{values.get('half')}" if values.get("year") and values.get("half") else ""
        return " · ".join(str(part) for part in (values.get("community"), period) if part)
