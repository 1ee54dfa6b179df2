"""The browser tests' own rules."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_browser_code_polls_a_page_with_wait_for_function():
    # Playwright's wait_for_function runs its later polls with eval in the page, which the portal's
    # Content-Security-Policy refuses: a test using it passes only while the condition is true at
    # the first poll. tests.browser_support.wait_until_true polls through DevTools instead.
    here = Path(__file__).resolve()
    users = [
        str(path.relative_to(ROOT))
        for folder in ("tests", "tools")
        for path in (ROOT / folder).rglob("*.py")
        if path != here and "wait_for_function(" in path.read_text(encoding="utf-8")
    ]
    assert users == []
