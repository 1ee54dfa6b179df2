"""Which chapters a report prints, read from its indicators document alone: the one rule the PDF
(and any other rendering of the same document) follows, so that a period or a scope without
activity gives a short report that says so rather than pages of zeros."""

from collections.abc import Iterator
from typing import Any

from reports.figures import IndicatorsDocument

# A chapter and the document sections it prints. Those not listed (the summary, communities and
# negotiators, the method) are always printed.
CHAPTER_SECTIONS: dict[str, tuple[str, ...]] = {
    "training": ("training",),
    "events": ("events", "webinars"),
    "incidents": ("incidents",),
    "assessments": ("assessments",),
    "police": ("police",),
    "planning": ("planning",),
    "media": ("media",),
    "support": ("engagements",),
    "casework": ("casework",),
}
# Printed only when something happened in the period: a page per community, the map, the annex.
ACTIVITY_CHAPTERS = ("map", "community-pages", "annex")

# What counts as activity in the period: the programme's work recorded in it (dotted paths of flow
# figures; a stock at the period's end, such as the partnerships or the negotiators registered,
# is not activity).
ACTIVITY = (
    "training.sessions",
    "events.count",
    "webinars.events",
    "incidents.reported",
    "incidents.closed",
    "media.mentions",
    "engagements.opened",
    "engagements.activities",
    "planning.analyses",
    "planning.plans_adopted",
    "planning.initiatives_started",
    "planning.regulations_adopted",
    "casework.opened",
    "casework.closed",
    "assessments.communities_assessed",
)
# The moments a figure or a score has; a chapter with none of them non-zero has never had data.
MOMENTS = ("current", "previous", "to_date", "baseline")


def _something(value: Any) -> bool:
    """A recorded value: a non-zero number, or a hidden small count ("<5", a string)."""
    if isinstance(value, str):
        return bool(value)
    return value is not None and value != 0


def _values(tree: Any) -> Iterator[Any]:
    """Every moment's value of every figure and score in ``tree``."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key in MOMENTS and not isinstance(value, dict | list):
                yield value
            else:
                yield from _values(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _values(item)


def _figure(document: IndicatorsDocument, path: str) -> Any:
    section, name = path.split(".")
    return document[section][name]  # type: ignore[literal-required]


def has_activity(document: IndicatorsDocument) -> bool:
    """Whether anything of :data:`ACTIVITY` was recorded in the period."""
    return any(_something(_figure(document, path)["current"]) for path in ACTIVITY)


def has_data(document: IndicatorsDocument, chapter: str) -> bool:
    """Whether ``chapter`` has anything to show: a figure of its sections recorded in the period,
    the previous period, to date or at the baseline (a scope without the School, such as a region
    where no session was ever held or attended, has no School chapter)."""
    sections = CHAPTER_SECTIONS[chapter]
    return any(_something(value) for section in sections for value in _values(document[section]))  # type: ignore[literal-required]


def shown_chapters(document: IndicatorsDocument) -> dict[str, bool]:
    """Each optional chapter's id -> whether the report prints it. Without activity in the period
    only the summary, the communities and negotiators and the method are printed."""
    active = has_activity(document)
    shown = {chapter: active and has_data(document, chapter) for chapter in CHAPTER_SECTIONS}
    return shown | dict.fromkeys(ACTIVITY_CHAPTERS, active)


# The chapter each headline section belongs to (a headline figure of a chapter left out is left out
# of the summary too); sections not listed are always shown.
SECTION_CHAPTERS = {section: chapter for chapter, sections in CHAPTER_SECTIONS.items() for section in sections}
