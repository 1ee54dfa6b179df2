"""The data migration that gives every existing activity record a programme, written once for the
migrations of ``negotiators``, ``training``, ``incidents`` and ``communities``. It works on the
historical models of ``apps.get_model`` only: a migration never imports live models."""

from collections.abc import Callable
from datetime import date
from typing import Any

# The models to attribute: (app label, model, community field, function giving the record's date).
DateOf = Callable[[Any], date]


def _as_date(value: Any) -> date:
    from django.utils import timezone

    if hasattr(value, "hour"):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def attribute_records(
    apps: Any, schema_editor: Any, app_label: str, model_name: str, community_field: str, date_field: str
) -> None:
    """Attribute every row of ``app_label.model_name`` without a programme: to the programme its
    community takes part in on the record's date (the most recently started if several), else to
    the earliest programme. When rows exist and no programme does, create one (code ``MAIN``)
    covering the records, with a participation for every community involved. No row is lost."""
    model = apps.get_model(app_label, model_name)
    programme_model = apps.get_model("programmes", "Programme")
    participation_model = apps.get_model("programmes", "Participation")
    rows = model.objects.filter(programme__isnull=True).order_by("pk")
    if not rows.exists():
        return
    if not programme_model.objects.exists():
        _create_main_programme(apps, programme_model, participation_model)
    earliest = programme_model.objects.order_by("starts_on", "pk").first()
    # As programmes.models.ParticipationQuerySet.taking_part: a period counts while its programme runs.
    periods: dict[int, list[tuple[date, date, date, int]]] = {}
    for joined_on, left_on, community_id, starts_on, ends_on, programme_id in participation_model.objects.values_list(
        "joined_on", "left_on", "community_id", "programme__starts_on", "programme__ends_on", "programme_id"
    ):
        first, last = max(joined_on, starts_on), min(left_on or ends_on, ends_on)
        periods.setdefault(community_id, []).append((first, last, starts_on, programme_id))
    running = list(programme_model.objects.values_list("starts_on", "ends_on", "pk"))
    for row in rows.iterator(chunk_size=2000):
        day = _as_date(getattr(row, date_field))
        community_id = getattr(row, f"{community_id_name(community_field)}")
        if community_id is None:
            candidates = [(starts_on, pk) for starts_on, ends_on, pk in running if starts_on <= day <= ends_on]
        else:
            candidates = [
                (starts_on, programme_id)
                for first, last, starts_on, programme_id in periods.get(community_id, [])
                if first <= day <= last
            ]
        programme_id = max(candidates)[1] if candidates else earliest.pk
        model.objects.filter(pk=row.pk).update(programme_id=programme_id)
    if schema_editor.connection.vendor == "postgresql":
        # The column becomes NOT NULL next, in the same transaction: PostgreSQL refuses to alter a
        # table with deferred foreign-key checks pending, so run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def community_id_name(community_field: str) -> str:
    return f"{community_field}_id"


# Every model attributed, with its community field and its date field: the MAIN programme covers
# all of them.
ACTIVITIES: list[tuple[str, str, str, str]] = [
    ("negotiators", "OutreachEvent", "community", "date"),
    ("negotiators", "MediaMention", "community", "published_on"),
    ("training", "TrainingSession", "host_community", "starts_on"),
    ("incidents", "Incident", "community", "occurred_at"),
    ("communities", "Engagement", "community", "starts_on"),
    ("communities", "SafetyAssessment", "community", "assessed_on"),
]


def _create_main_programme(apps: Any, programme_model: Any, participation_model: Any) -> None:
    days: list[date] = []
    communities: dict[int, date] = {}
    for app_label, model_name, community_field, date_field in ACTIVITIES:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        for community_id, value in model.objects.values_list(community_id_name(community_field), date_field):
            day = _as_date(value)
            days.append(day)
            if community_id is not None:
                communities[community_id] = min(day, communities.get(community_id, day))
    start, end = min(days), max(days)
    # A programme ends after it starts (a constraint): run it to the end of the last record's year.
    end = date(end.year, 12, 31) if end < date(end.year, 12, 31) else date(end.year + 1, 1, 1)
    programme = programme_model.objects.create(
        code="MAIN",
        name="Programme",
        name_en="Programme",
        implementing_organisation="",
        starts_on=start,
        ends_on=end,
        countries=[],
        currency="EUR",
        budget=0,
        status="active",
    )
    for community_id in communities:
        participation_model.objects.create(programme=programme, community_id=community_id, joined_on=start)
