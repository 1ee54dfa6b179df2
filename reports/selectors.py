"""Reads of monitoring reports and of the communities a report (or an indicators request) covers,
always scoped to who is asking."""

from django.core.files.storage import default_storage
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from access.capabilities import Capability
from access.viewer import Viewer
from casework.selectors import visible_cases, works_cases
from communities.models import Community, PartnerOrganisation, Region
from communities.selectors import partner_scope, visible_communities
from reports.models import (
    NARRATIVE_FIELDS,
    MonitoringReport,
    ReportScope,
    ReportStage,
    ReportStatus,
    ReportStory,
    pdf_checksum,
)


def scope_communities(
    *,
    scope: str,
    region: Region | None = None,
    partner: PartnerOrganisation | None = None,
    viewer: Viewer | None = None,
) -> QuerySet[Community]:
    """The communities a report of ``scope`` covers: every community (``programme``), those of
    ``region`` (``region``) or those ``partner`` covers (``partner``).

    With ``viewer``, the result is also limited to
    what that viewer may see (:func:`communities.selectors.visible_communities`), so an API view
    can pass its caller. Without it, the scope is taken as a whole: a report is built by the system
    for whoever is allowed to download it.
    """
    if scope == ReportScope.PROGRAMME:
        communities = Community.objects.all()
    elif scope == ReportScope.REGION:
        if region is None:
            raise ValueError("a region scope needs a region")
        communities = Community.objects.filter(region=region)
    elif scope == ReportScope.PARTNER:
        if partner is None:
            raise ValueError("a partner scope needs a partner organisation")
        communities = Community.objects.filter(partner_organisations=partner)
    else:
        raise ValueError(f"unknown scope {scope!r}")
    if viewer is not None:
        communities = communities.filter(pk__in=visible_communities(viewer).values("pk"))
    return communities


def indicator_communities(viewer: Viewer) -> QuerySet[Community]:
    """The communities whose figures ``viewer`` gets: those they see, and for whoever works cases
    also the communities of their cases (a case worker sees no community otherwise; their
    case-work figures come with small cells hidden, ``reports.suppression``)."""
    communities = visible_communities(viewer)
    if works_cases(viewer) and not viewer.can(Capability.SEES_EVERY_COMMUNITY):
        cases = visible_cases(viewer).order_by().values("community_id")
        communities = Community.objects.filter(Q(pk__in=communities.values("pk")) | Q(pk__in=cases))
    return communities


def indicator_scope(
    viewer: Viewer, *, community: int | None = None, region: int | None = None
) -> tuple[QuerySet[Community], bool]:
    """The communities and the ``programme_wide`` flag to pass to
    :func:`reports.indicators.compute_indicators` for ``viewer``, optionally narrowed to one
    community or one region by id.

    Without a filter, programme staff and managers get the whole programme (programme-wide, as the
    programme report), a partner organisation its covered communities (as its partner report), a
    negotiator their community, and whoever works cases also their cases' communities
    (:func:`indicator_communities`).
    Raises ``Http404`` when the community or region asked for is not among those ``viewer`` sees.
    """
    communities = indicator_communities(viewer)
    if community is not None:
        communities = communities.filter(pk=community)
        if not communities.exists():
            raise Http404(_("No such community."))
    if region is not None:
        communities = communities.filter(region_id=region)
        if not communities.exists():
            raise Http404(_("No such region."))
    sees_everything = viewer.can(Capability.SEES_EVERY_COMMUNITY)
    return communities, sees_everything and community is None and region is None


class DamagedReportFile(Exception):
    """A finished report's file whose size or checksum is not the one stored with the report."""


def read_report_file(report: MonitoringReport, *, docx: bool = False) -> bytes:
    """The bytes of finished ``report``'s file (its PDF, or with ``docx`` its DOCX), checked against
    its stored size and checksum. Raises ``FileNotFoundError`` when the file is missing,
    :class:`DamagedReportFile` when it differs."""
    name, size, checksum = (
        (report.docx_file.name, report.docx_size, report.docx_checksum)
        if docx
        else (report.file.name, report.file_size, report.checksum)
    )
    with default_storage.open(name or "", "rb") as handle:
        content: bytes = handle.read()
    if len(content) != size or pdf_checksum(content) != checksum:
        raise DamagedReportFile(name)
    return content


def report_pdf_content(report: MonitoringReport, *, docx: bool = False) -> bytes:
    """The PDF of ``report`` (already checked visible to the caller), or with ``docx`` its DOCX,
    read from storage and verified against its size and checksum. Raises ``Http404`` with a reason
    when the report is not done, has no DOCX, or its file is missing or damaged: nothing
    half-written is ever served."""
    if not report.is_downloadable:
        raise Http404(_("This report is not ready."))
    if docx and not report.has_docx:
        raise Http404(_("This report has no DOCX version; build it again to add one."))
    try:
        return read_report_file(report, docx=docx)
    except FileNotFoundError:
        raise Http404(_("The report's file is missing; build the report again.")) from None
    except DamagedReportFile:
        raise Http404(_("The report's file is damaged; build the report again.")) from None


def finished_reports() -> QuerySet[MonitoringReport]:
    """Every finished report, unscoped: for the system's own checks (``manage.py verify_reports``)."""
    return MonitoringReport.objects.filter(status=ReportStatus.DONE).order_by("pk")


def report_communities(report: MonitoringReport) -> QuerySet[Community]:
    """The communities ``report`` covers."""
    return scope_communities(scope=report.scope, region=report.region, partner=report.partner)


def is_programme_wide(scope: str) -> bool:
    """Whether figures of ``scope`` include what belongs to no community (see
    :func:`reports.indicators.compute_indicators`)."""
    return scope == ReportScope.PROGRAMME


def can_see_reports(viewer: Viewer) -> bool:
    """Staff, programme managers and partner organisations (or their members) have reports; see
    :func:`visible_reports` for which."""
    return viewer.can(Capability.READS_REPORTS)


def can_request_reports(viewer: Viewer) -> bool:
    """Programme staff and managers request reports, of any scope. Partner organisations only read:
    their reports are requested for them or built by the schedule."""
    return viewer.can(Capability.REQUESTS_REPORTS)


def requestable_partners() -> QuerySet[PartnerOrganisation]:
    """The partner organisations a report can be requested for."""
    return PartnerOrganisation.objects.filter(is_active=True)


def visible_reports(viewer: Viewer) -> QuerySet[MonitoringReport]:
    """The reports ``viewer`` may see and download: staff and programme managers all; a partner
    organisation, or a member of one, only reports whose scope is that (active) organisation, and
    of those in draft or in review only the ones nobody has written texts or stories on yet;
    anyone else (negotiators included) none."""
    reports = MonitoringReport.objects.select_related("region", "partner", "requested_by")
    if viewer.can(Capability.SEES_EVERY_COMMUNITY):
        return reports
    if viewer.can(Capability.SEES_COVERED_COMMUNITIES):
        # What staff are still writing is not for partners: a report with written texts or case
        # stories reaches them once it is final (a report without any, as every scheduled one,
        # at once).
        unwritten = Q(**dict.fromkeys(NARRATIVE_FIELDS, "")) & ~Q(pk__in=ReportStory.objects.values("report_id"))
        return (
            reports.filter(scope=ReportScope.PARTNER, **partner_scope(viewer, "partner"))
            .filter(unwritten | Q(stage=ReportStage.FINAL))
            .distinct()
        )
    return reports.none()
