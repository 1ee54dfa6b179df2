"""Benchmark of the spreadsheet import (issue 19): 10,000 outreach events from one XLSX file.

Creates a fresh benchmark database as ``tools.bench_api`` does (PostgreSQL: ``<name>_bench`` on the
configured server; SQLite: a temporary file) with a region of about 100 communities (some names
with an apostrophe), their programme and a staff user. Builds an XLSX of ``--rows`` outreach
events over those communities as a programme would type them: Ukrainian headers, the community
sometimes with ’ for ' or in capitals, dates as date cells, 14.03.2023 or 2023-03-14, a few
totals as "1 200", yes/no as так/ні. Then times, as staff:

(a) reading the file (``imports.readers.read_sheets``);
(b) the check: ``import_upload``, a dry run of every row through the services, rolled back;
(c) the confirmed import: ``import_confirm``, every row created;
(d) the same file again: its check finds every row unchanged (there is nothing to confirm).

IMPORT_BACKGROUND_ROWS is raised above the row count so both runs happen in this process, not in
a Celery worker: the figures are the work itself, without a queue. The target is the confirmed
import of 10,000 rows within 60 s. ``--profile`` runs the confirmed import under cProfile and
prints where its time goes. "CPU s" is this process's CPU time (Python and the driver, not the
database server's): on a shared machine, wall time minus it is waiting, for the server or a core.
Drops the database at the end unless ``--keep``.

Run from the repository root: ``python -m tools.bench_import`` (``--help`` for the options).
"""

import argparse
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
import warnings
from datetime import date, timedelta
from pathlib import Path

if not __package__:  # run as a script: import from the repository root, not from tools/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from tools import setup_django
from tools.bench_api import Benchmark

SEED = 20261206
TARGET_ROWS, TARGET_SECONDS = 10_000, 60.0
FIRST_DAY, LAST_DAY = date(2023, 3, 1), date(2025, 12, 1)

