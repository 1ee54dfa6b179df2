"""The demo programme's 2025 figures, computed here straight from the seeded rows (plain Python over
the rows, none of ``reports.indicators``), to check the indicators and the PDF against."""

from collections import Counter
from datetime import date
from statistics import mean
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import AssessmentDimension, Partnership, SafetyAssessment
from incidents.models import Incident, IncidentCategory
from negotiators.models import MediaMention, Negotiator, OutreachEvent
from tests.reports.helpers import decimal, grouped, signed, values_after
from training.models import TrainingSession

KYIV = ZoneInfo("Europe/Kyiv")
START, END = date(2025, 1, 1), date(2025, 12, 31)


def demo_figures() -> dict:
    events = list(OutreachEvent.objects.filter(status="held"))
    incidents = [incident.occurred_at.astimezone(KYIV) for incident in Incident.objects.all()]
    categories = {
        year: Counter(
            incident.category
            for incident in Incident.objects.all()
            if incident.occurred_at.astimezone(KYIV).year == year
        )
        for year in (2024, 2025)
    }

    to_date = Counter(
        incident.category for incident in Incident.objects.all() if incident.occurred_at.astimezone(KYIV).date() <= END
    )

    def partner_in(year):
        start, end = date(year, 1, 1), date(year, 12, 31)
        return {
            row.community_id
            for row in Partnership.objects.all()
            if row.joined_on <= end and (row.left_on is None or row.left_on >= start)
        }

    def mean_latest(year, dimension):
        latest = {}
        for row in SafetyAssessment.objects.filter(year=year):
            if row.community_id not in latest or row.half > latest[row.community_id].half:
                latest[row.community_id] = row
        return round(mean(float(row.score_values()[dimension]) for row in latest.values()), 2)

    trust = {year: mean_latest(year, "trust_in_police") for year in (2024, 2025)}
    return {
        "communities_active": len(partner_in(2025)),
        "communities_active_2024": len(partner_in(2024)),
        "negotiators": sum(1 for n in Negotiator.objects.all() if n.is_active and n.joined_on <= END),
        "modules_to_date": len({s.module_id for s in TrainingSession.objects.all() if s.starts_on <= END}),
        "modules_2025": len({s.module_id for s in TrainingSession.objects.all() if s.starts_on.year == 2025}),
        "modules_2024": len({s.module_id for s in TrainingSession.objects.all() if s.starts_on.year == 2024}),
        "events": sum(1 for e in events if e.date.year == 2025),
        "events_2024": sum(1 for e in events if e.date.year == 2024),
        "events_to_date": sum(1 for e in events if e.date <= END),
        "participants": sum(e.participants_total for e in events if e.date.year == 2025),
        "participants_2024": sum(e.participants_total for e in events if e.date.year == 2024),
        "participants_to_date": sum(e.participants_total for e in events if e.date <= END),
        "incidents": sum(1 for moment in incidents if moment.year == 2025),
        "incidents_2024": sum(1 for moment in incidents if moment.year == 2024),
        "incidents_to_date": sum(1 for moment in incidents if moment.date() <= END),
        "categories": categories,
        "categories_to_date": to_date,
        "reach_to_date": sum(m.reach for m in MediaMention.objects.all() if m.published_on <= END),
        "trust": trust,
    }


def check_pdf_text(text: str, figures: dict, language: str) -> list[str]:
    """The rows of the summary, of incidents by category and of the trust score that the text lacks."""

    def n(value):
        return grouped(value, language)

    def row(label, current, previous, to_date):
        return (label, [n(current), n(previous), signed(current - previous, language), n(to_date)])

    with translation.override(language):
        expected = [
            row(
                _("Communities in partnership during the period"),
                figures["communities_active"],
                figures["communities_active_2024"],
                figures["communities_active"],
            ),
            row(
                _("Active negotiators at the end of the period"),
                figures["negotiators"],
                figures["negotiators"],
                figures["negotiators"],
            ),
            row(
                _("Training modules delivered"),
                figures["modules_2025"],
                figures["modules_2024"],
                figures["modules_to_date"],
            ),
            row(_("Outreach events"), figures["events"], figures["events_2024"], figures["events_to_date"]),
            row(
                _("Residents reached by outreach events"),
                figures["participants"],
                figures["participants_2024"],
                figures["participants_to_date"],
            ),
            row(_("Incidents reported"), figures["incidents"], figures["incidents_2024"], figures["incidents_to_date"]),
        ]
        for category, label in IncidentCategory.choices:
            current, previous = figures["categories"][2025][category], figures["categories"][2024][category]
            if current or previous:
                expected.append(row(str(label), current, previous, figures["categories_to_date"][category]))
        trust_now, trust_before = figures["trust"][2025], figures["trust"][2024]
        expected.append(
            (
                # The dimension's own name in the report's language (it lives with the instrument).
                AssessmentDimension.objects.get(instrument__code="SAFETY", code="trust_in_police").localized_name(),
                [
                    decimal(trust_now, 2, language),
                    decimal(trust_before, 2, language),
                    signed(round(trust_now - trust_before, 2), language, places=2),
                ],
            )
        )
    return [f"{label}: {' '.join(values)}" for label, values in expected if not values_after(text, label, values)]
