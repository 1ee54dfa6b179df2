"""Build the sample spreadsheets of the import guide (docs/import.md) from the demo programme.

Seeds the demo (``seed_demo``) into a throwaway database (as the benchmarks make theirs), reads
the outreach events of its programme ISN-2023 and writes them as a programme would keep them:

- ``docs/examples/import/zlagoda-sample-2023.xlsx``: a sheet of events with Ukrainian headers and a
  sheet "Примітки" of notes (not the data: the importer picks the sheet whose headers match);
- ``docs/examples/import/events-2023-windows-1251.csv``: the same kind of rows as Excel saves a
  CSV on a Ukrainian Windows (Windows-1251, semicolons).

Most rows are demo events as they are (the check shows them unchanged), some with another
participant count (to update), a few new events (to create), and four rows each file's check
rejects. Dates come as date cells, 14.03.2024 and 2024-03-14; a count as "1 200"; community names
with ’ for ' or in other case. tests/imports/test_sample.py holds the counts the check must show.

Run from the repository root: ``python -m tools.build_import_sample``.
"""

import argparse
import csv
import io
import sys
import tempfile
import warnings
from datetime import date
from pathlib import Path

if not __package__:  # run as a script: import from the repository root, not from tools/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils import translation

from tools import ROOT, setup_django
from tools.bench_api import Benchmark

FOLDER = ROOT / "docs" / "examples" / "import"
WORKBOOK = FOLDER / "zlagoda-sample-2023.xlsx"
CSV_FILE = FOLDER / "events-2023-windows-1251.csv"
PROGRAMME = "ISN-2023"
COLUMNS = (
    "community",
    "date",
    "kind",
    "title",
    "topic",
    "place",
    "participants_total",
    "participants_women",
    "participants_men",
    "participants_youth",
    "participants_idps",
    "participants_veterans",
    "participants_vulnerable",
    "police_present",
    "local_government_present",
    "ngos_present",
    "summary",
    "programme",
)
NOTES = (
    ("Громада", "Примітка"),
    ("Кам’янець-Подільська міська громада", "Дані за вебінари внесла програма, не громада."),
    ("Хмельницька міська громада", "Прес-конференції та форум обліковано за обласним центром."),
    (None, "Числа учасників — за реєстраційними листами; молодь — від 14 до 35 років."),
)


def parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="python -m tools.build_import_sample",
        description="Write the import guide's sample XLSX and CSV from the demo programme's events.",
    )


def main(argv: list[str] | None = None) -> int:
    setup_django()
    parser().parse_args(argv)
    if settings.PRODUCTION:
        raise SystemExit("The sample is built in a throwaway database: not in production.")
    warnings.filterwarnings("ignore", message="No directory at")
    with (
        tempfile.TemporaryDirectory(prefix="zlagoda-sample-media-") as media,
        override_settings(MEDIA_ROOT=media),
        Benchmark().bench_database(keep=False),
    ):
        print("Migrating a throwaway database and seeding the demo…", file=sys.stderr)
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", stdout=io.StringIO())
        with translation.override("uk"):
            sheet_rows, csv_rows = sample_rows()
    FOLDER.mkdir(parents=True, exist_ok=True)
    WORKBOOK.write_bytes(workbook(sheet_rows))
    CSV_FILE.write_bytes(csv_text(csv_rows).encode("cp1251"))
    print(f"Wrote {WORKBOOK.relative_to(ROOT)} and {CSV_FILE.relative_to(ROOT)}.", file=sys.stderr)
    return 0


def header() -> list[str]:
    from imports.specs import record_type

    kind = record_type("events")
    labels = [str(kind.column_named(name).label) for name in COLUMNS]
    return [label[:1].upper() + label[1:] for label in labels]


def demo_events() -> list:
    from negotiators.models import EventKind, EventStatus, OutreachEvent

    return list(
        OutreachEvent.objects.filter(programme__code=PROGRAMME, status=EventStatus.HELD)
        .exclude(kind=EventKind.WEBINAR)
        .select_related("community", "programme")
        .order_by("date", "pk")
    )


def row_of(event, *, index: int, total: int | None = None) -> list:
    """The event as a person types it: the date in one of three ways, the choices by their label,
    yes/no as так/ні, and the apostrophe or case of the community's name varied."""
    from communities.models import Topic
    from negotiators.models import EventKind

    name = event.community.name
    if "'" in name and index % 2 == 0:
        name = name.replace("'", "’")
    elif index % 7 == 3:
        name = name.upper()
    day = event.date
    written = (day, day.strftime("%d.%m.%Y"), day.isoformat())[index % 3]
    values = {
        "community": name,
        "date": written,
        "kind": str(EventKind(event.kind).label),
        "title": event.title,
        "topic": str(Topic(event.topic).label),
        "place": event.place,
        "participants_total": event.participants_total if total is None else total,
        **{
            field: getattr(event, field)
            for field in COLUMNS
            if field.startswith("participants_") and field != "participants_total"
        },
        **{field: "так" if getattr(event, field) else "ні" for field in COLUMNS if field.endswith("_present")},
        "summary": event.summary,
        "programme": event.programme.code,
    }
    return [values[column] for column in COLUMNS]


