"""Debian's Chromium as the field budget (``tools/field_budget.py``) and the browser tests
(``tests/field/test_browser.py``) launch it through Playwright: one executable, one
set of flags, one phone. Neither Django nor Playwright is imported here."""

from pathlib import Path

CHROMIUM_PATH = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEADLESS = True
# A server listening on 127.0.0.1 reached as "localhost": the page stays a secure context (as the
# service worker needs) over plain HTTP.
LOCALHOST_MAP = "MAP localhost 127.0.0.1"
LOCALHOST_RULE = f"--host-resolver-rules={LOCALHOST_MAP}"
# The flags of a Chromium that Lighthouse launches itself (its --chrome-flags).
LIGHTHOUSE_FLAGS = f'--headless=new --no-sandbox --disable-gpu --host-resolver-rules="{LOCALHOST_MAP}"'
# The field app's phone: a 360x640 touch screen (add a locale per use).
PHONE = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True}


def installed() -> bool:
    return Path(CHROMIUM_PATH).exists()


def launch_options(*extra_args: str) -> dict:
    """Keyword arguments of Playwright's ``chromium.launch`` (or ``launch_persistent_context``)."""
    return {"executable_path": CHROMIUM_PATH, "headless": HEADLESS, "args": [*LAUNCH_ARGS, *extra_args]}
