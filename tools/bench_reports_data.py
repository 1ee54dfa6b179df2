"""Data and measurements for ``python -m tools.bench_reports``.

:func:`fill_national` fills an empty PostgreSQL database (migrated, nothing else) with a programme
at national scale in a handful of ``INSERT ... SELECT FROM generate_series`` statements, so the
database generates the rows itself; :func:`measure` builds one report and returns how long its
figures and its PDF took and the process's peak memory.
"""

import io
import resource
import time
from datetime import date

from django.db import connection

from reports import services
from reports.models import MonitoringReport


def _tables() -> dict[str, str]:
    from communities.models import (
        AssessmentDimension,
        AssessmentScore,
        Community,
        Engagement,
        PartnerOrganisation,
        Partnership,
        Region,
        SafetyAssessment,
    )
    from incidents.models import Incident
    from negotiators.models import MediaMention, Negotiator, OutreachEvent
    from programmes.models import Donor, Funding, Participation, Programme
    from training.models import Attendance, TrainingModule, TrainingSession

    models = {
        "region": Region,
        "community": Community,
        "partnership": Partnership,
        "partner": PartnerOrganisation,
        "assessment": SafetyAssessment,
        "dimension": AssessmentDimension,
        "score": AssessmentScore,
        "engagement": Engagement,
        "negotiator": Negotiator,
        "event": OutreachEvent,
        "mention": MediaMention,
        "module": TrainingModule,
        "session": TrainingSession,
        "attendance": Attendance,
        "incident": Incident,
        "programme": Programme,
        "participation": Participation,
        "donor": Donor,
        "funding": Funding,
    }
    tables = {name: model._meta.db_table for name, model in models.items()}
    tables["organisers"] = OutreachEvent.organisers.through._meta.db_table
    tables["coverage"] = PartnerOrganisation.communities.through._meta.db_table
    return tables


