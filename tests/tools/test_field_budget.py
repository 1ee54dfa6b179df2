"""The field budget's verdicts (the measuring itself drives a browser against a production
server: run ``python -m tools.field_budget``)."""

import pytest

from tools.field_budget import KIB, Measure, Visit


def measure(first_total=30 * KIB, first_js=6 * KIB, repeat_total=3 * KIB, foreign=()):
    return Measure(
        "home",
        "/field/",
        Visit(total=first_total, javascript=first_js, foreign=list(foreign)),
        Visit(total=repeat_total),
    )


def test_a_page_within_every_budget_has_no_problem():
    assert measure().problems == []


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"first_total": 50 * KIB + 1}, "first load"),
        ({"first_js": 15 * KIB + 1}, "JavaScript"),
        ({"repeat_total": 5 * KIB + 1}, "repeat visit"),
        ({"foreign": ["https://fonts.example.com/font.woff2"]}, "outside the portal"),
    ],
)
def test_each_broken_budget_is_named(overrides, problem):
    problems = measure(**overrides).problems
    assert len(problems) == 1
    assert problem in problems[0]
