"""The shape of the figures document that :func:`reports.indicators.compute_indicators` returns,
and of the report document the PDF is rendered from (:func:`reports.services.report_document`).

The PDF (:mod:`reports.pdf`) and the API (:mod:`reports.api`) read the same document; with these
types mypy checks that both read only keys that exist.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, NotRequired, TypedDict, TypeVar

T = TypeVar("T")


class Figure(TypedDict, Generic[T]):
    """The period, the previous period, their difference, and cumulative from the earliest record
    to the period's end (stock figures: the same as ``current``)."""

    current: T
    previous: T
    change: T
    to_date: T


Count = Figure[int]
# Rates (0..1) and medians (days): None without data.
Measure = Figure[float | None]


class RatePart(TypedDict):
    """A rate's exact numerator or denominator in the period, the previous period and to date."""

    current: int
    previous: int
    to_date: int
    # In a headline figure: the same period a year before.
    year_before: NotRequired[int]


class Rate(TypedDict):
    """A rate (0..1, rounded to four places; None without data) with its exact parts, so that a
    reader rounds once, from the exact fraction (``reports.indicators.RATE_PARTS``)."""

    current: float | None
    previous: float | None
    change: float | None
    to_date: float | None
    numerator: RatePart
    denominator: RatePart


class Score(TypedDict):
    """A safety score on its dimension's scale (1..5 for the first instrument), None without an
    assessment."""

    current: float | None
    previous: float | None
    change: float | None
    baseline: float | None
    change_since_baseline: float | None


class PeriodDates(TypedDict):
    code: str
    start: str
    end: str


class ToDate(TypedDict):
    start: str | None
    end: str


class Scope(TypedDict):
    communities: int
    programme_wide: bool
    programme: int | None


class Module(TypedDict):
    code: str
    title: str
    level: str
    hours: int


class HeadlineFigure(TypedDict):
    key: str
    current: float | None
    previous: float | None
    change: float | None
    to_date: float | None
    # "higher", "lower" or None (neutral): which way is good news (reports.indicators.BETTER).
    better: str | None
    # The same period one year earlier (2025-H1 -> 2024-H1; a year -> the year before) and the
    # change since.
    year_before: float | None
    change_year_before: float | None
    # A rate's exact parts (in the headline with "year_before" too).
    numerator: NotRequired[RatePart]
    denominator: NotRequired[RatePart]


class Communities(TypedDict):
    active: Count
    partners_at_end: Count
    joined: Count
    left: Count
    left_by_reason: dict[str, Count]


class Cohorts(TypedDict):
    pilot: Count
    new: Count


class Negotiators(TypedDict):
    registered_at_end: Count
    joined: Count
    trained: Count
    certified: Count
    advanced: Count
    by_cohort: Cohorts
    certified_by_cohort: Cohorts
    # "female", "male" and "not_recorded" (not specified, or no contact record): the same
    # negotiators as by_cohort and certified_by_cohort.
    by_sex: dict[str, Count]
    certified_by_sex: dict[str, Count]


class ModuleFigures(TypedDict):
    sessions: Count
    present: Count
    completed: Count


class Training(TypedDict):
    sessions: Count
    modules_delivered: Count
    hours: Count
    enrolled: Count
    present: Count
    completed: Count
    attendance_rate: Rate
    by_module: dict[str, ModuleFigures]


class KindFigures(TypedDict):
    events: Count
    participants: Count


class Events(TypedDict):
    count: Count
    participants: Count
    participant_breakdown: dict[str, Count]
    communities_reached: Count
    with_police: Count
    participants_with_police: Count
    with_local_government: Count
    with_ngos: Count
    by_kind: dict[str, KindFigures]
    by_topic: dict[str, Count]


class Webinars(TypedDict):
    """The held events that took registrations: counts only, never a registrant."""

    events: Count
    registrations: Count
    attended: Count
    attendance_rate: Rate
    unique_participants: Count
    communities_reached: Count
    oblasts_reached: Count
    attendees_by_role: dict[str, Count]
    questions: Count
    materials_sent: Count
    feedback_score: Measure
    feedback_count: Count


class WebinarRow(TypedDict):
    """One held event with registrations in the period."""

    id: int
    title: str
    date: str
    kind: str
    series: str | None
    part: int | None
    parts: int | None
    registrations: int
    attended: int
    attendance_rate: float | None
    questions: int
    communities_reached: int
    oblasts_reached: int
    feedback_score: float | None
    feedback_count: int


