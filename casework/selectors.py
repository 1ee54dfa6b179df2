"""Reads of case work, decided per object: a case is seen by its case worker and its supervisor,
and by staff who read personal data; anyone else (programme managers, partners, the data
protection officer, a negotiator of the same community) finds no case at all. Outside the case
team only aggregates leave (``reports``), never these querysets.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from access.capabilities import Capability
from access.viewer import Viewer
from casework.models import Beneficiary, Case, Referral
from incidents.selectors import visible_incidents


def sees_every_case(viewer: Viewer) -> bool:
    """Staff who read personal data and work cases see every case (and read every identity)."""
    return (
        viewer.can(Capability.WORKS_CASES)
        and viewer.can(Capability.READS_PERSONAL_DATA)
        and viewer.can(Capability.SEES_EVERY_COMMUNITY)
    )


def works_cases(viewer: Viewer) -> bool:
    return viewer.user is not None and viewer.can(Capability.WORKS_CASES)


def visible_cases(viewer: Viewer) -> QuerySet[Case]:
    """The cases ``viewer`` may open: every case for staff who read personal data; for anyone
    else who works cases (a negotiator, a case worker or volunteer) those they work or
    supervise; none for everybody else."""
    cases = Case.objects.select_related("beneficiary", "community", "programme", "case_worker")
    if sees_every_case(viewer):
        return cases
    if works_cases(viewer):
        return cases.filter(Q(case_worker=viewer.user) | Q(supervisor=viewer.user))
    return cases.none()


def case_for(viewer: Viewer, pk: Any) -> Case:
    """The case ``pk`` if ``viewer`` may open it; "not found" otherwise (never "forbidden": the
    answer must not tell that the case exists)."""
    try:
        return visible_cases(viewer).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such case.")) from None


def visible_referrals(viewer: Viewer) -> QuerySet[Referral]:
    """The referrals of the cases ``viewer`` may open, and those of the incidents they see when
    they work cases (a negotiator: their community's incidents; staff: all). Partners and
    programme managers see incidents but no referral: a referral's reason and feedback are about
    a person."""
    referrals = Referral.objects.select_related("agency", "case", "case__beneficiary", "incident", "community")
    if sees_every_case(viewer):
        return referrals
    if not works_cases(viewer):
        return referrals.none()
    cases = visible_cases(viewer).values("pk")
    incidents = visible_incidents(viewer).values("pk")
    return referrals.filter(Q(case__in=cases) | Q(case__isnull=True, incident__in=incidents))


def referral_for(viewer: Viewer, pk: Any) -> Referral:
    try:
        return visible_referrals(viewer).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such referral.")) from None


def reads_identity(viewer: Viewer, case: Case) -> bool:
    """Whether ``viewer`` may read the identifying data of ``case``'s beneficiary: its case
    worker, its supervisor, and staff who read personal data."""
    if sees_every_case(viewer):
        return True
    if not works_cases(viewer):
        return False
    return viewer.user.pk in (case.case_worker_id, case.supervisor_id)


def visible_beneficiaries(viewer: Viewer) -> QuerySet[Beneficiary]:
    """The people ``viewer`` may see (by case code): staff who read personal data all; a case
    worker or supervisor the people of their cases."""
    if sees_every_case(viewer):
        return Beneficiary.objects.all()
    if not works_cases(viewer):
        return Beneficiary.objects.none()
    return Beneficiary.objects.filter(pk__in=visible_cases(viewer).values("beneficiary_id"))


def reads_identity_of(viewer: Viewer, beneficiary: Beneficiary) -> bool:
    """Whether ``viewer`` reads ``beneficiary``'s identifying data (through one of their cases)."""
    return sees_every_case(viewer) or visible_beneficiaries(viewer).filter(pk=beneficiary.pk).exists()
