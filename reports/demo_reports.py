"""The demo's monitoring reports: the 2025 annual report of seed 000's programme as a draft that a
new manager finds half written (an executive summary and two case stories, one with a photo from
the library), and the report of the first half of 2025 already final, with its number.

Neither PDF is built in the seeding (a build takes seconds): both are queued and sent to the
Celery worker when there is one (Redis); without one (tasks run in-process: local development,
the tests) they wait for "Build the PDF" on their page. The final one is built from its frozen
snapshot."""

from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from programmes.models import Document, DocumentAccess, DocumentKind, DocumentLanguage, Programme
from programmes.services import document_save
from reports.models import MonitoringReport, ReportKind, ReportScope, ReportStage, ReportStatus
from reports.services import (
    report_enqueue,
    report_finalise,
    report_request,
    report_story_save,
    report_submit_for_review,
    report_update_texts,
)

PHOTO_TITLE = "Круглий стіл у громаді: мешканці та поліція (фото)"

ANNUAL_SUMMARY = (
    "У 2025 році громади-партнери провели більше інформаційно-просвітницьких заходів, ніж торік, і "
    "поліція брала участь у більшості круглих столів. Кількість зареєстрованих інцидентів зменшилася, "
    "а частка вирішених зросла.\n\n"
    "Чернетка: розділи «Що змінилося і чому», «Уроки» та «Рекомендації» ще пишуться."
)
STORIES: list[dict[str, Any]] = [
    {
        "title": "Освітлена зупинка",
        "text": (
            "Після двох конфліктів біля шкільної зупинки соціальний перемовник зібрав мешканців, "
            "дільничного офіцера та представника громади. Домовилися про освітлення і чергування "
            "батьків; за пів року на зупинці не було жодного інциденту."
        ),
        "quote": "Тепер донька повертається зі школи сама, і я не хвилююся.",
        "quote_attribution": "мати учениці, мешканка громади",
        "photo": True,
    },
    {
        "title": "Сусідська суперечка без суду",
        "text": (
            "Давня суперечка двох родин через межу ділянок дійшла до погроз. Медіація перемовника "
            "за три зустрічі привела до письмової угоди, яку обидві сторони виконують."
        ),
        "quote": "Ми вперше за багато років говорили, а не кричали.",
        "quote_attribution": "учасник медіації, пенсіонер",
        "photo": False,
    },
]
H1_SUMMARY = (
    "За перше півріччя 2025 року громади-партнери провели заплановані заходи, а частка вирішених "
    "інцидентів зросла порівняно з попереднім півріччям."
)


def _photo(programme: Programme, actor: User) -> Document:
    existing = Document.objects.filter(programme=programme, title=PHOTO_TITLE).first()
    if existing is not None:
        return existing
    image = Image.new("RGB", (480, 300), (222, 232, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 180, 440, 240), fill=(120, 90, 60))  # the table
    for index in range(6):
        x = 70 + index * 65
        draw.ellipse((x, 100, x + 40, 140), fill=(31, 95, 168) if index % 3 else (60, 60, 60))
        draw.rectangle((x + 5, 140, x + 35, 185), fill=(31, 95, 168) if index % 3 else (60, 60, 60))
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    document = Document(
        programme=programme,
        title=PHOTO_TITLE,
        kind=DocumentKind.EVIDENCE,
        language=DocumentLanguage.UKRAINIAN,
        access=DocumentAccess.PUBLIC,
        file=ContentFile(buffer.getvalue(), name="round-table.png"),
    )
    return document_save(document=document, actor=actor)


def _report(programme: Programme, kind: str, actor: User) -> MonitoringReport:
    existing = MonitoringReport.objects.filter(
        kind=kind, year=2025, scope=ReportScope.PROGRAMME, programme=programme, language="uk", scheduled=False
    ).first()
    if existing is not None:
        return existing
    # Requested by the system: the demo manager's own quota of reports in progress stays free.
    return report_request(
        actor=None,
        kind=kind,
        year=2025,
        scope=ReportScope.PROGRAMME,
        programme=programme,
        language="uk",
        enqueue=False,
    )


def seed_demo_reports(*, programme: Programme, actor: User) -> None:
    """Idempotent: a report already there is left as it is."""
    annual = _report(programme, ReportKind.ANNUAL, actor)
    if not annual.executive_summary and annual.stage == ReportStage.DRAFT:
        report_update_texts(report=annual, actor=actor, executive_summary=ANNUAL_SUMMARY)
    if not annual.stories.exists():
        photo = _photo(programme, actor)
        for story in STORIES:
            report_story_save(
                report=annual,
                actor=actor,
                title=story["title"],
                text=story["text"],
                quote=story["quote"],
                quote_attribution=story["quote_attribution"],
                photo=photo if story["photo"] else None,
            )
    first_half = _report(programme, ReportKind.H1, actor)
    if first_half.stage == ReportStage.DRAFT:
        report_update_texts(report=first_half, actor=actor, executive_summary=H1_SUMMARY)
        report_submit_for_review(report=first_half, actor=actor)
        first_half.refresh_from_db()
    if first_half.stage == ReportStage.REVIEW:
        report_finalise(report=first_half, actor=actor, enqueue=False)
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        for report in MonitoringReport.objects.filter(pk__in=[annual.pk, first_half.pk], status=ReportStatus.QUEUED):
            report_enqueue(report_id=report.pk)
