"""Measure what each field page costs a phone: ``python -m tools.field_budget`` (or
``python tools/field_budget.py``) from the repository root, ``--help`` for the options.

Serves the portal as in production (``ZLAGODA_ENV=production``, gunicorn, static files collected
and compressed by WhiteNoise, HTML gzipped by ``GZipMiddleware``) on a throwaway SQLite database
seeded with the demo programme, then drives Debian's Chromium through Playwright and counts the
bytes each request actually moved (encoded body plus headers, including the service worker's own
requests):

- first load of each page, in a fresh browser profile (signed in, nothing cached): at most
  50 KiB in total, at most 15 KiB of it JavaScript;
- a repeat visit of the same page once the service worker runs it: at most 5 KiB;
- no request may leave the portal's origin.

The negotiator's pages are measured signed in as the demo negotiator, the case work pages as the
demo case worker (a volunteer with cases, referrals and tasks). Prints one line per page and exits
non-zero when a budget is broken. ``--url`` measures a portal that is already running instead
(give ``--username``/``--password`` of a negotiator there, and
``--case-worker-username``/``--case-worker-password`` of a case worker with a referral).
``--lighthouse "npx lighthouse"`` also runs Lighthouse's mobile preset on each page (performance
and accessibility, target 95) with the same Chromium (see ``tools/chromium.py``).
"""

import argparse
import base64
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

if not __package__:  # run as a script: import from the repository root, not from tools/
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from django.conf import settings

from tools import chromium, setup_django

KIB = 1024
FIRST_LOAD_BUDGET = 50 * KIB
FIRST_LOAD_JS_BUDGET = 15 * KIB
REPEAT_VISIT_BUDGET = 5 * KIB
LIGHTHOUSE_TARGET = 95
# Pages of the demo negotiator; "{incident}" and "{event}" are filled with records of their community.
# Each page is measured signed in (the third item), except the login page.
PAGES = [
    ("login", "/field/login/", False),
    ("home", "/field/", True),
    ("log an event", "/field/events/new/", True),
    ("report an incident", "/field/incidents/new/", True),
    ("cases", "/field/incidents/?closed=1", True),
    ("a case", "/field/incidents/{incident}/", True),
    ("an event", "/field/events/{event}/", True),
    ("my training", "/field/training/", True),
    ("safety planning", "/field/planning/", True),
]
# Pages of the demo case worker; "{case}" and "{referral}" are filled with a case of theirs and one
# of its referrals.
CASE_WORK_PAGES = [
    ("case work home", "/field/", True),
    ("my cases", "/field/cases/?closed=1", True),
    ("a case (case work)", "/field/cases/{case}/", True),
    ("log a contact", "/field/cases/contact/", True),
    ("refer a case", "/field/cases/{case}/referrals/new/", True),
    ("a referral", "/field/referrals/{referral}/", True),
    ("my tasks", "/field/tasks/", True),
]


@dataclass
class Visit:
    total: int = 0
    javascript: int = 0
    requests: int = 0
    foreign: list[str] = field(default_factory=list)
    detail: list[str] = field(default_factory=list)


@dataclass
class Measure:
    name: str
    path: str
    first: Visit
    repeat: Visit
    lighthouse: dict[str, int] = field(default_factory=dict)
    # The signed-in login's cookies as a ``Cookie`` header ("" for the login page), for Lighthouse.
    cookie: str = ""

    @property
    def problems(self) -> list[str]:
        problems = [
            f"Lighthouse {category} {score} < {LIGHTHOUSE_TARGET}"
            for category, score in self.lighthouse.items()
            if score < LIGHTHOUSE_TARGET
        ]
        if self.first.total > FIRST_LOAD_BUDGET:
            problems.append(f"first load {kib(self.first.total)} > {kib(FIRST_LOAD_BUDGET)}")
        if self.first.javascript > FIRST_LOAD_JS_BUDGET:
            problems.append(f"JavaScript {kib(self.first.javascript)} > {kib(FIRST_LOAD_JS_BUDGET)}")
        if self.repeat.total > REPEAT_VISIT_BUDGET:
            problems.append(f"repeat visit {kib(self.repeat.total)} > {kib(REPEAT_VISIT_BUDGET)}")
        for url in self.first.foreign + self.repeat.foreign:
            problems.append(f"request outside the portal: {url}")
        return problems


