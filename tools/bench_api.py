"""Benchmark of the API's list pages against hand-written SQL on the same data, in one run.

Creates a fresh benchmark database next to the configured one (PostgreSQL: ``<name>_bench`` on the
same server; SQLite: a temporary file), fills it with bulk inserts (COPY on PostgreSQL), then
measures the median in-process time of a 100-row page of ``incidents/`` and ``events/`` (with and
without filters, as a staff key and as a partner key) and of ``cases/`` (as a staff key, and as a
case worker's session: their own hundred cases), and of the equivalent raw SQL plus JSON
encoding, and the time of ``count`` on a filtered list. Drops the database at the end unless
``--keep``. Prints figures; the targets are checked by reading them, not by a test.

Run from the repository root: ``python -m tools.bench_api`` (or ``python tools/bench_api.py``),
``--help`` for the options.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

if not __package__:  # run as a script: import from the repository root, not from tools/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from tools import setup_django

SEED = 20250630
PERIOD_START = datetime(2024, 1, 1, tzinfo=UTC)
PERIOD_DAYS = 730
# The filtered pages: a half-year and one value of a common filter, as a partner's sync asks.
INCIDENT_FILTER = {"status": "resolved", "date_after": "2025-01-01", "date_before": "2025-06-30"}
EVENT_FILTER = {"kind": "information_session", "date_after": "2025-01-01", "date_before": "2025-06-30"}
CASE_FILTER = {"status": "in_progress", "opened_after": "2025-01-01", "opened_before": "2025-06-30"}
# Each case worker works this many cases (and supervises as many of others').
CASES_PER_WORKER = 100


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_api",
        description=(
            "Fill a fresh benchmark database (1,000 communities, 100,000 incidents, 100,000 events and 100,000 "
            "cases by default) and compare the API's list pages with hand-written SQL + JSON on the same data. "
            "Drops it afterwards."
        ),
    )
    parser.add_argument("--communities", type=int, default=1_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40, help="Timed runs per measurement (median).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_django()
    options = parser().parse_args(argv)
    Benchmark().run(
        communities=options.communities,
        incidents=options.incidents,
        events=options.events,
        cases=options.cases,
        repeat=options.repeat,
        keep=options.keep,
    )
    return 0


class Benchmark:
    def run(self, *, communities: int, incidents: int, events: int, cases: int, repeat: int, keep: bool) -> None:
        if settings.PRODUCTION:
            raise SystemExit("The benchmark creates and drops a database: not in production.")
        self.repeat = repeat
        # WhiteNoise warns about a missing collectstatic folder on every new handler; irrelevant here.
        warnings.filterwarnings("ignore", message="No directory at")
        self.rng = random.Random(SEED)
        with self.bench_database(keep=keep):
            started = time.perf_counter()
            where = f"{connection.vendor}: {connection.settings_dict['NAME']}"
            print(f"Migrating the benchmark database ({where})…", file=sys.stderr)
            call_command("migrate", verbosity=0, interactive=False)
            print("Filling it…", file=sys.stderr)
            self.fill(communities, incidents, events)
            self.fill_cases(cases)
            print(f"Ready in {time.perf_counter() - started:.0f} s. Measuring…", file=sys.stderr)
            self.measure()

    # --- the database ----------------------------------------------------------------------------

    @contextmanager
    def bench_database(self, *, keep: bool):
        if connection.in_atomic_block:
            raise SystemExit("The benchmark switches databases: run it outside a transaction.")
        original = connection.settings_dict["NAME"]
        if connection.vendor == "postgresql":
            name = f"{original}_bench"
            self._postgres(f'DROP DATABASE IF EXISTS "{name}"')
            self._postgres(f'CREATE DATABASE "{name}"')
        elif connection.vendor == "sqlite":
            name = str(Path(tempfile.mkdtemp(prefix="zlagoda-bench-")) / "bench.sqlite3")
        else:
            raise SystemExit(f"No benchmark support for {connection.vendor}.")
        # The open connection is set aside, not closed (an in-memory SQLite database would vanish
        # with it); the next query connects to the benchmark database.
        saved = connection.connection
        connection.connection = None
        self._rename(name)
        try:
            yield
        finally:
            connection.close()
            self._rename(original)
            connection.connection = saved
            if keep:
                print(f"Kept the benchmark database {name}.", file=sys.stderr)
            elif connection.vendor == "postgresql":
                self._postgres(f'DROP DATABASE IF EXISTS "{name}"')
            else:
                Path(name).unlink(missing_ok=True)
                Path(name).parent.rmdir()

    def _postgres(self, statement: str) -> None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(statement)

    def _rename(self, name: str) -> None:
        settings.DATABASES[connection.alias]["NAME"] = name
        connection.settings_dict["NAME"] = name

    def insert(self, model, rows: list[dict]) -> None:
        """Bulk insert of plain dicts: COPY on PostgreSQL, executemany elsewhere. Values pass through
        each field's get_db_prep_save, as Django's own inserts do."""
        if not rows:
            return
        fields = [model._meta.get_field(name) for name in rows[0]]
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        table = connection.ops.quote_name(model._meta.db_table)

        def prepared(row):
            return tuple(field.get_db_prep_save(row[field.name], connection) for field in fields)

        # One transaction per table: SQLite would otherwise sync the disk after every row.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(prepared(row))
            else:
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", map(prepared, rows))  # type: ignore[arg-type]

    def fill(self, community_count: int, incident_count: int, event_count: int) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from access.roles import Role
        from api.keys import api_key_issue
        from communities.models import Community, Country, PartnerOrganisation, Region
        from incidents.models import CLOSED_STATUSES, Incident, IncidentCategory, IncidentStatus
        from negotiators.models import EventKind, Negotiator, OutreachEvent
        from programmes.models import Participation, Programme

        rng, now = self.rng, timezone.now()
        regions = Region.objects.bulk_create(
            [Region(name=f"Область {index}", country=Country.UKRAINE) for index in range(10)]
        )
        self.insert(
            Community,
            [
                {
                    "name": f"Громада {index}",
                    "region": regions[index % len(regions)].pk,
                    "kind": "hromada",
                    "population": rng.randint(2_000, 300_000),
                    "latitude": Decimal("49.40000"),
                    "longitude": Decimal("27.00000"),
                    "created_at": now,
                    "updated_at": now,
                }
                for index in range(community_count)
            ],
        )
        community_ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
        self.insert(
            Negotiator,
            [
                {
                    "community": community_id,
                    "cohort": "new",
                    "status": "certified",
                    "joined_on": date(2024, 2, 1),
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for community_id in community_ids
                for _seat in range(2)
            ],
        )
        # Every record belongs to a programme its community takes part in: one, over the period.
        programme = Programme.objects.create(
            code="BENCH",
            name="Програма",
            name_en="Programme",
            implementing_organisation="ГО",
            starts_on=PERIOD_START.date() - timedelta(days=1),
            ends_on=(PERIOD_START + timedelta(days=PERIOD_DAYS + 1)).date(),
            countries=["UA"],
            currency="UAH",
            budget=0,
        )
        Participation.objects.bulk_create(
            Participation(programme=programme, community_id=community_id, joined_on=programme.starts_on)
            for community_id in community_ids
        )
        negotiators: dict[int, list[int]] = {}
        for negotiator_id, community_id in Negotiator.objects.values_list("pk", "community_id"):
            negotiators.setdefault(community_id, []).append(negotiator_id)

        categories = list(IncidentCategory.values)
        statuses = list(IncidentStatus.values)
        incidents = []
        for _ in range(incident_count):
            community_id = rng.choice(community_ids)
            occurred_at = PERIOD_START + timedelta(minutes=rng.randrange(PERIOD_DAYS * 24 * 60))
            status = rng.choices(statuses, weights=[10, 20, 50, 10, 10])[0]
            incidents.append(
                {
                    "community": community_id,
                    "category": rng.choice(categories),
                    "severity": rng.randint(1, 4),
                    "status": status,
                    "response_mode": "mediation" if status != "reported" else "",
                    "referred_to": "police" if status == "referred" else "",
                    "occurred_at": occurred_at,
                    "closed_at": (
                        occurred_at + timedelta(days=rng.randint(1, 60)) if status in CLOSED_STATUSES else None
                    ),
                    "title": "Спір сусідів через межу ділянки",
                    "title_is_automatic": False,
                    "description": "Звернення мешканця.",
                    "location": "",
                    "latitude": None,
                    "longitude": None,
                    "source": "resident",
                    "police_involved": rng.random() < 0.3,
                    "negotiator": rng.choice(negotiators[community_id]),
                    "programme": programme.pk,
                    "internal_notes": "",
                    "created_by": None,
                    "created_at": occurred_at,
                    "updated_at": occurred_at + timedelta(days=rng.randint(0, 60)),
                }
            )
        self.insert(Incident, incidents)

        kinds = list(EventKind.values)
        events, organisers = [], []
        for _ in range(event_count):
            community_id = rng.choice(community_ids)
            day = (PERIOD_START + timedelta(days=rng.randrange(PERIOD_DAYS))).date()
            total = rng.randint(3, 60)
            women = rng.randint(0, total)
            events.append(
                {
                    "community": community_id,
                    "programme": programme.pk,
                    "kind": rng.choices(kinds, weights=[60, 5, 10, 2, 2, 10, 6, 5])[0],
                    "title": "Інформаційна зустріч: безпека в громаді",
                    "title_is_automatic": False,
                    "date": day,
                    "place": "Будинок культури",
                    "topic": "feeling_of_safety",
                    "participants_total": total,
                    "participants_women": women,
                    "participants_men": total - women,
                    "participants_youth": rng.randint(0, total),
                    "participants_idps": 0,
                    "participants_veterans": 0,
                    "participants_vulnerable": 0,
                    "police_present": rng.random() < 0.4,
                    "local_government_present": rng.random() < 0.5,
                    "ngos_present": False,
                    "summary": "Мешканці обговорили безпекові питання громади.",
                    "internal_notes": "",
                    "created_by": None,
                    "created_at": now,
                    "updated_at": now,
                    "status": "held",
                    "format": "in_person",
                    "time_zone": "",
                    "meeting_link": "",
                    "stream_link": "",
                    "languages": [],
                    "interpretation": False,
                    "agenda": "",
                    "registration_open": False,
                }
            )
            organisers.append(negotiators[community_id][: rng.randint(1, 2)])
        self.insert(OutreachEvent, events)
        through = OutreachEvent.organisers.through
        event_ids = OutreachEvent.objects.order_by("pk").values_list("pk", flat=True)
        self.insert(
            through,
            [
                {"outreachevent": event_id, "negotiator": negotiator_id}
                for event_id, chosen in zip(event_ids, organisers, strict=True)
                for negotiator_id in chosen
            ],
        )
        staff = get_user_model().objects.create_user(username="bench-staff")
        staff.groups.add(Group.objects.get(name=Role.STAFF.value))
        self.staff_key = api_key_issue(actor=None, user=staff).token
        # A partner covering a tenth of the communities, as the demo's partner covers about half.
        self.partner = PartnerOrganisation.objects.create(name="ГО «Бенчмарк»", country=Country.UKRAINE)
        self.partner.communities.add(*community_ids[: max(1, len(community_ids) // 10)])
        self.partner_key = api_key_issue(actor=None, partner=self.partner).token
        self.community_ids, self.programme = community_ids, programme

    def fill_cases(self, case_count: int) -> None:
        """People (a pseudonymous code each, their identity left out: the lists never read it) and
        their cases, worked by case worker logins a hundred cases each, each case with a summary
        (encrypted, as stored; a list does not read it)."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from access.roles import Role
        from casework.models import AgeGroup, Beneficiary, Case, CaseOutcome, CaseStatus, Sex

        rng, now = self.rng, timezone.now()
        User = get_user_model()
        workers = User.objects.bulk_create(
            User(username=f"bench-case-worker-{index}") for index in range(max(2, case_count // CASES_PER_WORKER))
        )
        Group.objects.get(name=Role.CASE_WORKER.value).user_set.add(*workers)
        self.case_worker = workers[0]
        self.insert(
            Beneficiary,
            [
                {
                    "code": f"BN-{index:07d}",
                    "community": rng.choice(self.community_ids),
                    "sex": rng.choice(Sex.values),
                    "age_group": rng.choice(AgeGroup.values),
                    "vulnerable_refugee": rng.random() < 0.3,
                    "vulnerable_disability": rng.random() < 0.2,
                    "vulnerable_veteran": rng.random() < 0.2,
                    "vulnerable_displaced": rng.random() < 0.3,
                    "vulnerable_older_person": False,
                    "vulnerable_single_parent": False,
                    "vulnerable_other": False,
                    "languages": "uk",
                    "created_at": now,
                    "updated_at": now,
                }
                for index in range(case_count)
            ],
        )
        statuses, outcomes = list(CaseStatus.values), list(CaseOutcome.values)
        rows = []
        for index, (beneficiary_id, community_id) in enumerate(
            Beneficiary.objects.order_by("pk").values_list("pk", "community_id")
        ):
            opened_on = (PERIOD_START + timedelta(days=rng.randrange(PERIOD_DAYS - 60))).date()
            status = rng.choices(statuses, weights=[10, 10, 10, 40, 30])[0]
            worker = workers[index % len(workers)]
            rows.append(
                {
                    "beneficiary": beneficiary_id,
                    "community": community_id,
                    "programme": self.programme.pk,
                    "case_worker": worker.pk,
                    "supervisor": workers[(index + 1) % len(workers)].pk,
                    "status": status,
                    "opened_on": opened_on,
                    "closed_on": opened_on + timedelta(days=rng.randint(1, 60)) if status == "closed" else None,
                    "outcome": rng.choice(outcomes) if status == "closed" else "",
                    "summary": "Супровід в отриманні документів і житла.",
                    "origin_incident": None,
                    "plan_approved_by": None,
                    "plan_approved_on": None,
                    "closure_approved_by": None,
                    "closure_approved_on": None,
                    "anonymised_at": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        self.insert(Case, rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- the measurements ------------------------------------------------------------------------

    def timed(self, *functions) -> list[float]:
        """Median milliseconds of each function after a few warm-up calls. The functions take
        turns, so that a busy moment of the machine weighs on all of them alike."""
        for function in functions * 3:
            function()
        samples: list[list[float]] = [[] for _ in functions]
        for _ in range(self.repeat):
            for function, timings in zip(functions, samples, strict=True):
                started = time.perf_counter()
                function()
                timings.append((time.perf_counter() - started) * 1000)
        return [statistics.median(timings) for timings in samples]

    def api_call(self, caller, path: str, params: dict):
        """A page of ``path`` for ``caller``: an API key, or a user (signed in, as the field app)."""
        if isinstance(caller, str):
            client = Client(HTTP_AUTHORIZATION=f"Bearer {caller}")
        else:
            client = Client()
            client.force_login(caller)

        def call():
            response = client.get(path, {**params, "page_size": 100})
            assert response.status_code == 200, response.content[:300]
            response.content  # noqa: B018

        return call

    def raw_call(self, sql_page: str, sql_count: str, params: list, encode):
        def call():
            with connection.cursor() as cursor:
                cursor.execute(sql_count, params)
                count = cursor.fetchone()[0]
                cursor.execute(sql_page, params)
                names = [column[0] for column in cursor.description]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
                body = {"count": count, "next": None, "previous": None, "results": encode(cursor, rows)}
            json.dumps(body, ensure_ascii=False, default=str).encode()

        return call

    def measure(self) -> None:
        from access.viewer import Viewer
        from communities.models import PartnerOrganisation
        from incidents.filters import IncidentFilter
        from incidents.selectors import visible_incidents
        from negotiators.filters import OutreachEventFilter
        from negotiators.selectors import visible_events

        # The throttle stays in the path (its cache round trip is part of every request) with a
        # rate the benchmark cannot reach; DEBUG off, so no query log is kept.
        overrides = override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            API_THROTTLE_RATES={"key": "1000000/minute", "user": None, "anon": None},
        )
        results = []
        with overrides:
            for viewer, token in (("staff key", self.staff_key), ("partner key", self.partner_key)):
                partner_id = self.partner.pk if viewer == "partner key" else None
                for path, filters, raw in (
                    ("/api/v1/incidents/", {}, self.raw_incidents),
                    ("/api/v1/incidents/", INCIDENT_FILTER, self.raw_incidents),
                    ("/api/v1/events/", {}, self.raw_events),
                    ("/api/v1/events/", EVENT_FILTER, self.raw_events),
                ):
                    api, baseline = self.timed(self.api_call(token, path, filters), raw(filters, partner_id))
                    label = path.removeprefix("/api/v1/") + (" filtered" if filters else "")
                    results.append((viewer, label, api, baseline))
            # Cases: the case team only (a partner's key gets 404). A case worker has no key of
            # their own: their session.
            for viewer, caller, worker_id in (
                ("staff key", self.staff_key, None),
                ("case worker", self.case_worker, self.case_worker.pk),
            ):
                for filters in ({}, CASE_FILTER) if worker_id is None else ({},):
                    api, baseline = self.timed(
                        self.api_call(caller, "/api/v1/cases/", filters), self.raw_cases(filters, worker_id)
                    )
                    results.append((viewer, "cases/" + (" filtered" if filters else ""), api, baseline))

            counts = []
            for viewer in ("staff", "partner"):
                who = (
                    Viewer.for_partner(PartnerOrganisation.objects.get(pk=self.partner.pk))
                    if viewer == "partner"
                    else Viewer.for_user(self._staff_user())
                )
                for name, selector, filterset, params in (
                    ("incidents", visible_incidents, IncidentFilter, INCIDENT_FILTER),
                    ("events", visible_events, OutreachEventFilter, EVENT_FILTER),
                ):
                    queryset = selector(who)
                    filtered = filterset(params, queryset=queryset).qs
                    rows = filtered.count()
                    counts.append((viewer, name, rows, self.timed(lambda qs=filtered: qs.all().count())[0]))

        print(f"\nZlagoda API benchmark on {connection.vendor} ({self.repeat} runs per figure, median)\n")
        print(f"{'caller':<12} {'page of 100':<22} {'API ms':>8} {'raw ms':>8} {'ratio':>6}")
        for viewer, label, api, baseline in results:
            ratio = api / baseline
            flag = "" if ratio <= 3 else "  > 3x"
            print(f"{viewer:<12} {label:<22} {api:8.1f} {baseline:8.1f} {ratio:6.2f}{flag}")
        print(f"\n{'caller':<12} {'count of filtered list':<22} {'rows':>8} {'ms':>8}")
        for viewer, name, rows, elapsed in counts:
            flag = "" if elapsed <= 50 else "  > 50 ms"
            print(f"{viewer:<12} {name:<22} {rows:8d} {elapsed:8.1f}{flag}")

    def _staff_user(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(username="bench-staff")

    # The hand-written equivalents: the same columns, joins, filters, order, page and count.

    def _where(self, filters: dict, partner_id, date_column: str, moment: bool) -> tuple[str, list]:
        clauses, params = [], []
        if partner_id is not None:
            clauses.append(
                "t.community_id IN (SELECT community_id FROM communities_partnerorganisation_communities "
                "WHERE partnerorganisation_id = %s)"
            )
            params.append(partner_id)
        for name in ("status", "kind"):
            if name in filters:
                clauses.append(f"t.{name} = %s")
                params.append(filters[name])
        if "date_after" in filters:
            after = date.fromisoformat(filters["date_after"])
            clauses.append(f"t.{date_column} >= %s")
            params.append(timezone.make_aware(datetime.combine(after, datetime.min.time())) if moment else after)
        if "date_before" in filters:
            before = date.fromisoformat(filters["date_before"])
            if moment:
                clauses.append(f"t.{date_column} < %s")
                params.append(timezone.make_aware(datetime.combine(before + timedelta(days=1), datetime.min.time())))
            else:
                clauses.append(f"t.{date_column} <= %s")
                params.append(before)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def raw_incidents(self, filters: dict, partner_id):
        where, params = self._where(filters, partner_id, "occurred_at", moment=True)
        internal = (
            ""
            if partner_id
            else ", t.description, t.location, t.latitude, t.longitude, t.internal_notes, t.created_by_id"
        )
        page = (
            "SELECT t.id, t.community_id AS community, c.name AS community_name, c.region_id AS region, "
            "c.latitude AS community_latitude, c.longitude AS community_longitude, t.category, t.severity, "
            "t.status, t.response_mode, t.referred_to, t.occurred_at, t.closed_at, t.title, t.source, "
            f"t.police_involved, t.negotiator_id AS negotiator{internal}, t.created_at, t.updated_at "
            "FROM incidents_incident t JOIN communities_community c ON c.id = t.community_id"
            f"{where} ORDER BY t.occurred_at DESC, t.id DESC LIMIT 100"
        )
        count = f"SELECT COUNT(*) FROM incidents_incident t{where}"

        def encode(cursor, rows):
            for row in rows:
                for key in ("occurred_at", "closed_at", "created_at", "updated_at"):
                    if row[key] is not None:
                        row[key] = _aware(row[key]).isoformat()
                for key in ("community_latitude", "community_longitude", "latitude", "longitude"):
                    if row.get(key) is not None:
                        row[key] = float(row[key])
            return rows

        return self.raw_call(page, count, params, encode)

    def raw_cases(self, filters: dict, worker_id):
        """The same page by hand: a list shows no summary (``cases/<id>/`` does, decrypted and its
        opening logged), so neither side reads it."""
        page, count, params = _cases_sql(filters, worker_id)

        def encode(cursor, rows):
            for row in rows:
                for key in ("opened_on", "closed_on", "plan_approved_on", "closure_approved_on"):
                    row[key] = str(row[key]) if row[key] is not None else None
                for key in ("created_at", "updated_at"):
                    row[key] = _aware(row[key]).isoformat()
            return rows

        return self.raw_call(page, count, params, encode)

    def raw_events(self, filters: dict, partner_id):
        where, params = self._where(filters, partner_id, "date", moment=False)
        internal = "" if partner_id else ", t.internal_notes, t.created_by_id"
        page = (
            "SELECT t.id, t.community_id AS community, c.name AS community_name, c.region_id AS region, t.kind, "
            "t.title, t.date, t.place, t.topic, t.participants_total, t.participants_women, t.participants_men, "
            "t.participants_youth, t.participants_idps, t.participants_veterans, t.participants_vulnerable, "
            f"t.police_present, t.local_government_present, t.ngos_present, t.summary{internal}, "
            "t.created_at, t.updated_at "
            "FROM negotiators_outreachevent t JOIN communities_community c ON c.id = t.community_id"
            f"{where} ORDER BY t.date DESC, t.id DESC LIMIT 100"
        )
        count = f"SELECT COUNT(*) FROM negotiators_outreachevent t{where}"

        def encode(cursor, rows):
            ids = [row["id"] for row in rows]
            organisers = {}
            if ids:
                placeholders = ", ".join(["%s"] * len(ids))
                cursor.execute(
                    "SELECT outreachevent_id, negotiator_id FROM negotiators_outreachevent_organisers "
                    f"WHERE outreachevent_id IN ({placeholders})",
                    ids,
                )
                for event_id, negotiator_id in cursor.fetchall():
                    organisers.setdefault(event_id, []).append(negotiator_id)
            for row in rows:
                row["organisers"] = organisers.get(row["id"], [])
                row["date"] = str(row["date"])
                for key in ("created_at", "updated_at"):
                    row[key] = _aware(row[key]).isoformat()
            return rows

        return self.raw_call(page, count, params, encode)


def _cases_sql(filters: dict, worker_id) -> tuple[str, str, list]:
    clauses, params = [], []
    if worker_id is not None:
        clauses.append("(t.case_worker_id = %s OR t.supervisor_id = %s)")
        params += [worker_id, worker_id]
    if "status" in filters:
        clauses.append("t.status = %s")
        params.append(filters["status"])
    if "opened_after" in filters:
        clauses.append("t.opened_on >= %s")
        params.append(date.fromisoformat(filters["opened_after"]))
    if "opened_before" in filters:
        clauses.append("t.opened_on <= %s")
        params.append(date.fromisoformat(filters["opened_before"]))
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    page = (
        "SELECT t.id, b.code, t.programme_id AS programme, t.community_id AS community, c.name AS community_name, "
        "c.region_id AS region, t.status, t.opened_on, t.closed_on, t.outcome, t.case_worker_id AS case_worker, "
        "t.supervisor_id AS supervisor, t.origin_incident_id AS origin_incident, t.plan_approved_on, "
        "t.closure_approved_on, NULL AS summary, t.created_at, t.updated_at "
        "FROM casework_case t JOIN casework_beneficiary b ON b.id = t.beneficiary_id "
        f"JOIN communities_community c ON c.id = t.community_id{where} ORDER BY t.opened_on DESC, t.id DESC LIMIT 100"
    )
    return page, f"SELECT COUNT(*) FROM casework_case t{where}", params


def _aware(value):
    # SQLite hands back text or naive UTC datetimes; PostgreSQL aware ones.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return timezone.localtime(value)


if __name__ == "__main__":
    raise SystemExit(main())
