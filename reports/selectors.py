"""Reads of monitoring reports and of the communities a report (or an indicators request) covers,
always scoped to who is asking."""

from django.db.models import QuerySet

from communities.models import Community, PartnerOrganisation, Region
from communities.roles import Role, role_of
from communities.selectors import visible_communities, visible_partners
from reports.models import MonitoringReport, ReportScope


def scope_communities(
    *,
    scope: str,
    region: Region | None = None,
    partner: PartnerOrganisation | None = None,
    viewer=None,
) -> QuerySet[Community]:
    """The communities a report of ``scope`` covers: every community (``programme``), those of
    ``region`` (``region``) or those ``partner`` covers (``partner``).

    With ``viewer`` (a user or a :class:`PartnerOrganisation`), the result is also limited to
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


def report_communities(report: MonitoringReport) -> QuerySet[Community]:
    """The communities ``report`` covers."""
    return scope_communities(scope=report.scope, region=report.region, partner=report.partner)


def is_programme_wide(scope: str) -> bool:
    """Whether figures of ``scope`` include what belongs to no community (see
    :func:`reports.indicators.compute_indicators`)."""
    return scope == ReportScope.PROGRAMME


def can_request_reports(viewer) -> bool:
    """Staff and programme managers request reports of any scope; a partner organisation (or its
    member) only of its own communities."""
    if isinstance(viewer, PartnerOrganisation):
        return viewer.is_active
    return role_of(viewer) in (Role.STAFF, Role.PROGRAMME_MANAGER, Role.PARTNER)


def requestable_partners(viewer) -> QuerySet[PartnerOrganisation]:
    """The partner organisations whose scope ``viewer`` may request a report of."""
    return visible_partners(viewer).filter(is_active=True)


def visible_reports(viewer) -> QuerySet[MonitoringReport]:
    """The reports ``viewer`` may see and download: staff and programme managers all; a partner
    organisation, or a member of one, only reports whose scope is that (active) organisation;
    anyone else (negotiators included) none."""
    reports = MonitoringReport.objects.select_related("region", "partner", "requested_by")
    if isinstance(viewer, PartnerOrganisation):
        if not viewer.is_active:
            return reports.none()
        return reports.filter(scope=ReportScope.PARTNER, partner=viewer)
    role = role_of(viewer)
    if role in (Role.STAFF, Role.PROGRAMME_MANAGER):
        return reports
    if role == Role.PARTNER:
        return reports.filter(scope=ReportScope.PARTNER, partner__members=viewer, partner__is_active=True).distinct()
    return reports.none()