class Incidents(TypedDict):
    reported: Count
    by_category: dict[str, Count]
    by_severity: dict[str, Count]
    by_status_now: dict[str, Count]
    by_category_status_now: dict[str, dict[str, Count]]
    police_involved: Count
    police_community: Count
    closed: Count
    resolved: Count
    referred: Count
    closed_unresolved: Count
    resolution_rate: Rate
    median_days_to_resolution: Measure
    referrals_by_agency: dict[str, Count]
    open_at_end: Count
    people_involved: Parties


class Parties(TypedDict):
    """The parties of the incidents reported in the window, each breakdown with "not_recorded".
    Outside the case team every count from 1 to 4 is shown as "<5" (:mod:`reports.suppression`)."""

    total: Count
    by_sex: dict[str, Count]
    by_age_group: dict[str, Count]
    by_vulnerable_group: dict[str, Count]


class MediumFigures(TypedDict):
    mentions: Count
    reach: Count


class Media(TypedDict):
    mentions: Count
    reach: Count
    by_medium: dict[str, MediumFigures]


class SupportWork(TypedDict):
    """Activities of engagements and their hours (a line's or a mode's)."""

    activities: Count
    hours: Measure


class Engagements(TypedDict):
    opened: Count
    closed: Count
    running: Count
    opened_by_mode: dict[str, Count]
    opened_by_topic: dict[str, Count]
    closed_by_topic: dict[str, Count]
    activities: Count
    hours: Measure
    activities_by_line: dict[str, SupportWork]
    activities_by_mode: dict[str, SupportWork]
    activities_by_step: dict[str, Count]
    mediation_sessions: Count
    recommendations_made: Count
    recommendations_implemented: Count
    recommendations_rejected: Count
    implementation_rate: Measure


class EngagementActivity(TypedDict):
    line: str
    step: str
    date: str
    hours: float
    mediators: int


class EngagementRecommendation(TypedDict):
    line: str
    text: str
    made_on: str
    status: str
    status_on: str


class EngagementRow(TypedDict):
    """An engagement running in the period: its activities of the period, its recommendations."""

    id: int
    community: int
    community_name: str
    mode: str
    topic: str
    starts_on: str
    ends_on: str | None
    follows: int | None
    activities: list[EngagementActivity]
    recommendations: list[EngagementRecommendation]


class Planning(TypedDict):
    """Safety planning (seed 001); see :func:`reports.indicators.compute_indicators`."""

    analyses: Count
    communities_with_current_analysis: Count
    conflict_potential: Measure
    plans: Count
    plans_by_status: dict[str, Count]
    plans_by_kind: dict[str, Count]
    plans_adopted: Count
    plans_adopted_by_kind: dict[str, Count]
    strategies_adopted: Count
    measures_due: Count
    measures_implemented: Count
    measures_implemented_rate: Rate
    initiatives_started: Count
    regulations_adopted: Count


class ReferralKindFigures(TypedDict):
    """The referrals to one kind of agency: sent in the window, ended in it and how."""

    sent: Count
    ended: Count
    completed: Count
    declined: Count
    no_answer: Count
    completion_rate: Measure
    median_days_to_completion: Measure


class Casework(TypedDict):
    """Individual support (case work), aggregates only; see
    :func:`reports.indicators.compute_indicators`. Outside the case team every count from 1 to 4
    is shown as "<5" (:mod:`reports.suppression`), which this exact shape does not describe."""

    opened: Count
    active_at_end: Count
    closed: Count
    closed_by_outcome: dict[str, Count]
    people: Count
    people_by_sex: dict[str, Count]
    people_by_age_group: dict[str, Count]
    people_by_vulnerability: dict[str, Count]
    cases_assessed: Count
    needs_by_domain: dict[str, Count]
    referrals_sent: Count
    referrals_ended: Count
    referrals_completed: Count
    referrals_declined: Count
    referrals_no_answer: Count
    referral_completion_rate: Measure
    median_days_to_completion: Measure
    referrals_by_agency_kind: dict[str, ReferralKindFigures]
    goals_set: Count
    goals_met: Count
    goals_met_rate: Measure
    agreement_items_checked: Count
    agreement_items_kept: Count
    agreement_items_kept_rate: Measure
    overdue_tasks: Count
    overdue_tasks_by_kind: dict[str, Count]


