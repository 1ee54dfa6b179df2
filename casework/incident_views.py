"""The referrals on the field app's page of an incident (``/field/incidents/<id>/``): the incident's
referrals with their status, and the form that refers it to an agency of the directory. The page
itself is ``incidents.views``'s; this app adds its part through ``incidents.views.PAGE_SECTIONS``
(registered in ``casework.apps``) and answers the form at ``/field/incidents/<id>/referrals/``.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from casework.incident_referrals import incident_refer, incident_refer_errors
from casework.models import Agency
from casework.selectors import visible_referrals, works_cases
from incidents.models import CLOSED_STATUSES, Incident
from incidents.views import PAGE_SECTIONS, render_incident_page, scoped_incident
from negotiators.field import (
    FormRejected,
    apply_errors,
    field_view,
    new_idempotency_key,
    private_page,
    read_only_response,
    submit,
)
from negotiators.forms import DateInput, Textarea


def agencies_for(incident: Incident) -> QuerySet[Agency]:
    """The active agencies an incident may be referred to: those of its country, country-wide or
    in its own community."""
    return Agency.objects.filter(
        Q(community__isnull=True) | Q(community=incident.community_id),
        active=True,
        country=incident.community.region.country,
    ).order_by("name", "pk")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class IncidentReferralForm(forms.Form):
    """Refer the case to an agency of the directory; it stays open while the agency works."""

    prefix = "referral"

    agency = AgencyChoiceField(label=gettext_lazy("Agency"), queryset=Agency.objects.none())
    sent_on = forms.DateField(label=gettext_lazy("Sent on"), widget=DateInput())
    follow_up_on = forms.DateField(label=gettext_lazy("Follow up on"), widget=DateInput(), required=False)
    reason = forms.CharField(
        label=gettext_lazy("Why (internal)"),
        required=False,
        widget=Textarea(),
        help_text=gettext_lazy("Kept encrypted and never shared with partners."),
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.fields["agency"].queryset = agencies_for(incident)  # type: ignore[attr-defined]
        self.fields["sent_on"].initial = timezone.localdate

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = incident_refer_errors(
            incident=self.incident, agency=cleaned.get("agency"), sent_on=cleaned.get("sent_on")
        )
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned


def referral_section(request: HttpRequest, incident: Incident, can_write: bool) -> dict[str, Any]:
    """The incident's referrals for whoever works cases (a negotiator of its community, staff),
    and the form to add one while the case is open; nothing for the others."""
    viewer = request.field.viewer  # type: ignore[attr-defined]
    if not works_cases(viewer):
        return {}
    referrals = visible_referrals(viewer).filter(incident=incident).order_by("-sent_on", "-pk")
    section: dict[str, Any] = {"referrals": list(referrals)}
    if can_write and incident.status not in CLOSED_STATUSES:
        section["referral_form"] = IncidentReferralForm(incident=incident)
        section["referral_key"] = new_idempotency_key()
    return section


def register() -> None:
    if referral_section not in PAGE_SECTIONS:
        PAGE_SECTIONS.append(referral_section)


@private_page
@field_view
@require_POST
def incident_referral(request, pk):
    """Refer the case to an agency (it stays open); the referral is then followed up."""
    incident = scoped_incident(request, pk)
    if not request.field.writable.filter(pk=incident.community_id).exists() or not works_cases(request.field.viewer):
        return read_only_response(request)
    form = IncidentReferralForm(request.POST, incident=incident)

    def write():
        if not form.is_valid():
            raise FormRejected
        data = form.cleaned_data
        try:
            referral = incident_refer(
                incident=incident,
                agency=data["agency"],
                sent_on=data["sent_on"],
                follow_up_on=data["follow_up_on"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
            raise FormRejected from error
        message = _("The case was referred to %(agency)s; it stays open.") % {"agency": referral.agency.name}
        return 201, {"id": referral.pk, "url": reverse("field:incident_detail", args=[pk]), "message": message}

    def rejected(status, message):
        key = request.POST.get("idempotency_key") if status == 400 else new_idempotency_key()
        extra = {"referral_form": form, "referral_key": key}
        return render_incident_page(request, incident, status=status, message=message, extra=extra)

    return submit(request, write=write, rejected=rejected, forms=[form])
