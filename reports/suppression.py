"""Small-cell suppression of the case-work figures: the rule, written once.

Counts of people in case work are shown exactly only to those who may read every case (staff who
work cases and read personal data, :func:`casework.selectors.sees_every_case`). Everyone else who
gets the figures (partner organisations, programme managers, negotiators, case workers) and every
monitoring report's PDF (read by donors, managers and partners) gets them through
:func:`suppress_small_cells`:

- a count from 1 to 4 is shown as ``"<5"`` (:data:`SMALL`); zero stays 0;
- where figures add up (the cases closed and their outcomes, the people and their sex or age
  group, the referrals by how they ended and by the agency's kind, the overdue tasks by kind, the
  goals set and met), a "<5" that the others would give away by subtraction takes a second cell of
  its sum with it, shown as ``"*"`` (:data:`WITHHELD`): the smallest other non-zero cell;
- a rate or a median computed from a hidden count is ``"*"`` too, and so is a change (this period
  minus the previous) whose either side is hidden.

The parties of incidents (``incidents.people_involved``: people too, by sex, age group and vulnerable
group) are hidden the same way, for the same readers; each of their breakdowns adds up to the
total (its "not recorded" included), and the data-quality page's counts of parties repeat the
hidden cells as they are shown there.

Overlapping categories (vulnerabilities, needs by domain: a person may be in several) are hidden
cell by cell. The rule cannot stop a reader from subtracting the figures of two requests (a
region's and one of its communities', two consecutive periods' "to date"); the API and the
reports give case-work figures for a whole scope only, never per community, to limit that.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from access.viewer import Viewer
from casework.models import AgeGroup, AgencyKind, CaseOutcome, Sex
from casework.selectors import sees_every_case
from reports.figures import IndicatorsDocument
from reports.indicators import NOT_RECORDED, PARTY_FIELDS, REFERRAL_ENDS, TASK_KINDS

SMALL = "<5"
WITHHELD = "*"
# The largest count that is hidden.
THRESHOLD = 4
MOMENTS = ("current", "previous", "to_date")


@dataclass(frozen=True)
class Sum:
    """Figures that add up: ``total`` is the sum of ``parts`` (dotted paths in the section);
    ``remainder``: the parts leave out a share that is not shown (the goals not met), which a
    reader would get as ``total`` minus the parts."""

    total: str
    parts: tuple[str, ...]
    remainder: bool = False

    @property
    def cells(self) -> tuple[str, ...]:
        return (*self.parts, self.total)


@dataclass(frozen=True)
class Derived:
    """A rate or a median computed from ``inputs``: hidden when one of them is."""

    path: str
    inputs: tuple[str, ...]


def _kind(kind: str, name: str) -> str:
    return f"referrals_by_agency_kind.{kind}.{name}"


def casework_sums() -> list[Sum]:
    kinds = AgencyKind.values
    return [
        Sum("closed", tuple(f"closed_by_outcome.{outcome}" for outcome in CaseOutcome.values)),
        Sum("people", tuple(f"people_by_sex.{sex}" for sex in Sex.values)),
        Sum("people", tuple(f"people_by_age_group.{group}" for group in AgeGroup.values)),
        Sum("referrals_ended", tuple(f"referrals_{status}" for status in REFERRAL_ENDS)),
        Sum("referrals_sent", tuple(_kind(kind, "sent") for kind in kinds)),
        Sum("referrals_ended", tuple(_kind(kind, "ended") for kind in kinds)),
        *(Sum(f"referrals_{status}", tuple(_kind(kind, status) for kind in kinds)) for status in REFERRAL_ENDS),
        *(Sum(_kind(kind, "ended"), tuple(_kind(kind, status) for status in REFERRAL_ENDS)) for kind in kinds),
        Sum("goals_set", ("goals_met",), remainder=True),
        Sum("agreement_items_checked", ("agreement_items_kept",), remainder=True),
        Sum("overdue_tasks", tuple(f"overdue_tasks_by_kind.{kind}" for kind in TASK_KINDS)),
    ]


def casework_derived() -> list[Derived]:
    return [
        Derived("referral_completion_rate", ("referrals_completed", "referrals_ended")),
        Derived("median_days_to_completion", ("referrals_completed",)),
        *(
            derived
            for kind in AgencyKind.values
            for derived in (
                Derived(_kind(kind, "completion_rate"), (_kind(kind, "completed"), _kind(kind, "ended"))),
                Derived(_kind(kind, "median_days_to_completion"), (_kind(kind, "completed"),)),
            )
        ),
        Derived("goals_met_rate", ("goals_met", "goals_set")),
        Derived("agreement_items_kept_rate", ("agreement_items_kept", "agreement_items_checked")),
    ]


def hidden_cells(values: dict[str, int], sums: Iterable[Sum]) -> dict[str, str]:
    """Which of the counts ``values`` (by path, one moment) are hidden, and how: ``SMALL`` for
    1 to 4, ``WITHHELD`` for a cell hidden so that a small one cannot be had by subtraction."""
    hidden = {path: SMALL for path, value in values.items() if 0 < value <= THRESHOLD}
    sums = list(sums)
    changed = True
    while changed:  # a cell withheld for one sum may open another: until nothing moves
        changed = False
        for group in sums:
            unknown = [cell for cell in group.cells if cell in hidden]
            if group.remainder:
                if unknown:
                    continue  # with the unshown remainder, two unknowns: nothing to recompute
                rest = values[group.total] - sum(values[part] for part in group.parts)
                if not 0 < rest <= THRESHOLD:
                    continue
            elif len(unknown) != 1:
                continue
            visible = [cell for cell in group.cells if cell not in hidden and values[cell]]
            if visible:
                hidden[min(visible, key=lambda cell: values[cell])] = WITHHELD
                changed = True
    return hidden


def _leaf(tree: dict[str, Any], path: str) -> dict[str, Any]:
    node: Any = tree
    for key in path.split("."):
        node = node[key]
    return cast(dict[str, Any], node)


def _figure_paths(tree: dict[str, Any], prefix: str = "") -> Iterable[str]:
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and "current" in value:
            yield path
        elif isinstance(value, dict):
            yield from _figure_paths(value, f"{path}.")


def suppress_section(section: dict[str, Any], sums: list[Sum], derived: list[Derived]) -> dict[str, Any]:
    """A copy of ``section`` (figures ``{"current", "previous", "change", "to_date"}``) with the
    small cells hidden, their sums protected and the rates and medians of hidden counts withheld."""
    result = copy.deepcopy(section)
    rates = {rule.path: rule for rule in derived}
    counts = [path for path in _figure_paths(section) if path not in rates]
    hidden_at: dict[str, set[str]] = {path: set() for path in _figure_paths(section)}
    for moment in MOMENTS:
        values = {path: _leaf(section, path)[moment] or 0 for path in counts}
        for path, marker in hidden_cells(values, sums).items():
            _leaf(result, path)[moment] = marker
            hidden_at[path].add(moment)
        for rule in derived:
            if any(moment in hidden_at[source] for source in rule.inputs):
                _leaf(result, rule.path)[moment] = WITHHELD
                hidden_at[rule.path].add(moment)
    for path, moments in hidden_at.items():
        if moments & {"current", "previous"}:
            _leaf(result, path)["change"] = WITHHELD
    return result


def party_sums() -> list[Sum]:
    return [
        Sum("total", tuple(f"by_{field}.{value}" for value in (*values, NOT_RECORDED)))
        for field, values in PARTY_FIELDS.items()
    ]


def suppress_parties(incidents: dict[str, Any]) -> dict[str, Any]:
    """The incidents section with its ``people_involved`` (the parties) hidden as case work's
    people are."""
    return incidents | {"people_involved": suppress_section(incidents["people_involved"], party_sums(), [])}


def suppress_small_cells(document: IndicatorsDocument) -> IndicatorsDocument:
    """``document`` as those outside the case team get it: its ``casework`` section and the
    incidents' ``people_involved`` with small cells hidden (see the module). The other figures are not
    counts of people in case work and are left as they are."""
    suppressed = dict(document)
    suppressed["casework"] = suppress_section(
        cast(dict[str, Any], document["casework"]), casework_sums(), casework_derived()
    )
    if "incidents" in document and "people_involved" in document["incidents"]:
        incidents = suppress_parties(cast(dict[str, Any], document["incidents"]))
        suppressed["incidents"] = incidents
        if "data_quality" in document:
            parties = incidents["people_involved"]
            quality = copy.deepcopy(cast(dict[str, Any], document["data_quality"]))
            quality["not_recorded"] |= {
                "people_involved": parties["total"]["current"],
                "people_involved_without_sex": parties["by_sex"][NOT_RECORDED]["current"],
                "people_involved_without_age_group": parties["by_age_group"][NOT_RECORDED]["current"],
            }
            suppressed["data_quality"] = quality
    return cast(IndicatorsDocument, suppressed)


def sees_exact_figures(viewer: Viewer) -> bool:
    """Whether ``viewer`` gets the case-work figures exactly: only who may read every case."""
    return sees_every_case(viewer)


def figures_for(viewer: Viewer, document: IndicatorsDocument) -> IndicatorsDocument:
    """``document`` as ``viewer`` may see it."""
    return document if sees_exact_figures(viewer) else suppress_small_cells(document)
