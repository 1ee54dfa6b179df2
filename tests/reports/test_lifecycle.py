"""A report's written analysis and its life cycle: draft -> in review -> final. A final report is
locked, numbered, built from a frozen snapshot and rebuilt byte for byte.

One small world; the few PDF builds are shared by the module where they can be."""

import threading
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from PIL import Image

from programmes.models import Document, DocumentAccess, DocumentKind, DocumentLanguage
from reports import services
from reports.models import (
    STORIES_MAX,
    SUMMARY_MAX_LENGTH,
    MonitoringReport,
    ReportScope,
    ReportStage,
    ReportStatus,
)
from reports.services import (
    ReportLocked,
    report_finalise,
    report_reopen,
    report_story_delete,
    report_story_save,
    report_submit_for_review,
    report_update_texts,
)
from tests.negotiators.factories import OutreachEventFactory
from tests.programmes.factories import ProgrammeFactory
from tests.reports.factories import MonitoringReportFactory
from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.django_db

SUMMARY = "In 2025 the communities met more often and the police came to most of the meetings."
CHANGED = "Round tables replaced public meetings after the elections."
LESSONS = "Meetings in the evening reach more working residents."
ADVICE = "Keep a police liaison in every community."


def png(colour: str = "red") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(access: str = DocumentAccess.PUBLIC, title: str = "Residents at the round table") -> Document:
    content = png()
    return Document.objects.create(
        programme=ProgrammeFactory.create(),
        title=title,
        kind=DocumentKind.EVIDENCE,
        language=DocumentLanguage.ENGLISH,
        file=ContentFile(content, name="photo.png"),
        content_type="image/png",
        size=len(content),
        access=access,
    )


def written(report: MonitoringReport, actor, *, photo_document=None) -> MonitoringReport:
    report = report_update_texts(
        report=report,
        actor=actor,
        executive_summary=SUMMARY,
        what_changed=CHANGED,
        lessons_learned=LESSONS,
        recommendations=ADVICE,
    )
    report_story_save(
        report=report,
        actor=actor,
        title="A bus stop made safe",
        text="Residents and the police agreed on lighting.",
        quote="Now my daughter walks home without fear.",
        quote_attribution="a mother from the community",
        photo=photo_document,
    )
    return report


@pytest.fixture
def report(media_root, manager_user):
    return MonitoringReportFactory(language="en", requested_by=manager_user)


# --- transitions and refusals ---------------------------------------------------------------------


def test_a_new_report_is_a_draft_without_a_number(report):
    assert (report.stage, report.number, report.snapshot) == (ReportStage.DRAFT, "", "")


def test_draft_goes_to_review_and_back(report, manager_user):
    report = report_submit_for_review(report=report, actor=manager_user)
    assert report.stage == ReportStage.REVIEW
    report = report_reopen(report=report, actor=manager_user)
    assert report.stage == ReportStage.DRAFT


def test_a_draft_cannot_be_finalised_without_review(report, manager_user):
    with pytest.raises(ValidationError):
        report_finalise(report=report, actor=manager_user, enqueue=False)
    report.refresh_from_db()
    assert (report.stage, report.number) == (ReportStage.DRAFT, "")


def test_a_draft_cannot_be_reopened(report, manager_user):
    with pytest.raises(ValidationError):
        report_reopen(report=report, actor=manager_user)