def national_statements(*, communities: int, incidents: int, events: int, regions: int = 25) -> list[str]:
    """The SQL that fills the national-scale programme (PostgreSQL). Deterministic: ``setseed``."""
    t = _tables()
    ids = f"(SELECT array_agg(id ORDER BY id) AS ids FROM {t['community']})"
    first_negotiator = f"(SELECT community_id, min(id) AS negotiator_id FROM {t['negotiator']} GROUP BY community_id)"

    def programme_of(community: str) -> str:
        # Two programmes: every community takes part in NAT-A, every third also in NAT-B (the one
        # the programme-scoped report covers), whose records are attributed to it.
        code = f"CASE WHEN {community} % 3 = 0 THEN 'NAT-B' ELSE 'NAT-A' END"
        return f"(SELECT id FROM {t['programme']} WHERE code = {code})"

    return [
        "SELECT setseed(0.42)",
        f"""INSERT INTO {t["region"]} (created_at, updated_at, name, country)
            SELECT now(), now(), 'Область ' || g, 'UA' FROM generate_series(1, {regions}) g""",
        f"""INSERT INTO {t["community"]} (created_at, updated_at, name, region_id, kind, population)
            SELECT now(), now(), 'Громада ' || g, r.ids[1 + g % {regions}], 'hromada', 3000 + (g * 7919) % 120000
            FROM generate_series(1, {communities}) g,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM {t["region"]}) r""",
        f"""INSERT INTO {t["partnership"]} (created_at, updated_at, community_id, joined_on, left_on, leave_reason,
                                           note)
            SELECT now(), now(), id, date '2023-01-01' + (id % 400)::int,
                   CASE WHEN id % 20 = 0 THEN date '2025-01-01' + (id % 300)::int END,
                   CASE WHEN id % 20 = 0 THEN 'elections' ELSE '' END, ''
            FROM {t["community"]}""",
        f"""INSERT INTO {t["programme"]} (created_at, updated_at, code, name, name_en, implementing_organisation,
                starts_on, ends_on, countries, currency, budget, status, on_track_from, at_risk_from)
            VALUES (now(), now(), 'NAT-A', 'Національна програма', 'National programme', 'ГО', date '2023-01-01',
                    date '2026-12-31', '["UA"]', 'UAH', 1000000, 'active', 90, 60),
                   (now(), now(), 'NAT-B', 'Програма безпеки громад', 'Community safety programme', 'ГО',
                    date '2024-01-01', date '2026-12-31', '["UA"]', 'UAH', 500000, 'active', 90, 60)""",
        f"""INSERT INTO {t["participation"]} (created_at, updated_at, programme_id, community_id, joined_on)
            SELECT now(), now(), p.id, c.id, p.starts_on FROM {t["community"]} c
            JOIN {t["programme"]} p ON p.code = 'NAT-A' OR (p.code = 'NAT-B' AND c.id % 3 = 0)""",
        f"""INSERT INTO {t["donor"]} (created_at, updated_at, name, country, kind)
            VALUES (now(), now(), 'Фонд безпеки', 'UA', 'foundation')""",
        f"""INSERT INTO {t["funding"]} (created_at, updated_at, programme_id, donor_id, instrument, grant_reference)
            SELECT now(), now(), p.id, d.id, 'grant', 'GR-' || p.code FROM {t["programme"]} p, {t["donor"]} d""",
        f"""INSERT INTO {t["partner"]} (created_at, updated_at, name, short_name, country, website, is_active)
            SELECT now(), now(), 'Партнер ' || g, 'П' || g, 'UA', '', true FROM generate_series(1, 17) g""",
        f"""INSERT INTO {t["coverage"]} (partnerorganisation_id, community_id)
            SELECT p.id, c.id FROM {t["partner"]} p JOIN {t["community"]} c ON c.id % 17 = p.id % 17""",
        f"""INSERT INTO {t["negotiator"]} (created_at, updated_at, community_id, cohort, status, certified_on,
                                         joined_on, is_active)
            SELECT now(), now(), c.id, CASE WHEN n = 1 THEN 'pilot' ELSE 'new' END,
                   CASE WHEN (c.id + n) % 10 < 3 THEN 'advanced' WHEN (c.id + n) % 10 < 8 THEN 'certified'
                        WHEN (c.id + n) % 10 < 9 THEN 'trained' ELSE 'candidate' END,
                   CASE WHEN (c.id + n) % 10 < 8 THEN date '2024-01-01' + (c.id % 600)::int END,
                   date '2023-01-01' + (c.id % 500)::int, true
            FROM {t["community"]} c, generate_series(1, 2) n""",
        f"""INSERT INTO {t["module"]} (created_at, updated_at, code, title, level, "order", hours, description,
                                      is_active)
            SELECT now(), now(), CASE WHEN g <= 4 THEN 'Б' || g ELSE 'П' || (g - 4) END, 'Модуль ' || g,
                   CASE WHEN g <= 4 THEN 'basic' ELSE 'advanced' END, CASE WHEN g <= 4 THEN g ELSE g - 4 END,
                   16, '', true
            FROM generate_series(1, 6) g""",
        f"""INSERT INTO {t["session"]} (created_at, updated_at, module_id, starts_on, ends_on, place,
                                       host_community_id, trainers, notes, programme_id)
            SELECT *, {programme_of("host_community_id")} FROM (
                SELECT now(), now(), m.id, date '2024-01-15' + ((m.id * 97 + r.id * 3) % 700)::int,
                       date '2024-01-17' + ((m.id * 97 + r.id * 3) % 700)::int, 'Обласний центр',
                       (SELECT min(c.id) FROM {t["community"]} c WHERE c.region_id = r.id) AS host_community_id,
                       '', ''
                FROM {t["module"]} m, {t["region"]} r) s""",
        f"""INSERT INTO {t["attendance"]} (created_at, updated_at, session_id, negotiator_id, present, completed)
            SELECT now(), now(), s.id, n.id, (n.id + s.id) % 15 <> 0, (n.id + s.id) % 15 <> 0
            FROM {t["negotiator"]} n
            JOIN {t["community"]} c ON c.id = n.community_id
            JOIN {t["session"]} s ON s.host_community_id IN
                 (SELECT min(c2.id) FROM {t["community"]} c2 WHERE c2.region_id = c.region_id)
            JOIN {t["module"]} m ON m.id = s.module_id
            WHERE m.level = 'basic' OR n.cohort = 'pilot'""",
        f"""INSERT INTO {t["event"]} (created_at, updated_at, community_id, kind, title, date, place, topic,
                participants_total, participants_women, participants_men, participants_youth, participants_idps,
                participants_veterans, participants_vulnerable, police_present, local_government_present,
                ngos_present, summary, internal_notes, programme_id, status, format, time_zone, meeting_link,
                stream_link, languages, interpretation, agenda, registration_open, title_is_automatic)
            SELECT now(), now(), c.ids[1 + g % array_length(c.ids, 1)],
                   (ARRAY['information_session','round_table','public_meeting','forum','press_conference',
                          'training','webinar','advocacy_action'])[1 + g % 8],
                   'Захід ' || g, date '2024-01-01' + (g * 7) % 731, '',
                   (ARRAY['feeling_of_safety','police_community','neighbourly_coexistence','youth',
                          'road_fire_safety','idp_integration','veterans'])[1 + g % 7],
                   total, total * 55 / 100, total - total * 55 / 100, total / 5, total / 10, total / 20,
                   total / 20, random() < 0.4, random() < 0.5, random() < 0.2, '', '',
                   {programme_of("c.ids[1 + g % array_length(c.ids, 1)]")},
                   'held', 'in_person', '', '', '', '[]', false, '', false, false
            FROM (SELECT g, 3 + floor(random() * 15)::int AS total FROM generate_series(1, {events}) g) e,
                 {ids} c""",
        f"""INSERT INTO {t["organisers"]} (outreachevent_id, negotiator_id)
            SELECT e.id, f.negotiator_id FROM {t["event"]} e JOIN {first_negotiator} f USING (community_id)""",
        f"""INSERT INTO {t["incident"]} (created_at, updated_at, community_id, category, severity, status,
                response_mode, referred_to, occurred_at, closed_at, title, description, location, source,
                police_involved, negotiator_id, internal_notes, programme_id, title_is_automatic)
            SELECT now(), now(), i.community_id,
                   (ARRAY['neighbour_dispute','domestic_conflict','public_order','youth','intergroup_tension',
                          'police_community','road_safety','fire_safety'])[1 + i.g % 8],
                   1 + i.g % 4,
                   CASE WHEN i.r < 0.60 THEN 'resolved' WHEN i.r < 0.75 THEN 'referred'
                        WHEN i.r < 0.83 THEN 'closed_unresolved' WHEN i.r < 0.95 THEN 'in_progress'
                        ELSE 'reported' END,
                   CASE WHEN i.r < 0.95 THEN 'mediation' ELSE '' END,
                   CASE WHEN i.r >= 0.60 AND i.r < 0.75 THEN 'social_services' ELSE '' END,
                   i.occurred_at,
                   CASE WHEN i.r < 0.83 THEN i.occurred_at + (1 + i.r * 60) * interval '1 day' END,
                   'Випадок ' || i.g, '', '', 'resident', i.g % 4 = 0, f.negotiator_id, '',
                   {programme_of("i.community_id")}, false
            FROM (SELECT g, random() AS r, c.ids[1 + g % array_length(c.ids, 1)] AS community_id,
                         timestamptz '2024-01-01 00:00+02' + ((g * 37) % 1051200) * interval '1 minute' AS occurred_at
                  FROM generate_series(1, {incidents}) g, {ids} c) i
            JOIN {first_negotiator} f ON f.community_id = i.community_id""",
        f"""INSERT INTO {t["assessment"]} (created_at, updated_at, community_id, year, half, assessed_on, respondents,
                identified_risks, safety_resources, programme_id, instrument_id)
            SELECT now(), now(), c.id, p.year, p.half, make_date(p.year, 6 * p.half, 20), 40 + c.id % 80,
                   '', '', {programme_of("c.id")}, (SELECT DISTINCT instrument_id FROM {t["dimension"]} d
                                                    WHERE d.code = 'perceived_safety' LIMIT 1)
            FROM {t["community"]} c,
                 (VALUES (2024, 1), (2024, 2), (2025, 1), (2025, 2)) AS p(year, half)""",
        # The first instrument's seven scores (fill_national creates it), rising by half-year.
        f"""INSERT INTO {t["score"]} (created_at, updated_at, assessment_id, dimension_id, value)
            SELECT now(), now(), a.id, d.id,
                   round((v.base + (a.community_id % v.modulo) / 10.0
                          + ((a.year - 2024) * 2 + a.half - 1) * v.step)::numeric, 2)
            FROM {t["assessment"]} a
            JOIN {t["dimension"]} d ON d.instrument_id = a.instrument_id
            JOIN (VALUES ('perceived_safety', 2.0, 10, 0.15), ('trust_in_police', 2.2, 7, 0.12),
                         ('police_interaction', 2.1, 9, 0.10), ('cohesion', 2.5, 5, 0.08),
                         ('stakeholder_communication', 2.4, 6, 0.11), ('inclusion', 2.0, 8, 0.09),
                         ('infrastructure_safety', 2.6, 4, 0.07)) AS v(code, base, modulo, step) ON v.code = d.code""",
        f"""INSERT INTO {t["mention"]} (created_at, updated_at, outlet, medium, published_on, title, url, reach,
                                       community_id, programme_id)
            SELECT now(), now(), 'Видання ' || g % 40, (ARRAY['tv','radio','print','online','social'])[1 + g % 5],
                   date '2024-01-01' + (g * 13) % 731, 'Згадка ' || g, '', 1000 + (g * 7919) % 200000,
                   CASE WHEN g % 10 = 0 THEN NULL ELSE c.ids[1 + g % array_length(c.ids, 1)] END,
                   {programme_of("(CASE WHEN g % 10 = 0 THEN 1 ELSE c.ids[1 + g % array_length(c.ids, 1)] END)")}
            FROM generate_series(1, 5000) g, {ids} c""",
        f"""INSERT INTO {t["engagement"]} (created_at, updated_at, community_id, mode, topic, starts_on, ends_on,
                trigger, line_communication, line_process_mapping, line_participation, line_mediation, outcome,
                programme_id)
            SELECT now(), now(), c.ids[1 + (g * 5) % array_length(c.ids, 1)],
                   CASE WHEN g % 3 = 0 THEN 'systematic' ELSE 'acute' END,
                   (ARRAY['housing','education','social_services','neighbourly_coexistence'])[1 + g % 4],
                   date '2024-01-01' + (g * 3) % 700,
                   date '2024-01-01' + (g * 3) % 700 + CASE WHEN g % 3 = 0 THEN 300 ELSE 60 END,
                   '', true, g % 2 = 0, g % 3 = 0, g % 4 = 0, '',
                   {programme_of("c.ids[1 + (g * 5) % array_length(c.ids, 1)]")}
            FROM generate_series(1, 300) g, {ids} c""",
        "ANALYZE",
    ]


