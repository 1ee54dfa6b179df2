"""Done when (issue 14): staff record a risk analysis for a community in the admin, draft a
strategy, move it to adopted with the council's decision, and see the count of adopted strategies
change in ``indicators/`` and in a freshly built PDF."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from planning.models import Analysis, Plan, PlanStatus
from reports.models import MonitoringReport, ReportScope
from reports.pdf import render_report_pdf
from reports.services import report_document
from tests.accounts.support import verified_login
from tests.reports.helpers import pdf_text, values_after

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings", "media_root")]

ADOPTED_LABEL = "Community safety strategies adopted by councils"
# This year, so the moves logged now fall within the report's period (a plan's status at the end of
# a period is read from its status log).
TODAY = date.today()
YEAR = TODAY.year


def ua(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def errors_of(response) -> object:
    context = response.context
    if not context or "adminform" not in context:
        return response.status_code
    return context["adminform"].form.errors, [formset.errors for formset in context["inline_admin_formsets"]]


def analysis_form(community) -> dict:
    return {
        "community": community.pk,
        "programme": "",
        "analysed_on": ua(date(YEAR, 1, 1)),
        "conflict_potential": 4,
        "conflict_needs": "Безпечна дорога до школи, довіра до поліції",
        "summary": "Аналіз ризиків і потенціалу громади",
        "risks-TOTAL_FORMS": 2,
        "risks-INITIAL_FORMS": 0,
        "risks-0-category": "infrastructure",
        "risks-0-description": "Неосвітлена дорога до школи",
        "risks-0-likelihood": 4,
        "risks-0-impact": 5,
        "risks-0-trend": "rising",
        "risks-0-groups_affected": "діти, молодь",
        "risks-1-category": "war",
        "risks-1-description": "Повітряні тривоги під час уроків",
        "risks-1-likelihood": 5,
        "risks-1-impact": 4,
        "risks-1-trend": "stable",
        "risks-1-groups_affected": "",
        "resources-TOTAL_FORMS": 1,
        "resources-INITIAL_FORMS": 0,
        "resources-0-kind": "people",
        "resources-0-description": "Активна молодіжна рада",
        "resources-0-held_by": "Молодіжна рада",
        "stakeholders-TOTAL_FORMS": 1,
        "stakeholders-INITIAL_FORMS": 0,
        "stakeholders-0-kind": "police",
        "stakeholders-0-name": "Сектор превенції",
        "stakeholders-0-influence": 4,
        "stakeholders-0-interest": 3,
    }


def plan_form(community, analysis, plan=None, **overrides) -> dict:
    changes = list(plan.status_changes.order_by("at", "pk")) if plan else []
    data = {
        "kind": "safety_strategy",
        "title": "Стратегія безпеки громади",
        "community": community.pk,
        "programme": "",
        "starts_on": ua(date(YEAR, 1, 1)),
        "ends_on": ua(date(YEAR + 2, 12, 31)),
        "analysis": analysis.pk,
        "status": PlanStatus.DRAFT,
        "move_note": "",
        "adopted_by": "",
        "adopted_on": "",
        "decision_number": "",
        "document": "",
        "measures-TOTAL_FORMS": 0,
        "measures-INITIAL_FORMS": 0,
        "status_changes-TOTAL_FORMS": len(changes),
        "status_changes-INITIAL_FORMS": len(changes),
    }
    for index, change in enumerate(changes):
        data[f"status_changes-{index}-id"] = change.pk
        data[f"status_changes-{index}-plan"] = plan.pk
    return data | overrides


def strategies_adopted(api_client) -> int:
    body = api_client.get("/api/v1/indicators/", {"period": str(YEAR)}).json()
    return body["planning"]["strategies_adopted"]["current"]


def pdf_of_the_year() -> str:
    report = MonitoringReport(kind="annual", year=YEAR, scope=ReportScope.PROGRAMME, language="en")
    report.pk = 1
    return pdf_text(render_report_pdf(report_document(report)))


def test_staff_take_a_strategy_from_analysis_to_adoption_and_the_figures_follow(client, api_as, staff_user, community):
    verified_login(client, staff_user)
    api = api_as("manager")
    assert strategies_adopted(api) == 0
    # Nothing of safety planning recorded yet: the report has no planning chapter (no zeros).
    assert ADOPTED_LABEL not in pdf_of_the_year()

    response = client.post(reverse("admin:planning_analysis_add"), analysis_form(community))
    assert response.status_code == 302, errors_of(response)
    analysis = Analysis.objects.get(community=community)
    assert (analysis.made_by, analysis.risks.count(), analysis.programme.code) == (staff_user, 2, "TEST")
    page = client.get(reverse("admin:planning_analysis_change", args=[analysis.pk])).content.decode()
    assert '<table class="risk-matrix">' in page
    assert '<th scope="row">5</th>' in page

    response = client.post(reverse("admin:planning_plan_add"), plan_form(community, analysis))
    assert response.status_code == 302, errors_of(response)
    plan = Plan.objects.get(community=community)
    change_url = reverse("admin:planning_plan_change", args=[plan.pk])

    # A draft cannot be adopted at once: the life cycle goes through the council's agenda.
    decision = {"adopted_by": "Сесія міської ради", "adopted_on": ua(TODAY), "decision_number": "23/4"}
    with translation.override("en"):
        response = client.post(change_url, plan_form(community, analysis, plan, status="adopted", **decision))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    response = client.post(change_url, plan_form(community, analysis, plan, status="submitted", move_note="На сесію"))
    assert response.status_code == 302, errors_of(response)
    # Adopting without the decision number is refused, and nothing is lost.
    response = client.post(
        change_url, plan_form(community, analysis, plan, status="adopted", **(decision | {"decision_number": ""}))
    )
    assert response.status_code == 200
    assert "decision_number" in response.context["adminform"].form.errors
    response = client.post(change_url, plan_form(community, analysis, plan, status="adopted", **decision))
    assert response.status_code == 302, errors_of(response)

    plan.refresh_from_db()
    assert (plan.status, plan.decision_number, plan.adopted_on) == ("adopted", "23/4", TODAY)
    log = list(plan.status_changes.order_by("at", "pk").values_list("from_status", "to_status", "by", "note"))
    assert log == [
        ("", "draft", staff_user.pk, ""),
        ("draft", "submitted", staff_user.pk, "На сесію"),
        ("submitted", "adopted", staff_user.pk, ""),
    ]
    assert strategies_adopted(api) == 1
    text = pdf_of_the_year()
    assert "Safety planning" in text
    assert values_after(text, ADOPTED_LABEL, ["1", "0"])
    # The community's page shows its matrix and its plan with the council's decision.
    assert "Risk matrix" in text
    assert "decision № 23/4" in text
