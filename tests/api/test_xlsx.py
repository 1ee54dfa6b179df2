"""``?format=xlsx``: the rows of the CSV as an Excel workbook, with typed cells and no formula."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.negotiators.factories import OutreachEventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("api_settings")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    return list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))


def test_a_page_as_xlsx_has_the_csv_columns_and_typed_cells(api_as, community):
    OutreachEventFactory(community=community, date=date(2025, 3, 14), participants_total=12)
    client = api_as("partner_key")
    response = client.get("/api/v1/events/", {"format": "xlsx"})
    header, *rows = sheet_rows(response)
    csv_header = client.get("/api/v1/events/", {"format": "csv"}).content.decode("utf-8-sig").splitlines()[0]
    assert ",".join(header) == csv_header
    row = dict(zip(header, rows[0], strict=True))
    assert row["participants_total"] == 12
    assert row["police_present"] in (True, False)
    assert row["date"].date() == date(2025, 3, 14)
    assert row["community_name"] == community.name
    assert response["Content-Disposition"] == 'attachment; filename="zlagoda-events.xlsx"'
    assert response["X-Total-Count"] == "1"


def test_a_text_that_looks_like_a_formula_stays_text(api_as, community):
    OutreachEventFactory(community=community, title='=HYPERLINK("http://evil","click")')
    response = api_as("staff").get("/api/v1/events/", {"format": "xlsx"})
    cells = {
        cell.value: cell.data_type for row in load_workbook(io.BytesIO(response.content)).worksheets[0] for cell in row
    }
    assert cells['=HYPERLINK("http://evil","click")'] == "s"


def test_an_empty_list_as_xlsx_still_has_its_header(api_as):
    header, *rows = sheet_rows(api_as("partner_key").get("/api/v1/events/", {"format": "xlsx"}))
    assert "participants_total" in header
    assert "internal_notes" not in header
    assert rows == []


def test_errors_stay_json_when_xlsx_is_asked(api_as):
    response = api_as("partner_key").get("/api/v1/events/", {"format": "xlsx", "date_after": "never"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_control_characters_become_visible_replacements(api_as, community):
    OutreachEventFactory(community=community, title="Зустріч\x13\x16 у школі")
    header, row = sheet_rows(api_as("staff").get("/api/v1/events/", {"format": "xlsx"}))
    assert dict(zip(header, row, strict=True))["title"] == "Зустріч\ufffd\ufffd у школі"


def test_indicators_as_xlsx_are_the_csv_figures_one_per_row(api_as):
    client = api_as("staff")
    as_csv = client.get("/api/v1/indicators/", {"period": "2025", "format": "csv"}).content.decode("utf-8-sig")
    header, *rows = sheet_rows(client.get("/api/v1/indicators/", {"period": "2025", "format": "xlsx"}))
    assert ",".join(header) == as_csv.splitlines()[0]
    assert len(rows) == len(as_csv.splitlines()) - 1
