"""The 17 Sustainable Development Goals and their 169 targets, shipped with the portal
(``programmes/data/sdg.json``, short English titles) for indicators to name what they contribute to."""

import json
from functools import cache
from pathlib import Path
from typing import TypedDict

SDG_FILE = Path(__file__).resolve().parent / "data" / "sdg.json"


class SdgTarget(TypedDict):
    code: str
    title: str


class SdgGoal(TypedDict):
    goal: int
    title: str
    targets: list[SdgTarget]


@cache
def sdg_goals() -> tuple[SdgGoal, ...]:
    """The goals in order, each with its targets (``{"code": "16.7", "title": ...}``)."""
    with SDG_FILE.open(encoding="utf-8") as handle:
        return tuple(json.load(handle)["goals"])


@cache
def sdg_targets() -> dict[str, str]:
    """Every target's code and short title, in order: ``{"1.1": "Eradicate extreme poverty", ...}``."""
    return {target["code"]: target["title"] for goal in sdg_goals() for target in goal["targets"]}
