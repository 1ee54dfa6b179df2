"""Referrals of safety incidents: an incident referred to an agency of the directory stays open
while the agency works on it (referring used to close it, naming only the kind of agency in
``Incident.referred_to``).

``incidents`` is a layer below and cannot know referrals: its admin, API and field pages get the
referrals from here (``casework.incident_admin``, ``casework.incident_api``,
``casework.incident_views``), and this module writes the incident's log through
``incidents.services``.
"""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import Agency, AgencyKind, Referral
from casework.services import referral_create
from incidents.models import CLOSED_STATUSES, Incident
from incidents.models import Agency as IncidentAgency
from incidents.services import incident_referral_log

# The directory's kind for each agency an incident could name. The data migration of the old
# referrals uses this table (frozen in its own copy) and the figures read it back: each kind maps
# back to the agency it came from, so a migrated referral counts under its old agency.
INCIDENT_AGENCY_KINDS: dict[str, str] = {
    IncidentAgency.POLICE: AgencyKind.POLICE,
    IncidentAgency.LOCAL_GOVERNMENT: AgencyKind.LOCAL_GOVERNMENT,
    IncidentAgency.SOCIAL_SERVICES: AgencyKind.SOCIAL_PROTECTION,
    IncidentAgency.HEALTH_CARE: AgencyKind.CLINIC,
    IncidentAgency.LEGAL_AID: AgencyKind.LEGAL_AID,
    IncidentAgency.PSYCHOSOCIAL: AgencyKind.PSYCHOSOCIAL,
    IncidentAgency.EMERGENCY_SERVICE: AgencyKind.EMERGENCY_SERVICE,
    IncidentAgency.OTHER: AgencyKind.OTHER,
}


def incident_agency_of(kind: str) -> str:
    """The incident's agency (``incidents.models.Agency``) a directory agency of ``kind`` counts
    as in the incident figures: the kinds incidents never named count as "other"."""
    for agency, mapped in INCIDENT_AGENCY_KINDS.items():
        if mapped == kind:
            return agency
    return IncidentAgency.OTHER


def agency_kinds_of(agency: str) -> list[str]:
    """The directory's kinds that count as the incident's ``agency`` in the figures."""
    return [kind for kind in AgencyKind.values if incident_agency_of(kind) == agency]


def incident_refer_errors(*, incident: Incident, agency: Agency | None, sent_on: date | None) -> dict[str, str]:
    """What is wrong with referring ``incident`` to ``agency`` on ``sent_on`` (the forms ask before
    saving; :func:`incident_refer` raises them): a closed case is reopened first, the agency works
    in the incident's country, and the referral is not dated before the incident happened."""
    if incident.status in CLOSED_STATUSES:
        return {"incident": _("The case is closed: reopen it before referring it.")}
    errors: dict[str, str] = {}
    if agency is not None and agency.country != incident.community.region.country:
        errors["agency"] = _("Choose an agency in the country of the case.")
    if sent_on is not None and sent_on < timezone.localdate(incident.occurred_at):
        errors["sent_on"] = _("A case cannot be referred before it happened.")
    return errors


@transaction.atomic
def incident_refer(
    *,
    incident: Incident,
    agency: Agency,
    sent_on: date,
    reason: str = "",
    follow_up_on: date | None = None,
    by: User,
) -> Referral:
    """Refer ``incident`` to ``agency`` on ``sent_on``: a referral followed up like a case's
    (``casework.services.referral_create``), while the incident keeps its status and stays open;
    its log says who referred it where. Raises ``ValidationError`` (see
    :func:`incident_refer_errors`) and ``PermissionDenied`` for whoever may not log in its
    community or does not work cases."""
    incident = Incident.objects.select_for_update().select_related("community__region").get(pk=incident.pk)
    errors = incident_refer_errors(incident=incident, agency=agency, sent_on=sent_on)
    if errors:
        raise ValidationError(errors)
    referral = referral_create(
        agency=agency, sent_on=sent_on, incident=incident, reason=reason, follow_up_on=follow_up_on, by=by
    )
    incident_referral_log(incident=incident, actor=by, agency=agency.name, sent_on=sent_on)
    return referral
