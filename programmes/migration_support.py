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
    community takes part in on the record's date (the most recently started if several; for a
    record without a community, a programme running that day). A record no programme holds goes
    to the programme ``MAIN``, created or widened to cover it, its community taking part in it:
    every record keeps an attribution the portal's own rules accept. No row is lost."""
    model = apps.get_model(app_label, model_name)
    programme_model = apps.get_model("programmes", "Programme")
    participation_model = apps.get_model("programmes", "Participation")
    rows = model.objects.filter(programme__isnull=True).order_by("pk")
    if not rows.exists():
        return
    # As programmes.models.ParticipationQuerySet.taking_part: a period counts while its programme runs.
    periods: dict[int, list[tuple[date, date, date, int]]] = {}
    # MAIN only takes what no other programme holds, whichever app's migration created it first.
    participations = participation_model.objects.exclude(programme__code="MAIN")
    for joined_on, left_on, community_id, starts_on, ends_on, programme_id in participations.values_list(
        "joined_on", "left_on", "community_id", "programme__starts_on", "programme__ends_on", "programme_id"
    ):
        first, last = max(joined_on, starts_on), min(left_on or ends_on, ends_on)
        periods.setdefault(community_id, []).append((first, last, starts_on, programme_id))
    running = list(programme_model.objects.exclude(code="MAIN").values_list("starts_on", "ends_on", "pk"))
    left_over: list[tuple[int, date, int | None]] = []
    for row in rows.iterator(chunk_size=2000):
        day = _as_date(getattr(row, date_field))
        community_id = getattr(row, community_id_name(community_field))
        if community_id is None:
            candidates = [(starts_on, pk) for starts_on, ends_on, pk in running if starts_on <= day <= ends_on]
        else:
            candidates = [
                (starts_on, programme_id)
                for first, last, starts_on, programme_id in periods.get(community_id, [])
                if first <= day <= last
            ]
        if candidates:
            model.objects.filter(pk=row.pk).update(programme_id=max(candidates)[1])
        else:
            left_over.append((row.pk, day, community_id))
    if left_over:
        main = _main_programme(
            programme_model,
            participation_model,
            days=[day for _pk, day, _community in left_over],
            community_ids={community for _pk, _day, community in left_over if community is not None},
        )
        model.objects.filter(pk__in=[pk for pk, _day, _community in left_over]).update(programme_id=main.pk)
    if schema_editor.connection.vendor == "postgresql":
        # The column becomes NOT NULL next, in the same transaction: PostgreSQL refuses to alter a
        # table with deferred foreign-key checks pending, so run them now.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


def community_id_name(community_field: str) -> str:
    return f"{community_field}_id"


def _main_programme(
    programme_model: Any, participation_model: Any, *, days: list[date], community_ids: set[int]
) -> Any:
    """The programme ``MAIN`` running over ``days`` with ``community_ids`` taking part in it from
    its start: created, or widened (with its participations) when it already exists."""
    start = min(days)
    last = max(days)
    # A programme ends after it starts (a constraint): run it to the end of the last record's year.
    end = date(last.year, 12, 31) if last < date(last.year, 12, 31) else date(last.year + 1, 1, 1)
    main = programme_model.objects.filter(code="MAIN").first()
    if main is None:
        main = programme_model.objects.create(
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
    elif start < main.starts_on or end > main.ends_on:
        main.starts_on, main.ends_on = min(start, main.starts_on), max(end, main.ends_on)
        main.save(update_fields=["starts_on", "ends_on"])
        participation_model.objects.filter(programme=main).update(joined_on=main.starts_on, left_on=None)
    taking_part = set(participation_model.objects.filter(programme=main).values_list("community_id", flat=True))
    participation_model.objects.bulk_create(
        participation_model(programme=main, community_id=community_id, joined_on=main.starts_on)
        for community_id in sorted(community_ids - taking_part)
    )
    return main
