import contextlib
import io
import random
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports.readers import FileRefused, Formula, Sheet, read_sheets

NOT_A_SPREADSHEET = "This is not a spreadsheet: upload an XLSX, ODS or CSV file."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def read(content: bytes, filename: str = "upload", **limits) -> list[Sheet]:
    return read_sheets(io.BytesIO(content), filename, **limits)


def refusal(content: bytes, filename: str = "upload", **limits) -> str:
    with pytest.raises(FileRefused) as raised:
        read(content, filename, **limits)
    return str(raised.value)


# --- CSV ------------------------------------------------------------------------------------------


def test_a_utf8_csv_with_semicolons_is_one_sheet_of_stripped_strings():
    content = "Назва;Дата;Учасники\n Кам’янець ;14.03.2023;12\n\n;;\nЛьвів;15.03.2023;\n".encode()
    (sheet,) = read(content, "events.csv")
    assert sheet == Sheet(
        name="",
        header=["Назва", "Дата", "Учасники"],
        rows=[(2, ["Кам’янець", "14.03.2023", "12"]), (5, ["Львів", "15.03.2023", None])],
    )


def test_a_utf8_csv_with_a_byte_order_mark_and_commas_keeps_quoted_delimiters():
    content = 'Name,Note\r\n"Round table","Kyiv; Lviv, and\r\nOdesa"\r\n'.encode("utf-8-sig")
    (sheet,) = read(content, "events.csv")
    assert sheet.header == ["Name", "Note"]
    assert sheet.rows == [(2, ["Round table", "Kyiv; Lviv, and\r\nOdesa"])]


def test_a_windows_1251_csv_with_semicolons_is_decoded():
    content = "Громада;Область\r\nБуча;Київська\r\n".encode("cp1251")
    (sheet,) = read(content, "communities.csv")
    assert sheet.header == ["Громада", "Область"]
    assert sheet.rows == [(2, ["Буча", "Київська"])]


def test_a_utf16_tab_separated_text_is_read():
    content = "Name\tCount\r\nBucha\t3\r\n".encode("utf-16")
    assert read(content, "export.txt")[0].rows == [(2, ["Bucha", "3"])]


def test_the_header_line_picks_the_delimiter_outside_quotes():
    content = b'"a,b";c\n1;2\n'
    assert read(content)[0].header == ["a,b", "c"]


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row():
    content = b"sep=,\nName;Note,Count\nBucha;x,3\n"
    (sheet,) = read(content, "export.csv")
    assert sheet.header == ["Name;Note", "Count"]
    assert sheet.rows == [(2, ["Bucha;x", "3"])]


def test_rows_are_padded_and_cut_to_the_header():
    content = b"a;b;c\n1\n1;2;3;4\n;;;only beyond the header\n"
    assert read(content)[0].rows == [(2, ["1", None, None]), (3, ["1", "2", "3"])]


def test_a_header_only_file_is_a_sheet_without_rows():
    assert read(b"\n\nName;Date\n\n")[0] == Sheet(name="", header=["Name", "Date"], rows=[])


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b";;;\n ; \n"])
def test_a_file_without_rows_is_refused(content):
    assert refusal(content, "empty.csv") == "The file has no rows."


def test_a_web_page_saved_as_xls_is_refused():
    assert "web page" in refusal(b"<html><table><tr><td>1</td></tr></table></html>", "export.xls")


# --- XLSX -----------------------------------------------------------------------------------------


def xlsx_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_keeps_cell_types_and_returns_every_sheet():
    workbook = openpyxl.Workbook()
    data = workbook.active
    data.title = "Data"
    data.append(["Title ", "Date", "People", "Share", "Online", None, None])
    data.append(["Round table", datetime(2023, 3, 14), 12, 0.25, True])
    data["A4"] = "  Forum  "  # row 3 left empty
    data["H9"] = None
    workbook.create_sheet("Explanation").append(["Write one event a row."])
    sheets = read(xlsx_bytes(workbook), "events.xlsx")
    assert [sheet.name for sheet in sheets] == ["Data", "Explanation"]
    assert sheets[0].header == ["Title", "Date", "People", "Share", "Online"]
    assert sheets[0].rows == [
        (2, ["Round table", datetime(2023, 3, 14), 12, 0.25, True]),
        (4, ["Forum", None, None, None, None]),
    ]
    assert sheets[1] == Sheet(name="Explanation", header=["Write one event a row."], rows=[])


def test_an_xlsx_formula_cell_comes_back_as_a_formula():
    workbook = openpyxl.Workbook()
    workbook.active.append(["People", "Total"])
    workbook.active.append([3, "=SUM(A2:A2)"])
    (sheet,) = read(xlsx_bytes(workbook), "events.xlsx")
    assert sheet.rows == [(2, [3, Formula("=SUM(A2:A2)")])]


