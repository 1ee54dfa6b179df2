"""Benchmark of the monitoring reports: the annual report at demo scale and at national scale,
each in a dedicated database that this tool creates, fills and drops.

Run from the repository root: ``python -m tools.bench_reports`` (or ``python tools/bench_reports.py``),
``--help`` for the options. The data and the measurement are in ``tools/bench_reports_data.py``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TypedDict
from urllib.parse import quote

if not __package__:  # run as a script: import from the repository root, not from tools/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from tools import ROOT, setup_django


class Target(TypedDict):
    seconds: int
    mb: int | None


TARGETS: dict[str, Target] = {
    "demo": {"seconds": 5, "mb": None},
    "national": {"seconds": 60, "mb": 1024},
    # One programme's report (NAT-B: a third of the communities) on the national database.
    "programme": {"seconds": 60, "mb": 1024},
}
# What fills and measures a benchmark database: this tool again, in a fresh process.
SELF = [sys.executable, "-m", "tools.bench_reports"]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def _postgres_url(name: str) -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{name}"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench_reports",
        description=(
            "Time the building of the annual monitoring report (figures and PDF separately) and report the "
            "peak memory, at demo scale (the demo programme, 25 communities) and at national scale (1,500 "
            "communities, 1,000,000 incidents, 200,000 events; needs DATABASE_URL on PostgreSQL). Each scale "
            "runs in its own database, created here and dropped afterwards, and is measured in a fresh process; "
            "the national database also measures one programme's report (NAT-B, a third of the communities)."
        ),
    )
    parser.add_argument("--scale", choices=["demo", "national", "all"], default="all")
    parser.add_argument("--communities", type=int, default=1500)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--language", default="uk", choices=[code for code, _name in settings.LANGUAGES])
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    # What the child processes run inside a benchmark database.
    parser.add_argument("--fill", choices=["demo", "national"], help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--programme", help=argparse.SUPPRESS)  # with --measure: that programme's report
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_django()
    options = vars(parser().parse_args(argv))
    Benchmark().run(**options)
    return 0


class Benchmark:
    def run(self, *, scale, fill, measure, **options):
        from tools import bench_reports_data as benchmark  # imports the portal's models: once Django is set up

        if fill == "demo":
            call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            return
        if fill == "national":
            benchmark.fill_national(
                communities=options["communities"], incidents=options["incidents"], events=options["events"]
            )
            return
        if measure:
            print(json.dumps(benchmark.measure(language=options["language"], programme=options["programme"])))
            return
        scales = ["demo", "national"] if scale == "all" else [scale]
        results = []
        for name in scales:
            if name == "national" and connection.vendor != "postgresql":
                print(
                    "National scale needs PostgreSQL: run with DATABASE_URL=postgres://... (skipped).", file=sys.stderr
                )
                continue
            results.extend(self._run(name, options))
        self._print(results)

    def _run(self, scale: str, options) -> list[dict]:
        print(f"== {scale} scale: creating the benchmark database", flush=True)
        with self._database(scale, keep=options["keep"]) as url:
            env = {**os.environ, "DATABASE_URL": url, "CELERY_TASK_ALWAYS_EAGER": "true"}
            env.pop("REDIS_URL", None)
            self._child([*MANAGE, "migrate", "--noinput", "-v0"], env)
            started = time.perf_counter()
            fill = [*SELF, "--fill", scale]
            if scale == "national":
                fill += ["--communities", str(options["communities"]), "--incidents", str(options["incidents"])]
                fill += ["--events", str(options["events"])]
            self._child(fill, env)
            filled = time.perf_counter() - started
            print(f"   filled in {filled:.1f} s; building the annual report in a fresh process")
            cases: list[tuple[str, list[str]]] = [(scale, [])] + (
                [("programme", ["--programme", "NAT-B"])] if scale == "national" else []
            )
            results = []
            for name, extra in cases:
                output = self._child([*SELF, "--measure", "--language", options["language"], *extra], env)
                result = json.loads(output.strip().splitlines()[-1])
                results.append({"scale": name, "database": "PostgreSQL" if url.startswith("postgres") else "SQLite",
                                "fill_seconds": round(filled, 1), **result})  # fmt: skip
            return results

    def _child(self, command: list[str], env: dict) -> str:
        completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        if completed.returncode != 0:
            raise SystemExit(f"{' '.join(command[2:])} failed:\n{completed.stderr[-3000:]}")
        return completed.stdout

    def _database(self, scale: str, keep: bool):
        benchmark = self

        class Database:
            def __enter__(self):
                if connection.vendor == "postgresql":
                    self.name = f"{settings.DATABASES['default']['NAME']}_bench_{scale}"[:63]
                    benchmark._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                    benchmark._execute(f'CREATE DATABASE "{self.name}"')
                    return _postgres_url(self.name)
                handle, self.path = tempfile.mkstemp(prefix=f"zlagoda-bench-{scale}-", suffix=".sqlite3")
                os.close(handle)
                return f"sqlite:///{self.path}"

            def __exit__(self, *exc_info):
                if keep:
                    print(f"   kept {getattr(self, 'name', None) or self.path}")
                elif connection.vendor == "postgresql":
                    benchmark._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                else:
                    Path(self.path).unlink(missing_ok=True)
                return False

        return Database()

    def _execute(self, sql: str) -> None:
        # On the server's maintenance database: the configured one need not exist (as bench_api).
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql)

    def _print(self, results: list[dict]) -> None:
        print()
        header = (
            f"{'scale':<9} {'db':<10} {'communities':>11} {'incidents':>9} {'events':>7} {'figures s':>9} "
            f"{'PDF s':>7} {'total s':>7} {'pages':>5} {'peak MB':>7}  target"
        )
        print(header)
        for row in results:
            target = TARGETS[row["scale"]]
            verdict = "ok" if row["total_seconds"] < target["seconds"] else "SLOW"
            if target["mb"] and row["rss_peak_mb"] >= target["mb"]:
                verdict = "TOO MUCH MEMORY"
            limits = f"< {target['seconds']} s" + (f", < {target['mb']} MB" if target["mb"] else "")
            print(
                f"{row['scale']:<9} {row['database']:<10} {row['communities']:>11} {row['incidents_to_date']:>9} "
                f"{row['events_to_date']:>7} {row['figures_seconds']:>9} {row['render_seconds']:>7} "
                f"{row['total_seconds']:>7} {row['pages']:>5} {row['rss_peak_mb']:>7}  {limits}: {verdict}"
            )
        print()
        print("(CPU seconds, figures / PDF: " + "; ".join(
            f"{row['scale']} {row['figures_cpu_seconds']} / {row['render_cpu_seconds']}" for row in results
        ) + ")")  # fmt: skip
        if results:
            reference = max(row["cpu_reference_seconds"] for row in results)
            print(
                f"(machine speed: 10 million Python additions took {reference} s; about 0.4 s on an idle recent laptop)"
            )


if __name__ == "__main__":
    raise SystemExit(main())