class Police(TypedDict):
    joint_events: Count
    joint_event_participants: Count
    incidents_police_involved: Count
    police_community_incidents: Count
    referrals_to_police: Count
    trust_in_police: Score
    police_interaction: Score


class Moments(TypedDict):
    current: int
    previous: int
    baseline: int


class Scale(TypedDict):
    min: float
    max: float


class InstrumentDimension(TypedDict):
    code: str
    name: str
    group: str
    scale: Scale
    direction: Literal["higher", "lower"]
    score: Score
    communities: Moments


class InstrumentFigures(TypedDict):
    """An instrument version's scores: each moment takes a community's assessment of this version
    only. ``overall`` is None where its dimensions differ in scale or direction."""

    code: str
    version: int
    name: str
    communities_assessed: Moments
    dimensions: list[InstrumentDimension]
    overall: Score | None


class Assessments(TypedDict):
    communities_assessed: Moments
    respondents: Moments
    # The first instrument's dimensions by code, and "overall".
    dimensions: dict[str, Score]
    instruments: list[InstrumentFigures]


class Partnership(TypedDict):
    status: Literal["active", "left", "never"]
    joined_on: str | None
    left_on: str | None
    leave_reason: str


class CommunityFigures(TypedDict):
    events: Count
    participants: Count
    # The groups of reports.indicators.PARTICIPANT_BREAKDOWN and "not_recorded" (sex not recorded).
    participant_breakdown: NotRequired[dict[str, Count]]
    joint_events: Count
    incidents: Count
    police_involved: Count
    resolved: Count
    # Incidents open at the end of the window (the period's, the previous period's).
    open_at_end: Count
    media_mentions: Count
    negotiators: Count
    certified: Count


class CommunityAssessment(TypedDict):
    assessed: str | None
    respondents: int | None
    scores: dict[str, Score]


class NegotiatorActivity(TypedDict):
    number: int
    cohort: str
    status: str
    is_active: bool
    events_organised: int
    events_organised_to_date: int
    incidents_in_charge: int
    incidents_in_charge_to_date: int


class CommunityAnalysis(TypedDict):
    analysed_on: str
    conflict_potential: int
    risks: int
    # Risk counts: rows of likelihood 5 down to 1, columns of impact 1 to 5.
    matrix: list[list[int]]


class CommunityPlan(TypedDict):
    title: str
    kind: str
    status: str
    adopted_on: str | None
    decision_number: str
    measures: int
    measures_done: int


class CommunityPlanning(TypedDict):
    analysis: CommunityAnalysis | None
    plans: list[CommunityPlan]


class LatestAssessment(TypedDict):
    """A community's latest safety assessment up to the period's end (any instrument)."""

    assessed: str
    respondents: int
    # A communities.models.SurveyMethod value, "" when not recorded.
    method: str
    identified_risks: str
    safety_resources: str


class CommunityRow(TypedDict):
    id: int
    name: str
    region: str
    country: str
    kind: str
    population: int | None
    partnership: Partnership
    figures: CommunityFigures
    assessment: CommunityAssessment | None
    negotiators: list[NegotiatorActivity]
    planning: CommunityPlanning
    latest_assessment: NotRequired[LatestAssessment | None]


class IndicatorsDocument(TypedDict):
    period: PeriodDates
    previous_period: PeriodDates
    year_before_period: PeriodDates
    to_date: ToDate
    scope: Scope
    modules: list[Module]
    headline: list[HeadlineFigure]
    communities: Communities
    negotiators: Negotiators
    training: Training
    events: Events
    webinars: Webinars
    incidents: Incidents
    media: Media
    engagements: Engagements
    planning: Planning
    casework: Casework
    police: Police
    assessments: Assessments
    community_rows: list[CommunityRow]
    webinar_rows: list[WebinarRow]
    engagement_rows: list[EngagementRow]
    data_quality: NotRequired[DataQuality]


class QualityAssessment(TypedDict):
    community: int
    name: str
    assessed: str
    instrument: str
    respondents: int
    method: str
    small_sample: bool


class NotRecorded(TypedDict):
    """In the period (negotiators and communities: at its end), how many in all and how many
    without the detail. Outside the case team the parties' counts are hidden like their figures."""

    participants: int
    participants_without_sex: int
    events: int
    events_without_breakdown: int
    people_involved: int | str
    people_involved_without_sex: int | str
    people_involved_without_age_group: int | str
    negotiators: int
    negotiators_without_sex: int
    communities: int
    communities_without_location: int
    communities_without_population: int


