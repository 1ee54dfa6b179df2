"""The risk matrix: an analysis's risks placed by likelihood (rows, 5 at the top) and impact
(columns, 1 on the left), shared by the admin's analysis page and the report's community page."""

from collections.abc import Iterable

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from planning.models import SCALE_MAX, SCALE_MIN

LEVELS = list(range(SCALE_MIN, SCALE_MAX + 1))


def matrix_counts(risks: Iterable[tuple[int, int]]) -> list[list[int]]:
    """How many risks fall in each cell, as rows of likelihood 5 down to 1, each with the counts
    for impact 1 to 5 (``risks``: ``(likelihood, impact)`` pairs)."""
    counts = {(likelihood, impact): 0 for likelihood in LEVELS for impact in LEVELS}
    for likelihood, impact in risks:
        counts[likelihood, impact] += 1
    return [[counts[likelihood, impact] for impact in LEVELS] for likelihood in reversed(LEVELS)]


def severity_band(likelihood: int, impact: int) -> str:
    """``high`` (score 15 and above), ``medium`` (8 to 14) or ``low``: the cell's colour band."""
    score = likelihood * impact
    return "high" if score >= 15 else "medium" if score >= 8 else "low"


BAND_COLOURS = {"high": "#f4c7c3", "medium": "#fce8b2", "low": "#d9ead3"}


def matrix_table(cells: dict[tuple[int, int], list[str]]) -> SafeString:
    """An accessible HTML table of the matrix: a caption, column headers for impact, a row header
    for each likelihood, and in each cell the names of the risks placed there."""
    header = format_html_join("", '<th scope="col">{}</th>', ((level,) for level in LEVELS))
    rows = []
    for likelihood in reversed(LEVELS):
        tds = format_html_join(
            "",
            '<td style="background:{};min-width:7em;vertical-align:top">{}</td>',
            (
                (
                    BAND_COLOURS[severity_band(likelihood, impact)],
                    format_html_join("", "<div>{}</div>", ((name,) for name in cells.get((likelihood, impact), []))),
                )
                for impact in LEVELS
            ),
        )
        rows.append(format_html('<tr><th scope="row">{}</th>{}</tr>', likelihood, tds))
    return format_html(
        '<table class="risk-matrix"><caption>{}</caption><thead><tr><th scope="col">{}</th>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        _("Risk matrix: likelihood (rows) by impact (columns), 1 lowest to 5 highest"),
        _("Likelihood"),
        header,
        format_html_join("", "{}", ((row,) for row in rows)),
    )