def fill_national(*, communities: int = 1500, incidents: int = 1_000_000, events: int = 200_000) -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("the national-scale benchmark fills a PostgreSQL database")
    from communities.services import assessment_first_instrument

    assessment_first_instrument()
    with connection.cursor() as cursor:
        for statement in national_statements(communities=communities, incidents=incidents, events=events):
            cursor.execute(statement)


def _page_count(content: bytes) -> int | None:
    try:
        from pypdf import PdfReader  # a development dependency, like this benchmark
    except ImportError:  # pragma: no cover
        return None
    return len(PdfReader(io.BytesIO(content)).pages)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def cpu_reference_seconds() -> float:
    """How long this machine takes for a fixed piece of pure Python work (10 million additions):
    about 0.4 s on an idle recent laptop; more on a slow or busy machine. Printed next to the
    figures so that they can be compared across machines."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.process_time() - started, 2)


def measure(*, year: int = 2025, language: str = "uk", programme: str | None = None) -> dict:
    """Build the annual report of ``year`` for the whole programme (or for the programme whose code
    is ``programme``) in this process, timing the figures and the PDF separately (wall clock and
    CPU) and reading the peak memory after each."""
    from programmes.models import Programme
    from reports.pdf import render_report_pdf  # imports WeasyPrint once, as a worker process does

    baseline = _peak_rss_mb()
    report = services.report_request(
        actor=None,
        kind="annual",
        year=year,
        language=language,
        enqueue=False,
        today=date(year + 1, 1, 1),
        programme=Programme.objects.get(code=programme) if programme else None,
    )
    report = MonitoringReport.objects.select_related("region", "partner", "programme").get(pk=report.pk)
    wall, cpu = time.perf_counter(), time.process_time()
    document = services.report_document(report)
    figures_wall, figures_cpu = time.perf_counter() - wall, time.process_time() - cpu
    after_figures = _peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    content = render_report_pdf(document)
    render_wall, render_cpu = time.perf_counter() - wall, time.process_time() - cpu
    report.delete()
    indicators = document["indicators"]
    return {
        "communities": indicators["scope"]["communities"],
        "events_to_date": indicators["events"]["count"]["to_date"],
        "incidents_to_date": indicators["incidents"]["reported"]["to_date"],
        "figures_seconds": round(figures_wall, 2),
        "figures_cpu_seconds": round(figures_cpu, 2),
        "render_seconds": round(render_wall, 2),
        "render_cpu_seconds": round(render_cpu, 2),
        "total_seconds": round(figures_wall + render_wall, 2),
        "pages": _page_count(content),
        "pdf_kib": round(len(content) / 1024),
        "rss_before_mb": round(baseline),
        "rss_peak_after_figures_mb": round(after_figures),
        "rss_peak_mb": round(_peak_rss_mb()),
        "cpu_reference_seconds": cpu_reference_seconds(),
    }