def kib(size: int) -> str:
    return f"{size / KIB:.1f} KiB"


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.field_budget",
        description="Measure the field pages' transfer sizes in Chromium against the portal served as in production.",
    )
    parser.add_argument("--url", help="measure this running portal instead of starting one")
    parser.add_argument("--username", default="negotiator")
    parser.add_argument("--password", default="zlagoda-negotiator")
    parser.add_argument("--case-worker-username", default="caseworker")
    parser.add_argument("--case-worker-password", default="zlagoda-caseworker")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    parser.add_argument(
        "--lighthouse", metavar="COMMAND", help='also score each page with Lighthouse, e.g. "npx lighthouse"'
    )
    parser.add_argument(
        "-v",
        "--verbosity",
        default=1,
        type=int,
        choices=[0, 1, 2, 3],
        help="verbosity level (0-3); 2 or more also lists the requests of each page",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_django()
    options = vars(parser().parse_args(argv))
    Budget().run(**options)
    return 0


class Budget:
    def run(self, *, url=None, username, password, case_worker_username, case_worker_password, keep, **options):
        if not chromium.installed():
            raise SystemExit(f"{chromium.CHROMIUM_PATH} is missing: apt-get install chromium")
        lighthouse = options.get("lighthouse")
        logins = [(username, password, PAGES), (case_worker_username, case_worker_password, CASE_WORK_PAGES)]

        def run(base_url):
            measures = measure(base_url, logins, print, options["verbosity"])
            if lighthouse:
                for item in measures:
                    item.lighthouse = lighthouse_scores(lighthouse, base_url + item.path, item.cookie)
                    print(f"Lighthouse {item.name}: {item.lighthouse}")
            return measures

        if url:
            measures = run(url.rstrip("/"))
        else:
            with production_portal(keep=keep, log=print) as base_url:
                measures = run(base_url)
        self.report(measures)

    def report(self, measures: list[Measure]) -> None:
        print()
        scores = any(item.lighthouse for item in measures)
        print(
            f"{'page':<20} {'first load':>11} {'of it JS':>10} {'requests':>9} {'repeat visit':>13}"
            + (f" {'perf.':>6} {'a11y':>5}" if scores else "")
        )
        failed = False
        for item in measures:
            line = (
                f"{item.name:<20} {kib(item.first.total):>11} {kib(item.first.javascript):>10} "
                f"{item.first.requests:>9} {kib(item.repeat.total):>13}"
            )
            if scores:
                line += f" {item.lighthouse.get('performance', '-'):>6} {item.lighthouse.get('accessibility', '-'):>5}"
            problems = item.problems
            failed = failed or bool(problems)
            print(line + ("  OVER BUDGET: " + "; ".join(problems) if problems else "  ok"))
        print(
            f"budgets: first load <= {kib(FIRST_LOAD_BUDGET)} (JavaScript <= {kib(FIRST_LOAD_JS_BUDGET)}), "
            f"repeat visit <= {kib(REPEAT_VISIT_BUDGET)}, no request outside the portal's origin"
        )
        if failed:
            raise SystemExit("a field page is over its budget")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def production_portal(*, keep: bool, log):
    """The portal as production runs it, on a throwaway database with the demo programme."""
    folder = Path(tempfile.mkdtemp(prefix="zlagoda-budget-"))
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}} | {
        "ZLAGODA_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        # Plain HTTP on localhost (a secure context for the service worker); no TLS proxy here.
        "SECURE_SSL_REDIRECT": "false",
        # No broker for a measurement: the field pages queue no task.
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        # What production refuses to start without; no mail leaves a measurement.
        "EMAIL_URL": "console://",
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "FIELD_INDEX_KEY": secrets.token_urlsafe(32),
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    log(f"serving the portal as in production from {folder} ...")
    # A throwaway database on this machine: the demo logins' published passwords harm no one.
    steps = (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["seed_demo", "--allow-production"],
    )
    for step in steps:
        result = subprocess.run([*manage, *step], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True)
        if result.returncode:
            shutil.rmtree(folder, ignore_errors=True)
            raise SystemExit(f"manage.py {step[0]} failed:\n{result.stderr[-2000:]}")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=(folder / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://localhost:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start: see {folder / 'gunicorn.log'}") from None
                time.sleep(0.3)
        yield base_url
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if keep:
            log(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def measure(base_url: str, logins: list[tuple[str, str, list]], log, verbosity: int = 1) -> list[Measure]:
    """Each page's two visits, signed in as the login of its list: ``logins`` holds, for each
    login, its username, password and pages."""
    from playwright.sync_api import sync_playwright

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    with sync_playwright() as playwright:
        # The portal listens on 127.0.0.1; "localhost" keeps the page a secure context.
        browser = playwright.chromium.launch(**chromium.launch_options(chromium.LOCALHOST_RULE))
        try:
            measures = []
            for username, password, pages in logins:
                signed_in = sign_in(browser, base_url, username, password)
                cookie = "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in signed_in["cookies"])
                paths = record_paths(browser, base_url, signed_in, pages)
                for name, path, needs_login in pages:
                    path = path.format(**paths)
                    first, repeat = visit_twice(browser, origin, base_url + path, signed_in if needs_login else None)
                    log(f"measured {name} ({path})")
                    if verbosity > 1:
                        for label, visit in (("first load", first), ("repeat visit", repeat)):
                            log(f"  {label}:")
                            for line in visit.detail:
                                log(f"    {line}")
                    measures.append(Measure(name, path, first, repeat, cookie=cookie if needs_login else ""))
            return measures
        finally:
            browser.close()


def new_context(browser, storage_state=None):
    context = browser.new_context(**chromium.PHONE, locale="uk-UA", storage_state=storage_state)
    context.set_default_timeout(30_000)
    return context


def sign_in(browser, base_url: str, username: str, password: str) -> dict:
    """The session cookie of a signed-in negotiator (or case worker), without any cache or
    service worker."""
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/field/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form[data-login-form] button[type=submit]")
        page.wait_for_url(f"{base_url}/field/")
        return {"cookies": context.storage_state()["cookies"], "origins": []}
    finally:
        context.close()


# Where the records filling a page's path are found: the page listing them, and their links.
LINKS = {
    "incident": ("/field/incidents/?closed=1", r"^/field/incidents/(\d+)/$"),
    "event": ("/field/", r"^/field/events/(\d+)/$"),
    "case": ("/field/cases/?closed=1", r"^/field/cases/(\d+)/$"),
    "referral": ("/field/cases/{case}/", r"^/field/referrals/(\d+)/$"),
}


def record_paths(browser, base_url: str, signed_in: dict, pages: list) -> dict:
    """The records ``pages``' paths name (``{incident}``, ``{case}``...), the first the login's
    listings link to; for ``{referral}``, the first case of theirs with a referral."""
    wanted = set(re.findall(r"{(\w+)}", " ".join(path for _name, path, _login in pages)))
    context = new_context(browser, signed_in)
    try:
        page = context.new_page()
        page.route("**/field/sw.js", lambda route: route.abort())

        def linked(kind: str, **filled: str) -> list[str]:
            listing, pattern = LINKS[kind]
            page.goto(base_url + listing.format(**filled))
            hrefs = page.eval_on_selector_all("main a", "links => links.map((link) => link.getAttribute('href'))")
            return [match.group(1) for href in hrefs if (match := re.match(pattern, href or ""))]

        paths = {}
        for kind in sorted(wanted - {"referral"}):
            found = linked(kind)
            if not found:
                raise SystemExit(f"no {kind} to measure: {LINKS[kind][0]} links to none")
            paths[kind] = found[0]
        if "referral" in wanted:
            for case in linked("case"):
                referrals = linked("referral", case=case)
                if referrals:
                    paths.update(case=case, referral=referrals[0])
                    break
            else:
                raise SystemExit("no referral to measure: none of the login's cases has one")
        return paths
    finally:
        context.close()


def visit_twice(browser, origin: str, url: str, storage_state) -> tuple[Visit, Visit]:
    """Open ``url`` in a fresh profile, then again once its service worker runs the page."""
    context = new_context(browser, storage_state)
    first, repeat = Visit(), Visit()
    current = [first]
    # A request belongs to the visit during which it started, even if it ends after the next began.
    owner = {}

    def on_request(request):
        owner[request] = current[0]
        scheme = urlsplit(request.url).scheme
        if scheme in ("http", "https", "ws", "wss") and not request.url.startswith(origin + "/"):
            current[0].foreign.append(request.url)

    def count(visit, request, response, body: int, headers: int) -> None:
        size = body + headers
        visit.total += size
        visit.requests += 1
        if request.resource_type == "script" or urlsplit(request.url).path.endswith(".js"):
            visit.javascript += size
        by = " (service worker)" if request.service_worker else ""
        encoding = response.headers.get("content-encoding", "identity") if response.status != 304 else "304"
        visit.detail.append(f"{size:>7} B ({headers:>4} B headers, {encoding:>8})  {request.url}{by}")

    def on_finished(request):
        visit = owner.pop(request, current[0])
        response = request.response()
        if not response or (response.from_service_worker and request.service_worker is None):
            return  # answered by the service worker: counted in the worker's own requests, if any
        sizes = request.sizes()
        count(visit, request, response, sizes["responseBodySize"], sizes["responseHeadersSize"])

    def on_failed(request):
        visit = owner.pop(request, None)
        response = request.response() if visit else None
        if response and response.status == 304:
            # The worker's copy is still the page: it answers with that and never reads the 304's
            # (empty) body, which Chromium reports as an aborted request. Its headers did move.
            count(visit, request, response, 0, request.sizes()["responseHeadersSize"])

    context.on("request", on_request)
    context.on("requestfinished", on_finished)
    context.on("requestfailed", on_failed)
    try:
        page = context.new_page()
        page.goto(url)
        settle(page)
        page.close()
        current[0] = repeat
        page = context.new_page()
        page.goto(url)
        settle(page)
        return first, repeat
    finally:
        context.close()


def settle(page) -> None:
    """Wait until the page, its service worker and the pages it keeps for offline use are done,
    so that nothing of this visit spills into the next one."""
    page.wait_for_load_state("networkidle")
    # Polled from here: wait_for_function would compile its predicate in the page, which the
    # page's Content-Security-Policy (no 'unsafe-eval') refuses once the controller is late.
    deadline = time.monotonic() + 30
    while not page.evaluate("navigator.serviceWorker.controller !== null"):
        if time.monotonic() > deadline:
            raise SystemExit(f"no service worker took {page.url} over within 30 s")
        time.sleep(0.1)
    kept = page.evaluate("document.body.dataset.user ? document.body.dataset.keep.split(' ') : []")
    script = """async (paths) => {
        for (const path of paths) {
            if (!(await caches.match(path, {ignoreVary: true}))) return false;
        }
        return true;
    }"""
    deadline = time.monotonic() + 30
    while not page.evaluate(script, kept):
        if time.monotonic() > deadline:
            raise SystemExit(f"the service worker did not keep {kept} for offline use")
        time.sleep(0.2)
    page.wait_for_load_state("networkidle")


def lighthouse_scores(command: str, url: str, cookie: str) -> dict[str, int]:
    """Lighthouse's mobile preset (its default) on ``url``: performance and accessibility, 0-100."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        args = [
            *shlex.split(command),
            url,
            "--only-categories=performance,accessibility",
            "--form-factor=mobile",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--chrome-flags={chromium.LIGHTHOUSE_FLAGS}",
        ]
        if cookie:
            args.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        result = subprocess.run(
            args, env=os.environ | {"CHROME_PATH": chromium.CHROMIUM_PATH}, capture_output=True, text=True, timeout=300
        )
        if result.returncode or not report.exists():
            raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
        categories = json.loads(report.read_text())["categories"]
    return {name: round(category["score"] * 100) for name, category in categories.items()}


if __name__ == "__main__":
    raise SystemExit(main())
