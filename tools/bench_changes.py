"""Benchmark of the change feed (``/api/v1/changes/``) at 100,000 changes against the raw query
that reads the same page, in one run.

Fills a fresh benchmark database as ``tools.bench_api`` does (its communities, incidents and
events), then writes the change log: one row per record (as the migration logs them) and edits of
random incidents and events up to ``--changes`` rows. Measures the median in-process time of a
500-item page read from the middle of the log, as a staff key and as a partner key (a tenth of the
communities), and of the raw equivalent: the page of change rows the caller is concerned by, then
its records with their community, encoded as JSON. Prints figures; the 3x target is read off them.

Run from the repository root: ``python -m tools.bench_changes`` (``--help`` for the options).
"""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

if not __package__:  # run as a script: import from the repository root, not from tools/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from tools import setup_django
from tools.bench_api import Benchmark, _aware

PAGE = 500


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_changes",
        description="Time a 500-item page of the change feed at 100,000 changes against the raw query.",
    )
    parser.add_argument("--communities", type=int, default=1_000)
    parser.add_argument("--records", type=int, default=20_000, help="Incidents, and as many events.")
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="Timed runs per measurement (median).")
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database afterwards.")
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_django()
    options = parser().parse_args(argv)
    ChangeBenchmark().run_changes(options)
    return 0


class ChangeBenchmark(Benchmark):
    def run_changes(self, options: argparse.Namespace) -> None:
        if settings.PRODUCTION:
            raise SystemExit("The benchmark creates and drops a database: not in production.")
        import random

        self.repeat = options.repeat
        warnings.filterwarnings("ignore", message="No directory at")
        self.rng = random.Random(20261203)
        with self.bench_database(keep=options.keep):
            started = time.perf_counter()
            print(f"Migrating the benchmark database ({connection.vendor})…", file=sys.stderr)
            call_command("migrate", verbosity=0, interactive=False)
            print("Filling it…", file=sys.stderr)
            self.fill(options.communities, options.records, options.records)
            self.fill_change_log(options.changes)
            print(f"Ready in {time.perf_counter() - started:.0f} s. Measuring…", file=sys.stderr)
            self.measure_feed()

    def fill_change_log(self, total: int) -> None:
        from api.models import Change
        from incidents.models import Incident
        from negotiators.models import OutreachEvent

        Change.objects.all().delete()
        now = timezone.now()
        records = [("incidents", pk, community) for pk, community in Incident.objects.values_list("pk", "community_id")]
        records += [
            ("events", pk, community) for pk, community in OutreachEvent.objects.values_list("pk", "community_id")
        ]
        rows = [(name, pk, community, "create") for name, pk, community in records]
        while len(rows) < total:
            name, pk, community = self.rng.choice(records)
            rows.append((name, pk, community, "update"))
        self.insert(
            Change,
            [
                {
                    "collection": name,
                    "object_id": pk,
                    "action": action,
                    "audience": "community",
                    "community_id": community,
                    "partner_id": None,
                    "changed_at": now,
                }
                for name, pk, community, action in rows[:total]
            ],
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.total_changes = Change.objects.count()

    def feed_call(self, token: str, since: str):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

        def call():
            response = client.get("/api/v1/changes/", {"since": since, "page_size": PAGE})
            assert response.status_code == 200, response.content[:300]
            assert response.json()["results"], "an empty page measures nothing"

        return call

    def raw_call_feed(self, since: int, partner_id):
        """The same page by hand: the change rows concerning the caller, then their records with
        their community, as JSON."""
        scope = (
            "AND community_id IN (SELECT community_id FROM communities_partnerorganisation_communities "
            "WHERE partnerorganisation_id = %s)"
            if partner_id
            else ""
        )
        params = [since, partner_id] if partner_id else [since]
        page_sql = (
            f"SELECT id, collection, object_id, action FROM api_change WHERE id > %s {scope} ORDER BY id LIMIT {PAGE}"
        )
        tables = {
            "incidents": (
                "SELECT t.id, t.community_id, c.name, c.region_id, c.latitude, c.longitude, t.category, t.severity, "
                "t.status, t.response_mode, t.referred_to, t.occurred_at, t.closed_at, t.title, t.source, "
                "t.police_involved, t.negotiator_id, t.created_at, t.updated_at FROM incidents_incident t "
                "JOIN communities_community c ON c.id = t.community_id WHERE t.id IN ({})"
            ),
            "events": (
                "SELECT t.id, t.community_id, c.name, c.region_id, t.kind, t.title, t.date, t.place, t.topic, "
                "t.participants_total, t.participants_women, t.participants_men, t.police_present, t.summary, "
                "t.created_at, t.updated_at FROM negotiators_outreachevent t "
                "JOIN communities_community c ON c.id = t.community_id WHERE t.id IN ({})"
            ),
        }

        def call():
            with connection.cursor() as cursor:
                cursor.execute(page_sql, params)
                changes = cursor.fetchall()
                wanted: dict[str, set[int]] = {}
                for _id, name, pk, _action in changes:
                    wanted.setdefault(name, set()).add(pk)
                records = {}
                for name, ids in wanted.items():
                    cursor.execute(tables[name].format(", ".join(["%s"] * len(ids))), list(ids))
                    names = [column[0] for column in cursor.description]
                    for row in cursor.fetchall():
                        record = dict(zip(names, row, strict=True))
                        for key in ("created_at", "updated_at"):
                            record[key] = _aware(record[key]).isoformat()
                        records[(name, record["id"])] = record
            results = [
                {"collection": name, "id": pk, "change": action, "record": records.get((name, pk))}
                for _id, name, pk, action in changes
            ]
            json.dumps({"results": results, "next_cursor": "x", "has_more": True}, default=str).encode()

        return call

    def measure_feed(self) -> None:
        from sync.feed import encode_cursor

        since = self.total_changes // 2
        overrides = override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            API_THROTTLE_RATES={"key": "1000000/minute", "user": None, "anon": None},
        )
        results = []
        with overrides:
            for caller, token, partner_id in (
                ("staff key", self.staff_key, None),
                ("partner key", self.partner_key, self.partner.pk),
            ):
                feed, raw = self.timed(
                    self.feed_call(token, encode_cursor(since)), self.raw_call_feed(since, partner_id)
                )
                results.append((caller, feed, raw))
        print(
            f"\nZlagoda change feed benchmark on {connection.vendor}: {self.total_changes:,} changes, "
            f"a page of {PAGE} from the middle ({self.repeat} runs per figure, median)\n"
        )
        print(f"{'caller':<12} {'feed ms':>8} {'raw ms':>8} {'ratio':>6}")
        for caller, feed, raw in results:
            ratio = feed / raw
            print(f"{caller:<12} {feed:8.1f} {raw:8.1f} {ratio:6.2f}{'' if ratio <= 3 else '  > 3x'}")


if __name__ == "__main__":
    raise SystemExit(main())
