"""Writes that carry the rules of a community's partnership with the programme, and of safety
assessments with the instruments they use."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from api.changes import bulk_written, touch
from communities.models import (
    FIRST_INSTRUMENT,
    OVERLAP_MESSAGE,
    AssessmentDimension,
    AssessmentInstrument,
    AssessmentScore,
    Community,
    DimensionGroup,
    LeaveReason,
    PartnerOrganisation,
    Partnership,
    Region,
    SafetyAssessment,
    periods_overlap,
)


def community_touch(*, community_ids: Iterable[int]) -> None:
    """Count the communities as changed for the API's incremental sync (``updated_at``) when what
    the API shows of them changes without a change of their own row: their partnerships (the
    ``partnerships`` and ``is_partner`` of ``communities/``). No history entry: nothing of the
    community itself changed."""
    touch(Community, community_ids)


@transaction.atomic
def community_save(*, community: Community) -> Community:
    """Save ``community`` as edited. A new name or region changes what the API shows of every
    record in it (``community_name``, ``region``), so those records count as changed for the
    incremental sync too."""
    before = Community.objects.filter(pk=community.pk).values("name", "region_id").first()
    community.save()
    if before is not None and (before["name"], before["region_id"]) != (community.name, community.region_id):
        records_in_community_touch(community=community)
    return community


@transaction.atomic
def region_save(*, region: Region, actor: User) -> Region:
    """Save ``region`` as edited, checked as the admin's form checks it (one name per country).
    ``actor`` is who saves it; regions keep no history of their own."""
    region.full_clean()
    region.save()
    return region


def records_in_community_touch(*, community: Community) -> None:
    """Mark every record that belongs to ``community`` (a ``community`` foreign key) as changed,
    without a history entry: nothing of the records themselves changed. The apps above this one
    are found through the relations, so this app imports none of them."""
    for relation in Community._meta.related_objects:
        model = relation.related_model
        if relation.many_to_many or relation.field.name != "community":
            continue
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            touch(model, model._default_manager.filter(community=community).values_list("pk", flat=True))


@transaction.atomic
def partnership_start(*, community: Community, joined_on: date, note: str = "") -> Partnership:
    """Open a partnership period for ``community``. Fails if one is already open or the period
    overlaps an earlier one."""
    partnership = Partnership(community=community, joined_on=joined_on, note=note)
    partnership.full_clean()
    partnership.save()
    community_touch(community_ids=[community.pk])
    return partnership


@transaction.atomic
def partnership_end(*, community: Community, left_on: date, reason: LeaveReason, note: str = "") -> Partnership:
    """Close the open partnership of ``community`` on ``left_on`` for ``reason``."""
    partnership = Partnership.objects.select_for_update().filter(community=community, left_on__isnull=True).first()
    if partnership is None:
        raise ValidationError(_("%(community)s has no open partnership to end.") % {"community": community})
    partnership.left_on = left_on
    partnership.leave_reason = reason
    if note:
        partnership.note = f"{partnership.note}\n{note}".strip()
    partnership.full_clean()
    partnership.save()
    community_touch(community_ids=[community.pk])
    return partnership


def partnership_periods_errors(periods: Sequence[tuple[date, date | None]]) -> dict[int, dict[str, str]]:
    """The errors of a community's partnership periods taken together, as typed on its page before
    any is saved (``Partnership.clean`` compares a period only with the saved ones): at most one
    open period, and none overlapping another. Keyed by the period's index, then by field."""
    errors: dict[int, dict[str, str]] = {}
    order = sorted(range(len(periods)), key=lambda index: periods[index][0])
    open_seen = False
    for position, index in enumerate(order):
        left_on = periods[index][1]
        if left_on is None:
            if open_seen:
                errors[index] = {
                    "left_on": _("Only one partnership period of a community can be open (without a leaving date).")
                }
                continue
            open_seen = True
        if any(periods_overlap(periods[index], periods[earlier]) for earlier in order[:position]):
            errors[index] = {"joined_on": str(OVERLAP_MESSAGE)}
    return errors