def test_an_xlsx_claiming_the_whole_grid_is_read_to_its_last_row():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name"])
    workbook.active.append(["Bucha"])
    content = xlsx_bytes(workbook)
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                member = member.replace(b'<dimension ref="A1:A2"/>', b'<dimension ref="A1:XFD1048576"/>')
                assert b"XFD1048576" in member
            target.writestr(info, member)
    assert read(buffer.getvalue(), "events.xlsx")[0].rows == [(2, ["Bucha"])]


def test_a_damaged_xlsx_is_refused_as_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not a workbook")
    assert refusal(buffer.getvalue(), "events.xlsx").startswith("The file could not be read as XLSX")


def test_a_truncated_xlsx_is_refused_at_any_length():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Date"])
    workbook.active.append(["Bucha", date(2023, 3, 14)])
    content = xlsx_bytes(workbook)
    for length in range(len(b"PK\x03\x04"), len(content), 97):
        with pytest.raises(FileRefused):
            read(content[:length], "events.xlsx")


def test_an_xlsx_with_flipped_bytes_is_read_or_refused_never_crashes():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Date"])
    workbook.active.append(["Bucha", date(2023, 3, 14)])
    content = xlsx_bytes(workbook)
    generator = random.Random(7)
    for _attempt in range(200):
        damaged = bytearray(content)
        for _flip in range(3):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        with contextlib.suppress(FileRefused):
            read(bytes(damaged), "events.xlsx")


