"""A programme's risk register: risks typed on the programme's admin page, reviews on the risk's,
one review per risk and day, and what a report takes of them (the reviews of its period)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes.models import ProgrammeRisk, RiskLevel, RiskReview, RiskStatus
from programmes.services import risk_add, risk_review_save
from reports.indicators import Period
from reports.services import risk_registers
from tests.accounts.support import verified_login
from tests.programmes.factories import ProgrammeFactory
from tests.programmes.test_admin import inline, programme_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, staff_user):
    verified_login(client, staff_user)
    return client


def test_a_risk_typed_on_the_programme_page_is_saved(staff_client, community):
    form = programme_form(community, [])
    form |= inline(
        "risks",
        [
            {
                "title": "Вибори в громаді",
                "position": "1",
                "likelihood": RiskLevel.MEDIUM,
                "impact": RiskLevel.HIGH,
                "status": RiskStatus.OPEN,
                "owner": "Команда проєкту",
                "description": "Громада виходить з партнерства.",
                "mitigation": "Угоди з чітким розподілом обов'язків.",
            }
        ],
    )
    page = staff_client.post(reverse("admin:programmes_programme_add"), form)
    assert page.status_code == 302, page.content.decode()[:3000]
    risk = ProgrammeRisk.objects.get()
    assert (risk.programme.code, risk.title, risk.likelihood, risk.impact) == (
        "NEW-1",
        "Вибори в громаді",
        "medium",
        "high",
    )


def test_a_review_typed_on_the_risk_page_is_saved_and_gives_the_risk_its_status(staff_client):
    risk = risk_add(programme=ProgrammeFactory(), title="Зміна стратегії поліції", likelihood="low", impact="high")
    form = {
        "programme": risk.programme_id,
        "title": risk.title,
        "position": "0",
        "likelihood": "low",
        "impact": "high",
        "status": "open",
        "owner": "",
        "description": "",
        "mitigation": "",
        **inline(
            "reviews",
            [{"reviewed_on": "2025-06-30", "status": "occurred", "what_happened": "Нова стратегія взаємодії."}],
        ),
    }
    page = staff_client.post(reverse("admin:programmes_programmerisk_change", args=[risk.pk]), form)
    assert page.status_code == 302, page.content.decode()[:3000]
    review = RiskReview.objects.get(risk=risk)
    assert (review.reviewed_on, review.what_happened) == (date(2025, 6, 30), "Нова стратегія взаємодії.")
    risk.refresh_from_db()
    assert risk.status == RiskStatus.OCCURRED


def test_a_risk_has_one_review_a_day():
    risk = risk_add(programme=ProgrammeFactory(), title="Ризик", likelihood="low", impact="low")
    risk_review_save(review=RiskReview(risk=risk, reviewed_on=date(2025, 3, 1)))
    with pytest.raises(ValidationError):
        risk_review_save(review=RiskReview(risk=risk, reviewed_on=date(2025, 3, 1)))


def test_a_report_takes_the_reviews_of_its_period_only():
    programme = ProgrammeFactory(code="RISKS-1")
    risk = risk_add(programme=programme, title="Ризик", likelihood="high", impact="medium", position=1)
    quiet = risk_add(programme=programme, title="Тихий ризик", likelihood="low", impact="low", position=2)
    for day, status, text in (
        (date(2024, 12, 31), RiskStatus.OPEN, "Торік"),
        (date(2025, 2, 1), RiskStatus.OCCURRED, "Цього року"),
        (date(2025, 9, 1), RiskStatus.CLOSED, "Восени"),
    ):
        risk_review_save(review=RiskReview(risk=risk, reviewed_on=day, status=status, what_happened=text))
    (register,) = risk_registers(programme, Period(2025, 1))
    assert [line["title"] for line in register["risks"]] == [risk.title, quiet.title]
    assert [review["what_happened"] for review in register["risks"][0]["reviews"]] == ["Цього року"]
    assert register["risks"][0]["status"] == RiskStatus.OCCURRED  # at the period's end, not today's
    assert register["risks"][1]["reviews"] == []


def test_the_whole_portal_lists_the_programmes_running_in_the_period_with_risks():
    running = ProgrammeFactory(code="B-RUNNING")
    ended = ProgrammeFactory(code="A-ENDED", starts_on=date(2018, 1, 1), ends_on=date(2019, 12, 31))
    ProgrammeFactory(code="C-NO-RISKS")
    for programme in (running, ended):
        risk_add(programme=programme, title="Ризик", likelihood="low", impact="low")
    assert [line["code"] for line in risk_registers(None, Period(2025))] == ["B-RUNNING"]