def new_row(community: str, day, kind: str, title: str, topic: str, total, women: int, men: int) -> list:
    from communities.models import Topic
    from negotiators.models import EventKind

    values = dict.fromkeys(COLUMNS, 0) | {
        "community": community,
        "date": day,
        "kind": str(EventKind(kind).label),
        "title": title,
        "topic": str(Topic(topic).label),
        "place": "Будинок культури",
        "participants_total": total,
        "participants_women": women,
        "participants_men": men,
        "police_present": "так",
        "local_government_present": "так",
        "ngos_present": "ні",
        "summary": "",
        "programme": PROGRAMME,
    }
    return [values[column] for column in COLUMNS]


def sample_rows() -> tuple[list[list], list[list]]:
    """The workbook's rows and the CSV's. The workbook: 30 demo events unchanged, 6 with three
    more participants, 4 new events, 4 bad rows (an unknown community, women and men above the
    total, 31.02.2023, a formula). The CSV: 12 unchanged, 3 updated, 2 new, 4 bad (an unknown
    community, a breakdown above the total, a date in the future, a row repeated)."""
    events = demo_events()
    khm, kam = "Хмельницька міська громада", "кам’янець-подільська міська громада"

    sheet: list[list] = []
    for index, event in enumerate(events[0::5][:36]):
        changed = index % 6 == 5
        sheet.append(row_of(event, index=index, total=event.participants_total + 3 if changed else None))
    # A row's number in the sheet is its index + 2 (the header is row 1): new events at rows 6, 17,
    # 33 and 45, bad rows at 11, 22, 28 and 40.
    sheet[4:4] = [
        new_row(khm, date(2024, 6, 12), "forum", "Форум громад Поділля", "feeling_of_safety", "1 200", 700, 480)
    ]
    sheet[9:9] = [new_row("Зоряна сільська громада", "14.05.2024", "public_meeting", "Сход села", "youth", 25, 10, 15)]
    sheet[15:15] = [new_row(kam, "2024-09-18", "training", "Тренінг: безпека в інтернеті", "youth", 18, 10, 8)]
    sheet[20:20] = [new_row(khm, "21.03.2024", "round_table", "Круглий стіл: освітлення вулиць", "housing", 10, 8, 7)]
    sheet[26:26] = [new_row(kam, "31.02.2023", "public_meeting", "Громадські слухання: бюджет", "housing", 30, 15, 15)]
    sheet[31:31] = [
        new_row(khm, date(2025, 4, 3), "information_session", "Зустріч з ВПО", "idp_integration", 22, 14, 8)
    ]
    formula = new_row(khm, "2025-05-20", "public_meeting", "Слухання: безпечна школа", "education", 0, 20, 12)
    formula[COLUMNS.index("participants_total")] = "=H40+I40"
    sheet[38:38] = [formula]
    sheet.append(new_row(kam, date(2025, 6, 5), "training", "Тренінг для старост", "social_services", 14, 9, 5))

    rows: list[list] = []
    for index, event in enumerate(events[2::11][:15]):
        changed = index % 5 == 4
        rows.append(row_of(event, index=index + 1, total=event.participants_total + 2 if changed else None))
    # New events at rows 5 and 21, bad rows at 8, 11, 14 and 22 (row 3 again).
    rows[3:3] = [
        new_row(kam.upper(), "03.10.2024", "public_meeting", "Сход мікрорайону Польський ринок", "housing", 40, 22, 18)
    ]
    rows[6:6] = [new_row("Неіснуюча громада", "12.11.2024", "training", "Тренінг", "youth", 10, 5, 5)]
    rows[9:9] = [new_row(khm, "2025-02-14", "information_session", "Зустріч: шахрайство", "feeling_of_safety", 9, 6, 6)]
    rows[12:12] = [new_row(khm, "15.03.2035", "forum", "Форум 2035", "feeling_of_safety", 50, 25, 25)]
    rows.append(new_row(khm, "2025-03-11", "round_table", "Круглий стіл з поліцією", "police_community", 16, 7, 9))
    rows.append(list(rows[1]))
    return sheet, rows


def workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Примітки"
    for line in NOTES:
        notes.append(list(line))
    data = book.create_sheet(f"Заходи {PROGRAMME}")
    with translation.override("uk"):
        data.append(header())
    for row in rows:
        data.append(row)
        cell = data.cell(row=data.max_row, column=COLUMNS.index("date") + 1)
        if isinstance(cell.value, date):
            cell.number_format = "DD.MM.YYYY"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    with translation.override("uk"):
        writer.writerow(header())
    for row in rows:
        writer.writerow(value.strftime("%d.%m.%Y") if isinstance(value, date) else value for value in row)
    return buffer.getvalue()


if __name__ == "__main__":
    raise SystemExit(main())