# --- ODS ------------------------------------------------------------------------------------------

ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_bytes(tables: str) -> bytes:
    """A minimal ODS: the mimetype stored first, a manifest, and content.xml holding ``tables``."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} office:version="1.3">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def text_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell office:value-type="string" table:number-columns-repeated="{repeat}">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


EMPTY_TO_THE_GRIDS_END = '<table:table-cell table:number-columns-repeated="16380"/>'


def test_an_ods_is_read_with_its_repeats_dates_and_formulas():
    tables = (
        '<table:table table:name="Дані">'
        '<table:table-column table:number-columns-repeated="16384"/>'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="16384"/>'
        "</table:table-row>"
        f"<table:table-row>{text_cell('Назва')}{text_cell('Дата')}{text_cell('Учасники')}{text_cell('Сума')}"
        f"{EMPTY_TO_THE_GRIDS_END}</table:table-row>"
        f"<table:table-row>{text_cell('Форум')}"
        '<table:table-cell office:value-type="date" office:date-value="2023-03-14"><text:p>14.03.23</text:p>'
        "</table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="12"><text:p>12</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=[.C4]*2" office:value-type="float" office:value="24">'
        f"<text:p>24</text:p></table:table-cell>{EMPTY_TO_THE_GRIDS_END}</table:table-row>"
        '<table:table-row table:number-rows-repeated="3">'
        '<table:table-cell table:number-columns-repeated="2"/>'
        '<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25 %</text:p>'
        f"</table:table-cell>{EMPTY_TO_THE_GRIDS_END}</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048567">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table>"
        f'<table:table table:name="Пояснення"><table:table-row>{text_cell("Одна подія в рядку.")}'
        "</table:table-row></table:table>"
    )
    sheets = read(ods_bytes(tables), "events.ods")
    assert [sheet.name for sheet in sheets] == ["Дані", "Пояснення"]
    assert sheets[0].header == ["Назва", "Дата", "Учасники", "Сума"]
    assert sheets[0].rows == [
        (4, ["Форум", date(2023, 3, 14), 12, Formula("=[.C4]*2")]),
        (5, [None, None, 0.25, None]),
        (6, [None, None, 0.25, None]),
        (7, [None, None, 0.25, None]),
    ]


def test_an_ods_cell_keeps_its_spaces_line_breaks_and_paragraphs_but_not_its_comment():
    cell = (
        '<table:table-cell office:value-type="string"><office:annotation><text:p>a comment</text:p>'
        '</office:annotation><text:p>Kyiv<text:s text:c="2"/><text:span>Oblast</text:span></text:p>'
        "<text:p>second<text:line-break/>line</text:p></table:table-cell>"
    )
    tables = f'<table:table table:name="S"><table:table-row>{text_cell("Note")}</table:table-row>'
    tables += f"<table:table-row>{cell}</table:table-row></table:table>"
    assert read(ods_bytes(tables), "notes.ods")[0].rows == [(2, ["Kyiv  Oblast\nsecond\nline"])]


def test_an_ods_with_a_datetime_and_a_boolean_cell():
    tables = (
        f'<table:table table:name="S"><table:table-row>{text_cell("When")}{text_cell("Online")}</table:table-row>'
        '<table:table-row><table:table-cell office:value-type="date" office:date-value="2023-03-14T10:30:00"/>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"/></table:table-row></table:table>'
    )
    assert read(ods_bytes(tables), "s.ods")[0].rows == [(2, [datetime(2023, 3, 14, 10, 30), True])]


def test_an_ods_row_repeated_beyond_the_row_limit_is_refused():
    tables = (
        f'<table:table table:name="S"><table:table-row>{text_cell("Name")}</table:table-row>'
        f'<table:table-row table:number-rows-repeated="1000000000">{text_cell("again")}</table:table-row>'
        "</table:table>"
    )
    assert "more than 100 rows of data" in refusal(ods_bytes(tables), "s.ods", max_rows=100)


def test_a_zip_with_an_ods_mimetype_but_broken_content_is_refused_as_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content><unclosed>")
    assert refusal(buffer.getvalue(), "events.ods").startswith("The file could not be read as ODS")


def test_an_ods_with_an_entity_expansion_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">' for level in range(9))
        + "]><d>&j;</d>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", bomb)
    assert refusal(buffer.getvalue(), "bomb.ods").startswith("The file could not be read as ODS")


# --- Refusals -------------------------------------------------------------------------------------


def test_a_pdf_is_not_a_spreadsheet():
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    assert refusal(pdf, "events.xlsx") == NOT_A_SPREADSHEET


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_not_a_spreadsheet(seed):
    assert refusal(random.Random(seed).randbytes(4096), "events.csv") == NOT_A_SPREADSHEET


def test_a_png_is_not_a_spreadsheet():
    assert refusal(b"\x89PNG\r\n\x1a\n" + bytes(100), "photo.png") == NOT_A_SPREADSHEET


def test_a_word_document_is_not_a_spreadsheet():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refusal(buffer.getvalue(), "events.docx") == NOT_A_SPREADSHEET


def test_an_old_binary_xls_is_refused_with_what_to_do():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    assert "save it as .xlsx" in refusal(content, "events.xls")


class Unreadable(io.BytesIO):
    """A file that tells its size and fails the test if it is read."""

    def __init__(self, size: int):
        super().__init__(b"")
        self.size = size

    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("the file was read")


def test_a_file_larger_than_the_limit_is_refused_unread():
    message = refusal_of(Unreadable(21 * 1024 * 1024))
    assert message.startswith("The file is larger than 20.0\xa0MB")


def refusal_of(file) -> str:
    with pytest.raises(FileRefused) as raised:
        read_sheets(file, "big.xlsx")
    return str(raised.value)


def test_a_stream_larger_than_the_limit_is_refused_by_its_length_unread():
    class Stream(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise AssertionError("the stream was read")

    with pytest.raises(FileRefused, match=r"larger than 100\sbytes"):
        read_sheets(Stream(b"x" * 101), "big.csv", max_bytes=100)


def test_a_stream_that_lies_about_its_size_is_refused_after_the_limit():
    file = io.BytesIO(b"Name\n" + b"x\n" * 100)
    file.size = 10
    with pytest.raises(FileRefused, match=r"larger than 100\sbytes"):
        read_sheets(file, "big.csv", max_bytes=100)


def test_the_size_limit_defaults_to_the_setting(settings):
    settings.IMPORT_MAX_BYTES = 10
    assert refusal(b"Name\nBucha\n", "small.csv").startswith("The file is larger than 10")


def test_an_uploaded_file_within_the_limits_is_read():
    upload = SimpleUploadedFile("events.csv", b"Name\nBucha\n")
    upload.read()
    assert read_sheets(upload, upload.name)[0].rows == [(2, ["Bucha"])]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name"])
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(workbook)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/media/padding.bin", bytes(2 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 100_000
    assert read(content, "bomb.xlsx", max_bytes=len(content) * 100)[0].header == ["Name"]
    assert "unpacks to more than" in refusal(content, "bomb.xlsx", max_bytes=100_000)


def test_more_data_rows_than_the_limit_are_refused():
    content = b"Name\n" + b"Bucha\n" * 3
    assert len(read(content, max_rows=3)[0].rows) == 3
    assert refusal(content, max_rows=2) == "The file has more than 2 rows of data: split it into several files."


def test_the_row_limit_counts_every_sheet(settings):
    settings.IMPORT_MAX_ROWS = 2
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name"])
    workbook.active.append(["Bucha"])
    second = workbook.create_sheet("Second")
    second.append(["Name"])
    second.append(["Irpin"])
    second.append(["Hostomel"])
    assert "more than 2 rows" in refusal(xlsx_bytes(workbook), "events.xlsx")


def test_an_ods_value_after_a_million_empty_cells_is_left_out():
    empty_cells = '<table:table-cell table:number-columns-repeated="1024"/>' * 1000
    tables = (
        f'<table:table table:name="S"><table:table-row>{text_cell("Name")}</table:table-row>'
        f"<table:table-row>{text_cell('Bucha')}{empty_cells}{text_cell('far away')}</table:table-row></table:table>"
    )
    assert read(ods_bytes(tables), "s.ods")[0].rows == [(2, ["Bucha"])]
