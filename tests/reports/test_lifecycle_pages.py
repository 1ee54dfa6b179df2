"""A report's page (``reports:detail``), the admin and the API for the report life cycle: who may
open and write what, errors on the page as typed, a final report locked everywhere."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from reports.models import STORIES_MAX, SUMMARY_MAX_LENGTH, MonitoringReport, ReportScope, ReportStage
from reports.services import report_finalise, report_story_save, report_submit_for_review, report_update_texts
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.reports.factories import MonitoringReportFactory, done_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(media_root):
    return done_report(language="en")


def final(report, actor):
    report_submit_for_review(report=report, actor=actor)
    return report_finalise(report=report, actor=actor, enqueue=False)


# who x report -> status of the report's page. A new role without a row here is noticed in review.
PAGE_ACCESS = [
    ("anonymous", "programme", 302),
    ("negotiator_user", "programme", 403),
    ("partner_user", "own", 403),
    ("partner_user", "programme", 404),
    ("manager_user", "programme", 200),
    ("staff_user", "own", 200),
]


@pytest.mark.parametrize(("who", "which", "status"), PAGE_ACCESS)
def test_who_opens_a_reports_page(client, request, media_root, partner, who, which, status):
    reports = {"programme": done_report(), "own": done_report(scope=ReportScope.PARTNER, partner=partner)}
    if who != "anonymous":
        verified_login(client, request.getfixturevalue(who))
    url = reverse("reports:detail", args=[reports[which].pk])
    assert client.get(url).status_code == status
    if status != 200:
        client.post(url, {"action": "texts", "executive_summary": "Written by someone else"})
        assert not MonitoringReport.objects.filter(executive_summary__gt="").exists()


def test_the_list_links_each_report_to_its_page(client, manager_user, report):
    verified_login(client, manager_user)
    page = client.get(reverse("reports:list")).content.decode()
    assert reverse("reports:detail", args=[report.pk]) in page
    assert "stage-draft" in page


def test_a_manager_writes_the_texts_and_a_story_and_finalises(client, manager_user, report):
    verified_login(client, manager_user)
    client.cookies["django_language"] = "en"
    url = reverse("reports:detail", args=[report.pk])
    response = client.post(url, {"action": "texts", "executive_summary": "A good year.", "recommendations": "More."})
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "action": "story",
            "title": "A bus stop",
            "text": "Lit at last.",
            "quote": "We feel safe.",
            "quote_attribution": "a resident",
        },
    )
    assert response.status_code == 302
    client.post(url, {"action": "submit"})
    report.refresh_from_db()
    assert (report.stage, report.executive_summary, report.stories.get().quote) == (
        ReportStage.REVIEW,
        "A good year.",
        "We feel safe.",
    )
    # Finalising asks for a confirmation first.
    page = client.post(url, {"action": "finalise"})
    assert page.status_code == 200
    assert "Tick the box to confirm" in page.content.decode()
    report.refresh_from_db()
    assert report.stage == ReportStage.REVIEW
    client.post(url, {"action": "finalise", "confirm": "yes"})
    report.refresh_from_db()
    assert (report.stage, report.number) == (ReportStage.FINAL, "ZR-2025-0001")
    page = client.get(url).content.decode()
    assert "ZR-2025-0001" in page
    assert 'name="executive_summary"' not in page
    # Locked: a post changes nothing.
    response = client.post(url, {"action": "texts", "executive_summary": "Changed after all"})
    assert response.status_code == 200
    assert "This report is final" in response.content.decode()
    report.refresh_from_db()
    assert report.executive_summary == "A good year."


def test_an_error_keeps_what_was_typed_in_the_users_language(client, manager_user, report):
    verified_login(client, manager_user)
    url = reverse("reports:detail", args=[report.pk])
    typed = "Слово " * (SUMMARY_MAX_LENGTH // 6 + 1)
    response = client.post(url, {"action": "texts", "executive_summary": typed, "lessons_learned": "Урок"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Переконайтеся" in page  # Django's "at most N characters", in Ukrainian
    assert "Урок" in page
    assert typed.strip()[:60] in page
    response = client.post(url, {"action": "story", "title": "", "text": "Історія без назви"})
    assert response.status_code == 200
    assert "Історія без назви" in response.content.decode()
    report.refresh_from_db()
    assert (report.executive_summary, report.lessons_learned, report.stories.count()) == ("", "", 0)


def test_the_page_stops_offering_stories_after_three(client, manager_user, report):
    for number in range(STORIES_MAX):
        report_story_save(report=report, actor=manager_user, title=f"Story {number}", text="Text")
    verified_login(client, manager_user)
    url = reverse("reports:detail", args=[report.pk])
    assert 'value="story"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "story", "title": "Fourth", "text": "Text"})
    assert response.status_code == 200
    assert report.stories.count() == STORIES_MAX


# --- admin ----------------------------------------------------------------------------------------


def test_the_admin_shows_a_final_report_read_only_and_keeps_it(client, staff_user, report):
    final(report, staff_user)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    verified_login(client, admin)
    url = reverse("admin:reports_monitoringreport_change", args=[report.pk])
    page = client.get(url).content.decode()
    assert "ZR-2025-0001" in page
    assert 'name="_save"' not in page
    client.post(url, {"note": "changed"})
    delete = client.post(reverse("admin:reports_monitoringreport_delete", args=[report.pk]), {"post": "yes"})
    assert delete.status_code == 403
    report.refresh_from_db()
    assert (report.note, report.stage) == ("", ReportStage.FINAL)


# --- API ------------------------------------------------------------------------------------------


def test_the_api_gives_stage_and_number_read_only(client, staff_user, report):
    final(report, staff_user)
    verified_login(client, staff_user)
    body = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert (body["stage"], body["number"]) == ("final", "ZR-2025-0001")
    response = client.patch(
        f"/api/v1/reports/{report.pk}/", {"stage": "draft", "number": "X"}, content_type="application/json"
    )
    assert response.status_code == 405
    report.refresh_from_db()
    assert (report.stage, report.number) == (ReportStage.FINAL, "ZR-2025-0001")


def test_a_partner_never_sees_a_draft_staff_are_writing(media_root, partner, manager_user):
    untouched = done_report(scope=ReportScope.PARTNER, partner=partner)
    writing = done_report(scope=ReportScope.PARTNER, partner=partner, language="en")
    report_update_texts(report=writing, actor=manager_user, executive_summary="Not for partners yet")
    with_story = MonitoringReportFactory(scope=ReportScope.PARTNER, partner=partner, language="cs")
    report_story_save(report=with_story, actor=manager_user, title="Draft story", text="Not yet")
    api = key_client(issue_key(partner))
    listed = [row["id"] for row in api.get("/api/v1/reports/").json()["results"]]
    assert listed == [untouched.pk]
    assert api.get(f"/api/v1/reports/{writing.pk}/").status_code == 404
    assert api.get(f"/api/v1/reports/{writing.pk}/pdf/").status_code == 404
    report_submit_for_review(report=writing, actor=manager_user)
    assert api.get(f"/api/v1/reports/{writing.pk}/").status_code == 404
    report_finalise(report=writing, actor=manager_user, enqueue=False)
    body = api.get(f"/api/v1/reports/{writing.pk}/").json()
    assert (body["stage"], body["number"]) == ("final", "ZR-2025-0001")
