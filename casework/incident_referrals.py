"""Referrals of safety incidents: an incident referred to an agency of the directory stays open
while the agency works on it (referring used to close it, naming only the kind of agency in
``Incident.referred_to``).

``incidents`` is a layer below and cannot know referrals: its admin, API and field pages get the
referrals from here (``casework.incident_admin``, ``casework.incident_api``,
``casework.incident_views``), and this module writes the incident's log through
``incidents.services``.
"""

from casework.models import AgencyKind
from incidents.models import Agency

# The directory's kind for each agency an incident could name. The data migration of the old
# referrals uses this table (frozen in its own copy) and the figures read it back: each kind maps
# back to the agency it came from, so a migrated referral counts under its old agency.
INCIDENT_AGENCY_KINDS: dict[str, str] = {
    Agency.POLICE: AgencyKind.POLICE,
    Agency.LOCAL_GOVERNMENT: AgencyKind.LOCAL_GOVERNMENT,
    Agency.SOCIAL_SERVICES: AgencyKind.SOCIAL_PROTECTION,
    Agency.HEALTH_CARE: AgencyKind.CLINIC,
    Agency.LEGAL_AID: AgencyKind.LEGAL_AID,
    Agency.PSYCHOSOCIAL: AgencyKind.PSYCHOSOCIAL,
    Agency.EMERGENCY_SERVICE: AgencyKind.EMERGENCY_SERVICE,
    Agency.OTHER: AgencyKind.OTHER,
}


def incident_agency_of(kind: str) -> str:
    """The incident's agency (``incidents.models.Agency``) a directory agency of ``kind`` counts
    as in the incident figures: the kinds incidents never named count as "other"."""
    for agency, mapped in INCIDENT_AGENCY_KINDS.items():
        if mapped == kind:
            return agency
    return Agency.OTHER


def agency_kinds_of(agency: str) -> list[str]:
    """The directory's kinds that count as the incident's ``agency`` in the figures."""
    return [kind for kind in AgencyKind.values if incident_agency_of(kind) == agency]
