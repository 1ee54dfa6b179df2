"""Developer tools: benchmarks and measurements run by hand, never by the portal.

- ``bench_api``: the API's list pages against hand-written SQL, in a throwaway database;
- ``bench_changes``: a page of the change feed at 100,000 changes against the raw query;
- ``bench_reports``: the annual monitoring report at demo and at national scale;
- ``bench_import``: checking and importing a spreadsheet of 10,000 outreach events;
- ``build_import_sample``: the import guide's sample spreadsheets, from the demo's events;
- ``field_budget``: what each field page costs a phone, measured in Chromium;
- ``chromium``: how the field budget and the browser tests launch Debian's Chromium.

They need the development dependencies (Playwright, pypdf), which the production image does not
install; ``.dockerignore`` leaves this folder out of the image. Run each from the repository root,
as a module or as a script, with ``--help`` for its options::

    python -m tools.bench_api --help
    python tools/bench_api.py --help
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Configure Django with the portal's settings (``DJANGO_SETTINGS_MODULE`` if set), once: a
    tool called in-process by a test finds Django already set up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
