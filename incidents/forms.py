"""Forms of the field app's incident pages: report a case (with the people involved), move it along
its workflow, log an action. The workflow's rules stay in ``incidents.services``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import (
    MANUAL_ACTION_KINDS,
    PARTY_AGE_GROUPS,
    Incident,
    IncidentCategory,
    IncidentStatus,
    PartyRole,
    ReportSource,
    ResponseMode,
    Severity,
)
from negotiators.corrections import VersionedForm, record_values
from negotiators.field import FieldAccess
from negotiators.forms import LocationFields, SplitDateTimeField, Textarea, community_field
from privacy.categories import Sex

BLANK = [("", "—")]


def now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class IncidentForm(LocationFields):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"), empty_label=_("Choose the community"))  # type: ignore[var-annotated]
    category = forms.ChoiceField(label=_("Category"), choices=IncidentCategory.choices)
    severity = forms.TypedChoiceField(
        label=_("Severity"), choices=Severity.choices, coerce=int, initial=Severity.MEDIUM, widget=forms.RadioSelect
    )
    occurred_at = SplitDateTimeField(label=_("When did it happen?"))
    location = forms.CharField(label=_("Where"), max_length=200, required=False)
    description = forms.CharField(label=_("What happened"), required=False, widget=Textarea(attrs={"rows": 4}))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional; without names, it is shared with partners."),
    )
    source = forms.ChoiceField(label=_("Who reported it"), choices=ReportSource.choices, initial=ReportSource.RESIDENT)
    police_involved = forms.BooleanField(label=_("Police involved"), required=False)

    def __init__(self, *args, access: FieldAccess, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        community_field(access, self.fields["community"], initial=community)  # type: ignore[arg-type]
        self.fields["occurred_at"].initial = now_to_the_minute

    def service_kwargs(self) -> dict:
        """The arguments of ``incident_report`` (without the actor and the parties); an empty title
        stays empty, and the service makes it automatic."""
        return dict(self.cleaned_data)


class PartyForm(forms.Form):
    """A person involved. Personal data: it stays inside the NGO."""

    role = forms.ChoiceField(label=_("Role"), choices=[*BLANK, *PartyRole.choices], required=False)
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    is_minor = forms.BooleanField(label=_("Under 18"), required=False)
    # Optional: counted in the reports (aggregates only); blank is "not recorded".
    sex = forms.ChoiceField(label=_("Sex"), choices=[*BLANK, *Sex.choices], required=False)
    age_group = forms.ChoiceField(label=_("Age group"), choices=[*BLANK, *PARTY_AGE_GROUPS], required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("full_name") and not cleaned.get("role"):
            self.add_error("role", _("Say how this person is involved."))
        if not cleaned.get("full_name") and any(
            cleaned.get(name) for name in ("role", "phone", "is_minor", "sex", "age_group")
        ):
            self.add_error("full_name", _("Enter the name, or leave the whole row empty."))
        return cleaned

    def party(self) -> dict | None:
        if not self.cleaned_data.get("full_name"):
            return None
        return {key: self.cleaned_data[key] for key in ("role", "full_name", "phone", "is_minor", "sex", "age_group")}


PartyFormSet = forms.formset_factory(PartyForm, extra=2, max_num=10, validate_max=True)


class TransitionForm(forms.Form):
    """Move the case on: only the moves the workflow allows from its current status are offered."""

    prefix = "status"

    to_status = forms.ChoiceField(label=_("New status"), choices=(), widget=forms.RadioSelect)
    response_mode = forms.ChoiceField(
        label=_("How you respond"), choices=[*BLANK, *ResponseMode.choices], required=False
    )
    note = forms.CharField(label=_("What was done, and why"), required=False, widget=Textarea())

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (status, IncidentStatus(status).label) for status in incident.allowed_transitions()
        ]


class ActionForm(forms.Form):
    prefix = "action"

    kind = forms.ChoiceField(label=_("What was done"), choices=MANUAL_ACTION_KINDS)
    performed_at = SplitDateTimeField(label=_("When"))
    description = forms.CharField(label=_("Details"), required=False, widget=Textarea())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_at"].initial = now_to_the_minute


class IncidentCorrectionForm(VersionedForm, IncidentForm):
    """:class:`IncidentForm` correcting a case already reported: its community stays as it is (the
    people involved are corrected by staff, in the admin)."""

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        community = self.fields["community"]
        community.disabled = True
        community.widget = forms.HiddenInput()
        community.initial = incident.community_id
        community.queryset = community.queryset.model._default_manager.filter(pk=incident.community_id)  # type: ignore[attr-defined]
        self.fields["occurred_at"].initial = None


class ActionCorrectionForm(VersionedForm, ActionForm):
    """:class:`ActionForm` correcting an action already logged, alone on its page."""

    prefix = None  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_at"].initial = None


def incident_values(form: forms.Form, incident: Incident) -> dict:
    """The stored values ``form`` corrects: an automatic title is an empty one."""
    return record_values(
        form, lambda name: "" if name == "title" and incident.title_is_automatic else getattr(incident, name)
    )