class DataQuality(TypedDict):
    """The data-quality page (:func:`reports.indicators._data_quality`): plain values, not figures."""

    min_respondents: int
    assessments: list[QualityAssessment]
    small_samples: int
    respondents: int
    methods: dict[str, int]
    not_recorded: NotRecorded


class ProgrammeDonor(TypedDict):
    name: str
    grant_reference: str


class ProgrammeCover(TypedDict):
    id: int
    code: str
    name: str
    name_en: str
    donors: list[ProgrammeDonor]


class ReportDetails(TypedDict):
    id: int | None
    kind: str
    period: str
    year: int
    half: int | None
    scope: str
    scope_name: str
    programme: NotRequired[ProgrammeCover | None]
    language: str
    note: str
    generated_at: str
    # "pdf/ua-1" or "pdf/a-3b" (reports.models.PdfVariant); absent: the accessible one.
    pdf_variant: NotRequired[str]


class ProgrammeStatusLine(TypedDict):
    """A programme's indicators by status in a period (whole-portal reports)."""

    code: str
    name: str
    on_track: int
    at_risk: int
    off_track: int
    none: int


class ResultsChapter(TypedDict):
    """The "Results against targets" chapter: one programme's rows (a programme-scoped report)
    or a line per programme (a whole-portal report)."""

    programme: dict[str, str] | None
    rows: list[dict[str, Any]]
    programmes: list[ProgrammeStatusLine]


class ProgrammeLine(TypedDict):
    """One programme's share of a report's scope in its period."""

    code: str
    name: str
    countries: list[str]  # Country codes of its communities in scope, sorted.
    communities: int  # Taking part at some time in the period.
    events: int
    participants: int
    incidents: int  # Reported (occurred) in the period.
    engagements: int  # Support engagements opened in the period.


class ReportPhoto(TypedDict):
    """A case story's photo as the PDF prints it: the library document's title (its text
    alternative) and its bytes, base64-encoded, so a frozen snapshot needs nothing else."""

    title: str
    content_type: str
    data: str


class ReportStoryText(TypedDict):
    title: str
    text: str
    quote: str
    quote_attribution: str
    photo: ReportPhoto | None


class ReportNarrative(TypedDict):
    """What staff wrote on a report, and where it stands (``reports.models.ReportStage``; the
    number once final)."""

    stage: str
    number: str
    executive_summary: str
    what_changed: str
    lessons_learned: str
    recommendations: str
    stories: list[ReportStoryText]


class ReportDocument(TypedDict):
    """What the PDF shows: the report's own details and its indicators (and, when there is a
    results framework to show, the results against targets)."""

    report: ReportDetails
    indicators: IndicatorsDocument
    results: NotRequired[ResultsChapter]
    # Each community's stored location ([latitude, longitude]) by id, for the map page.
    locations: NotRequired[dict[str, list[float]]]
    # A report without a programme: what each programme adds to its totals (reports.by_programme).
    by_programme: NotRequired[list[ProgrammeLine]]
    # Headline figures per half-year (the sparklines) and the programmes' risk registers (one
    # programme in a programme report, each programme in a whole-portal one).
    trends: NotRequired[Trends]
    risks: NotRequired[list[ProgrammeRisks]]
    # The written analysis and the stage (reports.services.report_narrative).
    narrative: NotRequired[ReportNarrative]


class Trends(TypedDict):
    """Headline figures per half-year from the scope's first record to the period's end
    (:func:`reports.trends.half_year_trends`): ``periods`` ("2024-H2"), and for each figure of
    :data:`reports.trends.TREND_FIGURES` its values in the same order."""

    periods: list[str]
    series: dict[str, list[int]]


class RiskReviewLine(TypedDict):
    reviewed_on: str
    status: str
    what_happened: str


class RiskLine(TypedDict):
    """A risk of a programme's register, with its reviews dated in the report's period."""

    title: str
    description: str
    likelihood: str
    impact: str
    mitigation: str
    owner: str
    status: str
    reviews: list[RiskReviewLine]


class ProgrammeRisks(TypedDict):
    """A programme's risk register as a report prints it."""

    code: str
    name: str
    risks: list[RiskLine]
    # The written analysis and the stage (reports.services.report_narrative).
    narrative: NotRequired[ReportNarrative]