# Community names of the kind a Ukrainian oblast has, several with an apostrophe.
PLACES = (
    "Кам'янець-Подільська",
    "Слов'янська",
    "Сквирська",
    "Дунаєвецька",
    "Новоушицька",
    "Городоцька",
    "Білогірська",
    "Ярмолинецька",
    "Віньковецька",
    "Чемеровецька",
    "Старокостянтинівська",
    "Красилівська",
    "Волочиська",
    "Полонська",
    "Шепетівська",
    "Ізяславська",
    "Деражнянська",
    "Летичівська",
    "Меджибізька",
    "Теофіпольська",
    "Плужненська",
    "Гуменецька",
    "Смотрицька",
    "Солобковецька",
    "Мар'янівська",
)
KINDS_OF_COMMUNITY = ("міська", "селищна", "сільська", "старостинська")
TITLES = {
    "information_session": "Інформаційна зустріч",
    "public_meeting": "Громадські слухання",
    "training": "Тренінг для мешканців",
    "round_table": "Круглий стіл",
}
TOPICS = ("feeling_of_safety", "youth", "neighbourly_coexistence", "domestic_violence", "idp_integration")
VENUES = ("Будинок культури", "ЦНАП", "Школа № 2", "Бібліотека", "Старостат")
SUMMARY = "Мешканці обговорили безпекові питання громади та домовилися про наступні кроки."


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_import",
        description=(
            "Time reading, checking and importing an XLSX of 10,000 outreach events (and importing it again) "
            "in a fresh benchmark database, against the 60 s target. Drops it afterwards."
        ),
    )
    parser.add_argument("--rows", type=int, default=TARGET_ROWS)
    parser.add_argument("--communities", type=int, default=100)
    parser.add_argument("--profile", action="store_true", help="Profile the confirmed import (cProfile).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_django()
    options = parser().parse_args(argv)
    ImportBenchmark().run_import(options)
    return 0


class ImportBenchmark(Benchmark):
    def run_import(self, options: argparse.Namespace) -> None:
        if settings.PRODUCTION:
            raise SystemExit("The benchmark creates and drops a database: not in production.")
        warnings.filterwarnings("ignore", message="No directory at")
        self.rng = random.Random(SEED)
        media = tempfile.TemporaryDirectory(prefix="zlagoda-bench-media-")
        in_process = override_settings(IMPORT_BACKGROUND_ROWS=options.rows + 1, MEDIA_ROOT=media.name)
        with media, in_process, translation.override("uk"), self.bench_database(keep=options.keep):
            where = f"{connection.vendor}: {connection.settings_dict['NAME']}"
            print(f"Migrating the benchmark database ({where})…", file=sys.stderr)
            call_command("migrate", verbosity=0, interactive=False)
            self.fill_communities(options.communities)
            content = self.workbook(options.rows)
            print(f"{options.rows:,} rows, {len(content) / 1024:.0f} KiB. Measuring…", file=sys.stderr)
            self.measure_import(content, options.rows, profile=options.profile)

    def fill_communities(self, count: int) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from access.roles import Role
        from communities.models import Community, Country, Region
        from programmes.models import Participation, Programme

        region = Region.objects.create(name="Хмельницька область", country=Country.UKRAINE)
        names = [f"{place} {kind} громада" for kind in KINDS_OF_COMMUNITY for place in PLACES]
        self.communities = Community.objects.bulk_create(
            Community(name=name, region=region, kind="hromada", population=self.rng.randint(2_000, 120_000))
            for name in names[:count]
        )
        programme = Programme.objects.create(
            code="BENCH-2023",
            name="Програма",
            name_en="Programme",
            implementing_organisation="ГО",
            starts_on=FIRST_DAY - timedelta(days=1),
            ends_on=LAST_DAY + timedelta(days=1),
            countries=["UA"],
            currency="UAH",
            budget=0,
        )
        Participation.objects.bulk_create(
            Participation(programme=programme, community=community, joined_on=programme.starts_on)
            for community in self.communities
        )
        self.staff = get_user_model().objects.create_user(username="bench-staff")
        self.staff.groups.add(Group.objects.get(name=Role.STAFF.value))

    def workbook(self, count: int) -> bytes:
        """An XLSX of ``count`` distinct events, typed as people type them."""
        from openpyxl import Workbook

        from communities.models import Topic
        from imports.specs import record_type
        from negotiators.models import EventKind

        rng = self.rng
        columns = record_type("events").columns
        names = [
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
            "police_present",
            "local_government_present",
            "summary",
        ]
        labels = [str(next(c for c in columns if c.name == name).label) for name in names]
        header = [label[:1].upper() + label[1:] for label in labels]
        kinds = {value: str(label) for value, label in EventKind.choices}
        topics = {value: str(label) for value, label in Topic.choices}
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Заходи"
        sheet.append(header)
        span = (LAST_DAY - FIRST_DAY).days
        seen: set[tuple] = set()
        while len(seen) < count:
            community = rng.choice(self.communities)
            day = FIRST_DAY + timedelta(days=rng.randrange(span))
            kind = rng.choice(list(TITLES))
            topic = topics[rng.choice(TOPICS)]
            title = f"{TITLES[kind]}: {topic.lower()}"
            if (community.pk, day, kind, title) in seen:
                continue
            seen.add((community.pk, day, kind, title))
            total = rng.randint(1_000, 1_500) if rng.random() < 0.01 else rng.randint(3, 60)
            women = rng.randint(0, total)
            name = community.name
            if rng.random() < 0.2:
                name = name.replace("'", "’")
            elif rng.random() < 0.1:
                name = name.upper()
            sheet.append(
                [
                    name,
                    rng.choice((day, day.strftime("%d.%m.%Y"), day.isoformat())),
                    kinds[kind],
                    title,
                    topic,
                    rng.choice(VENUES),
                    f"{total:,}".replace(",", " ") if total >= 1_000 else total,
                    women,
                    rng.randint(0, total - women),
                    rng.randint(0, total),
                    rng.choice(("так", "ні")),
                    rng.choice(("так", "ні", None)),
                    SUMMARY,
                ]
            )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def measure_import(self, content: bytes, rows: int, *, profile: bool) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from imports.models import ImportStatus
        from imports.readers import read_sheets
        from imports.services import import_confirm, import_upload
        from negotiators.models import OutreachEvent

        def upload():
            return import_upload(kind="events", upload=SimpleUploadedFile("zahody.xlsx", content), actor=self.staff)

        figures = []

        def timed(step: str, function):
            started, cpu = time.perf_counter(), time.process_time()
            result = function()
            figures.append((step, time.perf_counter() - started, time.process_time() - cpu))
            return result

        sheets = timed("(a) read the file", lambda: read_sheets(io.BytesIO(content), "zahody.xlsx"))
        assert len(sheets[0].rows) == rows, len(sheets[0].rows)

        job = timed("(b) check (dry run)", upload)
        assert (job.status, job.to_create, job.rejected) == (ImportStatus.CHECKED, rows, 0), (job.status, job.rows[:3])

        profiler = cProfile.Profile() if profile else None
        if profiler:
            profiler.enable()
        job = timed("(c) confirmed import", lambda: import_confirm(job=job, actor=self.staff))
        if profiler:
            profiler.disable()
        imported = figures[-1][1]
        assert job.status == ImportStatus.IMPORTED, (job.status, job.problem)
        assert OutreachEvent.objects.count() == rows

        again = timed("(d) same file again", upload)
        assert (again.unchanged, again.to_create, again.to_update) == (rows, 0, 0)

        print(f"\nZlagoda spreadsheet import benchmark on {connection.vendor}: {rows:,} outreach events")
        print(f"over {len(self.communities)} communities, one XLSX; in-process (IMPORT_BACKGROUND_ROWS above it)\n")
        print(f"{'step':<24} {'seconds':>8} {'rows/s':>8} {'CPU s':>8}")
        for step, seconds, cpu in figures:
            print(f"{step:<24} {seconds:8.1f} {rows / seconds:8.0f} {cpu:8.1f}")
        projected = imported * TARGET_ROWS / rows
        verdict = "met" if projected <= TARGET_SECONDS else "NOT met"
        print(
            f"\nTarget: {TARGET_ROWS:,} rows imported within {TARGET_SECONDS:.0f} s: {verdict} "
            f"({projected:.1f} s at {rows / imported:.0f} rows/s)"
        )
        if profiler:
            print("\nThe confirmed import under cProfile (cumulative time, top 30):\n")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    raise SystemExit(main())