@transaction.atomic
def partnership_save(*, partnership: Partnership) -> Partnership:
    """Save a partnership period as edited (the admin's form has validated it); its community,
    and the one it was moved from, count as changed."""
    previous = Partnership.objects.filter(pk=partnership.pk).values_list("community_id", flat=True).first()
    partnership.save()
    community_touch(community_ids=[partnership.community_id, previous])  # type: ignore[list-item]  # None is skipped
    return partnership


@transaction.atomic
def partnership_delete(*, partnerships: QuerySet[Partnership]) -> int:
    """Delete partnership periods; their communities count as changed."""
    rows = list(partnerships.values_list("pk", "community_id"))
    deleted, _details = Partnership.objects.filter(pk__in=[pk for pk, _community in rows]).delete()
    community_touch(community_ids=[community for _pk, community in rows])
    return deleted


@transaction.atomic
def partner_organisation_save(*, organisation: PartnerOrganisation, actor: User) -> PartnerOrganisation:
    """Save a partner organisation as edited, checked as the admin's form checks it (a unique
    name, a valid website). ``actor`` is who saves it; its coverage is
    :func:`partner_organisation_cover`'s."""
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def partner_organisation_cover(
    *, organisation: PartnerOrganisation, communities: Iterable[Community], actor: User
) -> int:
    """Add ``communities`` to those ``organisation`` covers, removing none; the number added.
    The change log hears of each through the many-to-many signal, so the organisation's API
    scope (and its feed) follows."""
    covered = set(organisation.communities.values_list("pk", flat=True))
    added = {community.pk: community for community in communities if community.pk not in covered}
    if added:
        organisation.communities.add(*added.values())
    return len(added)


# The first instrument's dimensions: code, group, and the name in Ukrainian, English, Czech and
# Russian. The data migration 0005 created the same rows for a database that had assessments.
FIRST_INSTRUMENT_NAME = "Community safety assessment"
FIRST_INSTRUMENT_DIMENSIONS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("perceived_safety", DimensionGroup.OTHER, "Відчуття безпеки", "Perceived safety", "Pocit bezpečí",
     "Ощущение безопасности"),
    ("trust_in_police", DimensionGroup.POLICE_COMMUNITY, "Довіра до поліції", "Trust in police",
     "Důvěra v policii", "Доверие к полиции"),
    ("police_interaction", DimensionGroup.POLICE_COMMUNITY, "Взаємодія поліції та громади",
     "Police-community interaction", "Spolupráce policie a obce", "Взаимодействие полиции и общины"),
    ("cohesion", DimensionGroup.COHESION, "Згуртованість громади", "Community cohesion", "Soudržnost obce",
     "Сплоченность общины"),
    ("stakeholder_communication", DimensionGroup.POTENTIAL, "Комунікація між зацікавленими сторонами",
     "Communication between stakeholders", "Komunikace mezi zúčastněnými stranami",
     "Коммуникация между заинтересованными сторонами"),
    ("inclusion", DimensionGroup.COHESION, "Інклюзія вразливих груп", "Inclusion of vulnerable groups",
     "Začleňování zranitelných skupin", "Инклюзия уязвимых групп"),
    ("infrastructure_safety", DimensionGroup.RISK, "Безпека інфраструктури", "Infrastructure safety",
     "Bezpečnost infrastruktury", "Безопасность инфраструктуры"),
)  # fmt: skip


def first_instrument_names() -> dict[str, str]:
    """The first instrument's dimension names in the active language, by code (its rows may not
    exist yet in an empty database: these are the names it is created with)."""
    column = {"uk": 2, "en": 3, "cs": 4, "ru": 5}.get((get_language() or "uk")[:2], 2)
    return {row[0]: row[column] or row[2] for row in FIRST_INSTRUMENT_DIMENSIONS}


