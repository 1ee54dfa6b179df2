"""Negotiators see their community's plan and add a community safety initiative from the field
app."""

from datetime import date

import pytest
from django.urls import reverse

from planning.models import Initiative, Measure, PlanStatus
from tests.accounts.support import verified_login
from tests.communities.factories import CommunityFactory
from tests.planning.factories import plan_in

pytestmark = pytest.mark.django_db


def test_a_negotiator_sees_their_communitys_plan_with_its_measures(client, negotiator_user, community):
    plan = plan_in(community, status=PlanStatus.ADOPTED, title="Стратегія безпеки Громади")
    Measure.objects.create(plan=plan, title="Освітлення вулиць", due_on=date(2025, 9, 1))
    plan_in(CommunityFactory(), title="Чужа стратегія")
    verified_login(client, negotiator_user)
    page = client.get(reverse("field:planning")).content.decode()
    assert "Стратегія безпеки Громади" in page
    assert "Освітлення вулиць" in page
    assert "12/3" in page
    assert "Чужа стратегія" not in page


def test_a_negotiator_adds_an_initiative_for_their_community(client, negotiator_user, community):
    verified_login(client, negotiator_user)
    response = client.post(
        reverse("field:planning"),
        {
            "community": community.pk,
            "title": "Сусідська варта",
            "started_on": "2025-05-01",
            "status": "running",
            "run_by": "Мешканці вулиці",
            "description": "",
            "idempotency_key": "6f1f1c2e-2d6c-4a51-9a53-1d7b8f7b2a01",
        },
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.community, initiative.negotiator) == (community, negotiator_user.negotiator)
    assert "Сусідська варта" in client.get(reverse("field:planning")).content.decode()


def test_an_initiative_in_another_community_is_refused(client, negotiator_user):
    elsewhere = CommunityFactory()
    verified_login(client, negotiator_user)
    response = client.post(
        reverse("field:planning"),
        {"community": elsewhere.pk, "title": "Чуже", "started_on": "2025-05-01", "status": "running"},
    )
    assert response.status_code == 400
    assert not Initiative.objects.exists()