@pytest.mark.parametrize("who", ["negotiator_user", "partner_user"])
def test_only_those_who_request_reports_write_and_move_them(request, report, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        report_update_texts(report=report, actor=actor, executive_summary="x")
    with pytest.raises(PermissionDenied):
        report_story_save(report=report, actor=actor, title="t", text="x")
    with pytest.raises(PermissionDenied):
        report_submit_for_review(report=report, actor=actor)
    report.refresh_from_db()
    assert (report.stage, report.executive_summary, report.stories.count()) == (ReportStage.DRAFT, "", 0)


def test_texts_over_their_limit_are_refused_by_the_service(report, manager_user):
    with pytest.raises(ValidationError) as error:
        report_update_texts(report=report, actor=manager_user, executive_summary="a" * (SUMMARY_MAX_LENGTH + 1))
    assert "executive_summary" in error.value.message_dict
    report.refresh_from_db()
    assert report.executive_summary == ""


def test_at_most_three_stories(report, manager_user):
    for number in range(STORIES_MAX):
        report_story_save(report=report, actor=manager_user, title=f"Story {number}", text="text")
    with pytest.raises(ValidationError):
        report_story_save(report=report, actor=manager_user, title="One too many", text="text")
    assert list(report.stories.values_list("position", flat=True)) == [1, 2, 3]


def test_a_story_photo_must_be_an_image_the_readers_may_see(media_root, partner, manager_user):
    partner_report = MonitoringReportFactory(scope=ReportScope.PARTNER, partner=partner)
    with pytest.raises(ValidationError) as error:
        report_story_save(
            report=partner_report,
            actor=manager_user,
            title="t",
            text="x",
            photo=photo(access=DocumentAccess.STAFF),
        )
    assert "photo" in error.value.message_dict
    pdf = photo()
    Document.objects.filter(pk=pdf.pk).update(content_type="application/pdf")
    with pytest.raises(ValidationError):
        report_story_save(
            report=partner_report, actor=manager_user, title="t", text="x", photo=Document.objects.get(pk=pdf.pk)
        )
    programme_report = MonitoringReportFactory(year=2024)
    story = report_story_save(
        report=programme_report, actor=manager_user, title="t", text="x", photo=photo(access=DocumentAccess.STAFF)
    )
    assert story.photo is not None


def finalised(report, actor):
    report_submit_for_review(report=report, actor=actor)
    return report_finalise(report=report, actor=actor, enqueue=False)


def test_finalising_numbers_freezes_and_locks(report, manager_user):
    written(report, manager_user)
    report = finalised(report, manager_user)
    assert report.stage == ReportStage.FINAL
    assert report.number == "ZR-2025-0001"
    frozen = report.frozen_document
    assert frozen["narrative"]["executive_summary"] == SUMMARY
    assert frozen["narrative"]["number"] == "ZR-2025-0001"
    assert frozen["narrative"]["stories"][0]["quote_attribution"] == "a mother from the community"
    story = report.stories.get()
    for write in (
        lambda: report_update_texts(report=report, actor=manager_user, executive_summary="changed"),
        lambda: report_story_save(report=report, actor=manager_user, title="new", text="x"),
        lambda: report_story_save(report=report, actor=manager_user, story=story, title="new", text="x"),
        lambda: report_story_delete(story=story, actor=manager_user),
        lambda: report_reopen(report=report, actor=manager_user),
        lambda: report_submit_for_review(report=report, actor=manager_user),
        lambda: services.report_delete(report=report, actor=manager_user),
    ):
        with pytest.raises(ReportLocked):
            write()
    report.refresh_from_db()
    assert report.executive_summary == SUMMARY
    assert report.stories.get().title == "A bus stop made safe"


def test_numbers_are_sequential_per_year_and_unique(media_root, manager_user):
    numbers = []
    for year, language in ((2024, "uk"), (2025, "uk"), (2025, "en"), (2024, "en")):
        numbers.append(finalised(MonitoringReportFactory(year=year, language=language), manager_user).number)
    assert numbers == ["ZR-2024-0001", "ZR-2025-0001", "ZR-2025-0002", "ZR-2024-0002"]


@pytest.mark.django_db(transaction=True)
def test_two_finalisations_at_once_get_two_numbers(media_root, manager_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL")
    reports = [MonitoringReportFactory(language=language) for language in ("en", "cs")]
    for each in reports:
        report_submit_for_review(report=each, actor=manager_user)
    barrier = threading.Barrier(2)
    errors = []

    def finalise(each):
        try:
            barrier.wait()
            report_finalise(report=each, actor=manager_user, enqueue=False)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise, args=(each,)) for each in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(MonitoringReport.objects.values_list("number", flat=True)) == ["ZR-2025-0001", "ZR-2025-0002"]


# --- the PDF --------------------------------------------------------------------------------------


def test_a_draft_pdf_says_draft_and_prints_the_texts_and_the_story(report, manager_user, community):
    OutreachEventFactory(community=community)
    written(report, manager_user, photo_document=photo())
    report = services.report_build(report_id=report.pk)
    assert report.status == ReportStatus.DONE, report.error
    with default_storage.open(report.file.name, "rb") as handle:
        content = handle.read()
    text = pdf_text(content)
    for expected in (
        "Draft",
        "Executive summary",
        SUMMARY,
        "What changed and why",
        CHANGED,
        "Lessons learned",
        LESSONS,
        "Recommendations",
        ADVICE,
        "Case stories",
        "A bus stop made safe",
        "Now my daughter walks home without fear.",
        "a mother from the community",
    ):
        assert expected in text, expected
    assert text.index("Executive summary") < text.index("Case stories") < text.index("How the figures are computed")
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content


def test_a_final_pdf_is_rebuilt_byte_for_byte_whatever_changed_since(report, manager_user, community):
    written(report, manager_user)
    report = finalised(report, manager_user)
    report = services.report_build(report_id=report.pk)
    assert report.status == ReportStatus.DONE, report.error
    first_checksum = report.checksum
    with default_storage.open(report.file.name, "rb") as handle:
        first = handle.read()
    text = pdf_text(first)
    assert "ZR-2025-0001" in text
    assert SUMMARY in text
    assert "Draft" not in text
    assert "In review" not in text
    # Data recorded after finalisation: the final report does not change.
    OutreachEventFactory(community=community)
    MonitoringReport.objects.filter(pk=report.pk).update(executive_summary="Rewritten behind the lock")
    services.report_rebuild(report=report, actor=manager_user, enqueue=False)
    report = services.report_build(report_id=report.pk)
    with default_storage.open(report.file.name, "rb") as handle:
        second = handle.read()
    assert report.checksum == first_checksum
    assert second == first


def test_empty_texts_leave_their_sections_out(report):
    from reports.pdf import render_report_html

    document = services.report_document(report)
    html = render_report_html(document)
    for absent in ('id="executive-summary"', 'id="analysis"', 'id="stories"', "Case stories"):
        assert absent not in html
    assert "Draft" in html


def test_a_final_report_is_rebuilt_even_with_an_identical_request_in_progress(report, manager_user):
    report = finalised(report, manager_user)
    assert report.status == ReportStatus.QUEUED  # its final build is on its way
    request = services.report_request(actor=manager_user, kind="annual", year=2025, language="en", enqueue=False)
    assert not request.folded
    assert request.pk != report.pk
    rebuilt = services.report_rebuild(report=report, actor=manager_user, enqueue=False)
    assert (rebuilt.pk, rebuilt.status) == (report.pk, ReportStatus.QUEUED)


def test_a_report_in_review_says_so_on_the_cover_and_in_the_header(report, manager_user):
    from reports.pdf import render_report_html

    report = report_submit_for_review(report=report, actor=manager_user)
    html = render_report_html(services.report_document(report))
    assert '<div class="stage">In review</div>' in html
    assert "· In review</p>" in html  # the running header
