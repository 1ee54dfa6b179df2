from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from incidents.models import Incident, IncidentParty, IncidentStatus
from negotiators.models import NegotiatorContact
from privacy.anonymous import REDACTED
from privacy.models import ErasureRecord, ErasureSource
from privacy.registry import RetentionRule
from privacy.retention import DAYS_PER_YEAR, enforce_retention
from privacy.tasks import enforce_retention as enforce_retention_task
from tests.incidents.factories import IncidentFactory
from tests.negotiators.factories import NegotiatorContactFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.PRIVACY_RETENTION = {
        "incident_parties_years": 2,
        "history_personal_fields_days": 30,
        "login_failures_days": 90,
        "event_registrants_years": 1,
        "cases_years": 5,
        "event_photos_years": 5,
    }


def closed_case_with_party(closed_at, name):
    incident = IncidentFactory(
        status=IncidentStatus.RESOLVED, occurred_at=closed_at - timedelta(days=10), closed_at=closed_at
    )
    return IncidentParty.objects.create(incident=incident, role="witness", full_name=name, phone="+380 99 000 11 22")


def test_parties_of_cases_closed_past_the_period_are_anonymised(staff_user):
    cutoff = timezone.now() - timedelta(days=2 * DAYS_PER_YEAR)
    past = closed_case_with_party(cutoff - DAY, "Давно Закрита Справа")
    within = closed_case_with_party(cutoff + DAY, "Нещодавно Закрита Справа")
    open_case = IncidentParty.objects.create(incident=IncidentFactory(), role="witness", full_name="Відкрита Справа")

    counts = enforce_retention()

    assert counts["incident_parties"] == 1
    past.refresh_from_db()
    assert past.full_name.startswith("anon:")
    assert past.phone == ""
    assert IncidentParty.objects.get(pk=within.pk).full_name == "Нещодавно Закрита Справа"
    assert IncidentParty.objects.get(pk=open_case.pk).full_name == "Відкрита Справа"
    erasure = ErasureRecord.objects.get()
    assert (erasure.kind, erasure.object_id, erasure.source) == ("party", past.pk, ErasureSource.RETENTION)
    # Done once: the next day's run finds nothing more.
    assert enforce_retention()["incident_parties"] == 0


def age_history(rows, days):
    for row in rows:
        type(row).objects.filter(pk=row.pk).update(history_date=timezone.now() - timedelta(days=days))


def test_contact_history_rows_past_the_period_lose_their_personal_fields():
    old = NegotiatorContactFactory(full_name="Стара Версія", phone="+380 11", email="old@example.org")
    recent = NegotiatorContactFactory(full_name="Нова Версія", phone="+380 22", email="new@example.org")
    age_history(old.history.all(), 31)
    age_history(recent.history.all(), 29)

    counts = enforce_retention()

    assert counts["contact_history"] == 1
    old_row = old.history.get()
    assert (old_row.full_name, old_row.phone, old_row.email) == ("anon:", "", "")
    recent_row = recent.history.get()
    assert (recent_row.full_name, recent_row.phone) == ("Нова Версія", "+380 22")
    # The live contact keeps its data: only its history aged.
    assert NegotiatorContact.objects.get(pk=old.pk).full_name == "Стара Версія"
    # The mark remembers how far the rule went: nothing is read twice.
    assert enforce_retention()["contact_history"] == 0


def test_incident_history_text_past_the_period_is_redacted():
    old = IncidentFactory(
        description="Старий опис", location="Стара адреса", latitude=Decimal("49.42312"), longitude=Decimal("26.98734")
    )
    recent = IncidentFactory(description="Новий опис")
    age_history(old.history.all(), 31)
    age_history(recent.history.all(), 29)

    assert enforce_retention()["incident_history_text"] == 1

    old_row = old.history.get()
    assert (old_row.description, old_row.location, old_row.internal_notes) == (REDACTED, REDACTED, "")
    assert (old_row.latitude, old_row.longitude) == (None, None)
    assert Incident.objects.get(pk=old.pk).latitude == Decimal("49.42312")  # the case itself keeps it
    assert recent.history.get().description == "Новий опис"


def test_a_dry_run_counts_and_changes_nothing():
    cutoff = timezone.now() - timedelta(days=2 * DAYS_PER_YEAR)
    party = closed_case_with_party(cutoff - DAY, "Давно Закрита Справа")
    out = StringIO()

    call_command("enforce_retention", "--dry-run", stdout=out)

    assert "incident_parties: 1 due" in out.getvalue()
    assert IncidentParty.objects.get(pk=party.pk).full_name == "Давно Закрита Справа"
    assert not ErasureRecord.objects.exists()


def test_the_daily_task_runs_every_rule():
    assert settings.CELERY_BEAT_SCHEDULE["enforce-retention"]["task"] == "privacy.enforce_retention"
    counts = enforce_retention_task.apply().get()
    assert {"incident_parties", "contact_history", "incident_history_text"} <= set(counts)
    assert "login_failures" in counts


@pytest.mark.parametrize("model_name", ["AccessFailureLog", "AccessAttempt", "AccessLog"])
def test_the_login_log_past_the_period_is_deleted(model_name):
    log = apps.get_model("axes", model_name)
    extra = {"failures_since_start": 1} if model_name == "AccessAttempt" else {}
    past = log.objects.create(username="x", ip_address="10.0.0.1", user_agent="t", **extra)
    within = log.objects.create(username="y", ip_address="10.0.0.2", user_agent="t", **extra)
    log.objects.filter(pk=past.pk).update(attempt_time=timezone.now() - timedelta(days=91))
    log.objects.filter(pk=within.pk).update(attempt_time=timezone.now() - timedelta(days=89))

    assert enforce_retention()["login_failures"] == 1
    assert list(log.objects.values_list("pk", flat=True)) == [within.pk]


def test_a_failing_rule_does_not_stop_the_others(monkeypatch):
    from privacy import registry

    def fail(before, dry_run):
        raise RuntimeError("disk full")

    monkeypatch.setitem(
        registry._rules, "aaa_failing", RetentionRule("aaa_failing", "x", "login_failures_days", "days", fail)
    )
    cutoff = timezone.now() - timedelta(days=2 * DAYS_PER_YEAR)
    party = closed_case_with_party(cutoff - DAY, "Давно Закрита Справа")

    with pytest.raises(RuntimeError, match="disk full"):
        enforce_retention()

    assert IncidentParty.objects.get(pk=party.pk).full_name.startswith("anon:")
