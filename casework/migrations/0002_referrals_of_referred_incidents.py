"""Each incident closed as "referred" gets the referral it stood for (``casework.Referral``).

Referring used to close an incident, naming only the kind of agency (``Incident.referred_to``);
now an incident keeps its referrals, followed to the end, and stays open. Nothing of the incident
changes: it keeps its status, its closing time, its ``referred_to`` and its log, so every figure of
a past period stays as reported (``reports.indicators`` counts an incident once whether it was
closed as referred or had a referral sent in the period).

What the new referral says is only what we know:

- the agency: one row of the directory per country and kind of agency, named by the kind in the
  country's working language ("Поліція", "Policie", "Полиция"), without an address; found by that
  name (a directory row staff already made with that exact name is used), else created. The
  incident's kinds map to the directory's as ``casework.incident_referrals.INCIDENT_AGENCY_KINDS``
  says (copied here, frozen);
- sent on the day the incident was closed (local time), recorded by whoever referred it, with the
  note they wrote then as its reason;
- its status *sent*, with no acceptance, end or follow-up date: nothing tracked what the agency
  did, so the referral neither claims an outcome ("completed", "no answer") nor becomes a task for
  anyone (no follow-up date, so never overdue). Staff who learn more move it on as any other.

Every referral and agency made here carries a first history entry whose reason is ``MIGRATED``:
going back deletes the referrals so marked (the incidents never lost anything) and the agencies so
marked that no referral uses any more.
"""

from django.db import migrations
from django.utils import timezone

MIGRATED = "Migrated from the incident's status “referred”"

# incidents.models.Agency -> casework.models.AgencyKind, as on the day of this migration.
KINDS = {
    "police": "police",
    "local_government": "local_government",
    "social_services": "social_protection",
    "health_care": "clinic",
    "legal_aid": "legal_aid",
    "psychosocial": "psychosocial",
    "emergency_service": "emergency_service",
    "other": "other",
}
# The agency's name, by the incident's kind, in each country's working language.
NAMES = {
    "uk": {
        "police": "Поліція",
        "local_government": "Органи місцевого самоврядування",
        "social_services": "Соціальні служби",
        "health_care": "Охорона здоров’я",
        "legal_aid": "Безоплатна правнича допомога",
        "psychosocial": "Психосоціальна підтримка",
        "emergency_service": "Екстрена служба",
        "other": "Інша установа",
    },
    "cs": {
        "police": "Policie",
        "local_government": "Místní samospráva",
        "social_services": "Sociální služby",
        "health_care": "Zdravotní péče",
        "legal_aid": "Bezplatná právní pomoc",
        "psychosocial": "Psychosociální podpora",
        "emergency_service": "Tísňová služba",
        "other": "Jiná instituce",
    },
    "ru": {
        "police": "Полиция",
        "local_government": "Органы местного самоуправления",
        "social_services": "Социальные службы",
        "health_care": "Здравоохранение",
        "legal_aid": "Бесплатная правовая помощь",
        "psychosocial": "Психосоциальная поддержка",
        "emergency_service": "Экстренная служба",
        "other": "Другое учреждение",
    },
}
LANGUAGE_OF_COUNTRY = {"UA": "uk", "CZ": "cs", "KZ": "ru", "KG": "ru", "UZ": "ru"}


def _history(apps, model_name, rows, now):
    """A first history entry ("created", by the migration) for each of ``rows``."""
    historical = apps.get_model("casework", f"Historical{model_name}")
    fields = [field.attname for field in apps.get_model("casework", model_name)._meta.concrete_fields]
    historical.objects.bulk_create(
        historical(
            **{name: getattr(row, name) for name in fields},
            history_date=now,
            history_type="+",
            history_change_reason=MIGRATED,
            history_user_id=None,
        )
        for row in rows
    )


def referrals_of_referred_incidents(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    IncidentAction = apps.get_model("incidents", "IncidentAction")
    Agency = apps.get_model("casework", "Agency")
    Referral = apps.get_model("casework", "Referral")
    ReferralStatusChange = apps.get_model("casework", "ReferralStatusChange")
    now = timezone.now()

    agencies = {}
    created_agencies = []
    referrals = []
    # Whoever closed the case as referred, and the note they wrote then (the latest such move).
    moves = {
        row["incident_id"]: row
        for row in IncidentAction.objects.filter(kind="referral", to_status="referred", incident__status="referred")
        .order_by("incident_id", "performed_at", "pk")
        .values("incident_id", "description", "actor_id")
    }
    # Already referred (a database migrated back and forth by hand keeps the referral it has).
    done = set(Referral.objects.filter(incident__isnull=False).values_list("incident_id", flat=True))
    referred = Incident.objects.filter(status="referred").select_related("community__region").order_by("pk")
    for incident in referred.iterator(chunk_size=500):
        if incident.pk in done:
            continue
        country = incident.community.region.country
        key = (country, incident.referred_to or "other")
        if key not in agencies:
            name = NAMES[LANGUAGE_OF_COUNTRY.get(country, "ru")][key[1]]
            agency = Agency.objects.filter(country=country, name=name, community__isnull=True).first()
            if agency is None:
                agency = Agency.objects.create(country=country, name=name, kind=KINDS[key[1]])
                created_agencies.append(agency)
            agencies[key] = agency
        move = moves.get(incident.pk, {})
        referrals.append(
            Referral(
                incident=incident,
                community_id=incident.community_id,
                programme_id=incident.programme_id,
                agency=agencies[key],
                reason=move.get("description", ""),
                status="sent",
                sent_on=timezone.localdate(incident.closed_at),
                recorded_by_id=move.get("actor_id") or incident.created_by_id,
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=500)
    ReferralStatusChange.objects.bulk_create(
        (
            ReferralStatusChange(
                referral=referral,
                from_status="",
                to_status="sent",
                changed_on=referral.sent_on,
                changed_by_id=referral.recorded_by_id,
            )
            for referral in referrals
        ),
        batch_size=500,
    )
    _history(apps, "Agency", created_agencies, now)
    _history(apps, "Referral", referrals, now)


def remove_migrated_referrals(apps, schema_editor):
    Agency = apps.get_model("casework", "Agency")
    Referral = apps.get_model("casework", "Referral")
    HistoricalAgency = apps.get_model("casework", "HistoricalAgency")
    HistoricalReferral = apps.get_model("casework", "HistoricalReferral")
    migrated = list(
        HistoricalReferral.objects.filter(history_type="+", history_change_reason=MIGRATED).values_list("id", flat=True)
    )
    Referral.objects.filter(pk__in=migrated).delete()
    HistoricalReferral.objects.filter(id__in=migrated).delete()
    made = HistoricalAgency.objects.filter(history_type="+", history_change_reason=MIGRATED).values("id")
    unused = list(Agency.objects.filter(pk__in=made, referrals__isnull=True).values_list("pk", flat=True))
    Agency.objects.filter(pk__in=unused).delete()
    HistoricalAgency.objects.filter(id__in=unused).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("incidents", "0004_programme"),
    ]

    operations = [migrations.RunPython(referrals_of_referred_incidents, remove_migrated_referrals)]