@transaction.atomic
def assessment_first_instrument() -> AssessmentInstrument:
    """The first instrument (``FIRST_INSTRUMENT``), created with its seven dimensions (1 to 5,
    higher is better) if the database lacks it (a new portal, or one emptied)."""
    code, version = FIRST_INSTRUMENT
    instrument, created = AssessmentInstrument.objects.get_or_create(
        code=code, version=version, defaults={"name": FIRST_INSTRUMENT_NAME}
    )
    if created:
        for position, (dimension, group, name_uk, name_en, name_cs, name_ru) in enumerate(FIRST_INSTRUMENT_DIMENSIONS):
            AssessmentDimension.objects.create(
                instrument=instrument,
                code=dimension,
                group=group,
                name_uk=name_uk,
                name_en=name_en,
                name_cs=name_cs,
                name_ru=name_ru,
                scale_min=Decimal(1),
                scale_max=Decimal(5),
                position=position,
            )
    return instrument


@transaction.atomic
def instrument_new_version(*, instrument: AssessmentInstrument) -> AssessmentInstrument:
    """A copy of ``instrument`` with the next free version number of its code and the same
    dimensions, to change where the original is fixed (it has assessments). The original and its
    assessments stay as they are."""
    latest = AssessmentInstrument.objects.select_for_update().filter(code=instrument.code)
    next_version = (latest.aggregate(highest=Max("version"))["highest"] or 0) + 1
    copy = AssessmentInstrument.objects.create(
        code=instrument.code,
        version=next_version,
        name=instrument.name,
        programme=instrument.programme,
        description=instrument.description,
    )
    AssessmentDimension.objects.bulk_create(
        AssessmentDimension(
            instrument=copy,
            code=dimension.code,
            name_uk=dimension.name_uk,
            name_en=dimension.name_en,
            name_cs=dimension.name_cs,
            name_ru=dimension.name_ru,
            group=dimension.group,
            scale_min=dimension.scale_min,
            scale_max=dimension.scale_max,
            direction=dimension.direction,
            position=dimension.position,
        )
        for dimension in instrument.dimensions.all()
    )
    bulk_written(AssessmentDimension)
    return copy


@transaction.atomic
def assessment_record(
    *,
    community: Community,
    year: int,
    half: int,
    assessed_on: date,
    respondents: int,
    instrument: AssessmentInstrument,
    scores: Mapping[str, Decimal],
    identified_risks: str = "",
    safety_resources: str = "",
    method: str = "",
) -> SafetyAssessment:
    """Record a community's assessment for a half-year with ``instrument``: ``scores`` by
    dimension code, each checked against its dimension's scale. Raises ``ValidationError`` (in
    the active language) for a score off its scale or a code the instrument lacks."""
    assessment = SafetyAssessment(
        community=community,
        year=year,
        half=half,
        assessed_on=assessed_on,
        respondents=respondents,
        instrument=instrument,
        identified_risks=identified_risks,
        safety_resources=safety_resources,
        method=method,
    )
    assessment.full_clean()
    assessment.save()
    dimensions = {dimension.code: dimension for dimension in instrument.dimensions.all()}
    unknown = sorted(set(scores) - set(dimensions))
    if unknown:
        raise ValidationError(
            _("The instrument %(instrument)s has no dimension %(codes)s.")
            % {"instrument": instrument, "codes": ", ".join(unknown)}
        )
    for code, value in scores.items():
        score = AssessmentScore(assessment=assessment, dimension=dimensions[code], value=value)
        score.full_clean()
        score.save()
    return assessment


@transaction.atomic
def assessment_update(*, assessment: SafetyAssessment, actor: User) -> SafetyAssessment:
    """Save an assessment's own fields as edited (its scores are :func:`assessment_score_save`'s),
    checked as the admin's form checks it: its programme on the date, and no change of instrument
    once it has scores."""
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def assessment_score_save(*, score: AssessmentScore) -> AssessmentScore:
    """Save an assessment's score as typed (checked on its dimension's scale); the assessment
    counts as changed for the API's incremental sync, which shows its scores."""
    score.full_clean()
    score.save()
    touch(SafetyAssessment, [score.assessment_id])
    return score


@transaction.atomic
def assessment_score_delete(*, score: AssessmentScore) -> None:
    """Remove a score; its assessment counts as changed."""
    assessment_id = score.assessment_id
    score.delete()
    touch(SafetyAssessment, [assessment_id])
