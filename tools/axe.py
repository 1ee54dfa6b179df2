"""Accessibility checks in the browser tests: inject the vendored axe-core into a Playwright page
and return the violations at or above an impact. Neither Django nor Playwright is imported here."""

from pathlib import Path
from typing import Any

AXE_SCRIPT = Path(__file__).resolve().parent / "axe" / "axe.min.js"
BLOCKING_IMPACTS = ("critical", "serious")


def violations(page: Any, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[str]:
    """axe-core's violations on ``page`` (a Playwright page) with one of ``impacts``, each as
    "rule (impact): the first offending elements"."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a script tag
    # would be refused: the portal allows no inline script).
    page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation.get("impact") in impacts:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {'; '.join(targets)}")
    return found
