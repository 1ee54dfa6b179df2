"""Issue 19's "done when" in Debian's Chromium at 1366x768: a staff member downloads the events
template in Ukrainian, fills three rows with one deliberate error, uploads it, reads the error next
to its row, fixes it, uploads again and imports; the page fits the window and axe-core finds no
critical or serious violation.

Screenshots land in test-artifacts/screenshots/ (ignored by git).
"""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from negotiators.models import OutreachEvent
from tests.browser_support import session_cookie, wider_than_window
from tests.communities.factories import CommunityFactory
from tools import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def filled(template: bytes, rows: list[list]) -> bytes:
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        values = dict(row)
        sheet.append([values.get(name) for name in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_staff_import_events_from_the_ukrainian_template_after_fixing_an_error(
    browser, live_server, media_root, staff_user, tmp_path
):
    community = CommunityFactory(name="Кам'янець-Подільська міська громада")
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="uk-UA", accept_downloads=True)
    context.set_default_timeout(30_000)
    context.add_cookies([session_cookie(live_server, staff_user)])
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(live_server.url + reverse("admin:imports_importjob_add"))
        with page.expect_download() as download:
            page.get_by_role("link", name="Інформаційно-просвітницькі заходи (XLSX)").click()
        template = Path(download.value.path()).read_bytes()

        def row(title: str, total: object, women: int = 0) -> list:
            return [
                ("Громада *", community.name.replace("'", "’")),
                ("Дата *", "14.03.2023"),
                ("Тип *", "Громадські збори"),
                ("Назва *", title),
                ("Тема *", "Молодь"),
                ("Учасники *", total),
                ("Жінки", women),
            ]

        rows = [row("Зустріч у школі №3", 40, 25), row("Безпека на дорогах", "двадцять"), row("Круглий стіл", 12)]
        upload = tmp_path / "заходи.xlsx"
        upload.write_bytes(filled(template, rows))
        page.select_option("select[name=kind]", "events")
        page.set_input_files("input[name=file]", str(upload))
        page.get_by_role("button", name="Завантажити й перевірити").click()
        page.wait_for_load_state()

        rejected = page.locator("table.rejected tbody tr")
        assert rejected.count() == 1
        assert rejected.locator("th").inner_text() == "3"
        assert "Учасники" in rejected.inner_text()
        assert "ціле число" in rejected.locator(".reason").inner_text()
        assert page.get_by_role("button", name="Імпортувати").count() == 0
        assert OutreachEvent.objects.count() == 0
        assert wider_than_window(page) <= 0
        assert axe.violations(page) == []
        page.screenshot(path=str(SCREENSHOTS / "import-rejected.png"), full_page=True)

        rows[1] = row("Безпека на дорогах", 20)
        upload.write_bytes(filled(template, rows))
        page.get_by_role("link", name="Завантажити виправлений файл").click()
        page.set_input_files("input[name=file]", str(upload))
        page.get_by_role("button", name="Завантажити й перевірити").click()
        page.wait_for_load_state()
        assert page.locator("table.rejected").count() == 0
        assert page.locator(".counts li").first.inner_text().startswith("3")
        page.get_by_role("button", name="Імпортувати").click()
        page.wait_for_load_state()
        assert page.locator(".messagelist .success").count() == 1
        page.screenshot(path=str(SCREENSHOTS / "import-done.png"), full_page=True)
        assert sorted(OutreachEvent.objects.values_list("participants_total", flat=True)) == [12, 20, 40]
        assert wider_than_window(page) <= 0
        assert axe.violations(page) == []
    finally:
        context.close()
