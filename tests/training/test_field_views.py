"""The field app's training page: modules done, sessions ahead, certification."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from negotiators.models import Negotiator
from tests.accounts.support import verified_login
from tests.negotiators.factories import NegotiatorFactory
from tests.training.factories import TrainingModuleFactory, TrainingSessionFactory
from training.models import ModuleLevel
from training.services import attendance_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    basic = [TrainingModuleFactory(level=ModuleLevel.BASIC, title=f"Базовий {n}") for n in range(2)]
    advanced = TrainingModuleFactory(level=ModuleLevel.ADVANCED, title="Поглиблений")
    return basic, advanced


def test_a_negotiator_sees_the_modules_done_and_how_far_to_certification(client, negotiator_user, school):
    basic, _advanced = school
    negotiator = Negotiator.objects.get(user=negotiator_user)
    attendance_record(
        session=TrainingSessionFactory(module=basic[0], ends_on=date(2024, 3, 3)), negotiator=negotiator, completed=True
    )
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("field:training"))
    done = {row["module"].title: row["completed_on"] for row in response.context["rows"]}
    assert done == {"Базовий 0": date(2024, 3, 3), "Базовий 1": None, "Поглиблений": None}
    assert response.context["basic"] == {"done": 1, "total": 2}
    assert "Basic modules: 1 of 2 completed." in response.content.decode()
    assert response.context["negotiator"].status == "trained"


def test_a_certified_negotiator_sees_the_date_and_the_advanced_modules_left(client, negotiator_user, school):
    basic, _advanced = school
    negotiator = Negotiator.objects.get(user=negotiator_user)
    for module in basic:
        attendance_record(session=TrainingSessionFactory(module=module), negotiator=negotiator, completed=True)
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("field:training")).content.decode()
    assert "Certified on" in page
    assert "Advanced modules: 0 of 1 completed." in page


def test_sessions_ahead_are_listed_and_past_ones_are_not(client, negotiator_user, school):
    basic, _advanced = school
    today = timezone.localdate()
    ahead = TrainingSessionFactory(module=basic[1], starts_on=today + timedelta(days=10), place="Кам'янець")
    TrainingSessionFactory(module=basic[0], starts_on=today - timedelta(days=30), place="Минуле")
    client.force_login(negotiator_user)
    sessions = client.get(reverse("field:training")).context["sessions"]
    assert [item["session"] for item in sessions] == [ahead]
    assert sessions[0]["needed"] is True


def test_staff_pick_a_negotiator_first(client, staff_user, community, school):
    negotiator = NegotiatorFactory(community=community)
    verified_login(client, staff_user)
    choose = client.get(reverse("field:training"))
    assert negotiator in choose.context["negotiators"]
    response = client.get(reverse("field:training"), {"negotiator": negotiator.pk})
    assert response.context["negotiator"] == negotiator


def test_a_negotiator_cannot_open_another_negotiators_progress(client, negotiator_user, other_community, school):
    other = NegotiatorFactory(community=other_community)
    client.force_login(negotiator_user)
    response = client.get(reverse("field:training"), {"negotiator": other.pk})
    assert response.context["negotiator"].user == negotiator_user


def test_a_pilot_graduate_sees_the_certification_and_each_levels_modules_as_the_admin_has_them(
    client, negotiator_user, school
):
    basic, advanced = school
    negotiator = Negotiator.objects.get(user=negotiator_user)
    # Certified in the pilot (a date typed in the admin), advanced modules completed since.
    Negotiator.objects.filter(pk=negotiator.pk).update(certified_on=date(2023, 6, 1))
    attendance_record(
        session=TrainingSessionFactory(module=advanced, ends_on=date(2024, 5, 5)), negotiator=negotiator, completed=True
    )
    negotiator.refresh_from_db()
    assert (negotiator.status, negotiator.certified_on) == ("advanced", date(2023, 6, 1))
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("field:training"))
    page = response.content.decode()
    assert "Certified on June 1, 2023." in page
    assert "Basic modules: covered by the certification of June 1, 2023." in page
    assert "Advanced modules: 1 of 1 completed." in page
    assert "not yet" not in page
    levels = {level["level"]: [row["module"] for row in level["rows"]] for level in response.context["levels"]}
    assert levels == {"basic": basic, "advanced": [advanced]}


def test_a_negotiator_not_yet_certified_is_told_so_and_what_certifies(client, negotiator_user, school):
    client.force_login(negotiator_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("field:training")).content.decode()
    assert "Not certified yet: completing all basic modules makes you a certified negotiator." in page
    assert "Basic modules: 0 of 2 completed." in page
    assert "Certified on" not in page
