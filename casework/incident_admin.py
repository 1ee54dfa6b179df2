"""The incident's admin page with its referrals: ``incidents`` cannot know them (it is a layer
below), so its admin is replaced here by a subclass with an inline of the incident's referrals,
as ``support.admin`` does for the engagement's. A new row refers the case through
``casework.incident_referrals.incident_refer`` (the case stays open); a stored referral is shown,
not edited here: it moves on its own page. Loaded by ``casework.apps`` (Django's autodiscovery
imports only ``casework.admin``).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.viewer import request_viewer
from casework.incident_referrals import incident_refer, incident_refer_errors
from casework.models import Agency, Referral
from casework.selectors import works_cases
from communities.admin_site import LabelledTabularInline
from incidents.admin import IncidentAdmin
from incidents.models import Incident


class IncidentReferralForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["incident", "agency", "sent_on", "follow_up_on", "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "sent_on" in self.fields:
            self.fields["sent_on"].initial = timezone.localdate

    def clean(self) -> dict[str, Any]:
        # The service's rules, here so that a mistake is an error on the form with everything
        # typed kept, rather than an exception once the incident is saved.
        cleaned = super().clean() or {}
        incident = cleaned.get("incident")
        if self.instance.pk is None and incident is not None:
            errors = incident_refer_errors(
                incident=incident, agency=cleaned.get("agency"), sent_on=cleaned.get("sent_on")
            )
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, message)
            follow_up_on, sent_on = cleaned.get("follow_up_on"), cleaned.get("sent_on")
            if follow_up_on and sent_on and follow_up_on < sent_on:
                self.add_error("follow_up_on", _("The follow-up cannot be before the referral was sent."))
        return cleaned


class IncidentReferralInline(LabelledTabularInline):
    """The incident's referrals, for whoever works cases: stored ones read-only (they move on
    their own page), new ones sent through the service."""

    model = Referral
    fk_name = "incident"
    form = IncidentReferralForm
    extra = 0
    can_delete = False
    verbose_name = _("referral")
    verbose_name_plural = _("referrals to agencies")
    fields = ["agency", "sent_on", "follow_up_on", "reason", "status", "accepted_on", "completed_on"]
    readonly_fields = ["status", "accepted_on", "completed_on"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "agency":
            kwargs["queryset"] = Agency.objects.filter(active=True).order_by("country", "name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A referral's reason is about a person: programme managers see the incident, not it.
        return works_cases(request_viewer(request)) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return works_cases(request_viewer(request)) and super().has_add_permission(request, obj)


class IncidentWithReferralsAdmin(IncidentAdmin):
    inlines = [*IncidentAdmin.inlines, IncidentReferralInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Referral:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for referral_form in formset.extra_forms:
            if referral_form.has_changed() and referral_form.is_valid():
                data = referral_form.cleaned_data
                referral = incident_refer(
                    incident=form.instance,
                    agency=data["agency"],
                    sent_on=data["sent_on"],
                    follow_up_on=data.get("follow_up_on"),
                    reason=data.get("reason", ""),
                    by=request.user,  # type: ignore[arg-type]
                )
                formset.new_objects.append(referral)
        return None


admin.site.unregister(Incident)
admin.site.register(Incident, IncidentWithReferralsAdmin)
