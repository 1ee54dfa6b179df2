"""Forms of the field app's case work pages: log a contact with the person (or an action taken for
them), refer a case to an agency, and record what the agency did with the referral. They only read
what was typed; the rules (dates in order, moves along the referral's life cycle) are
``casework.services``', whose errors the views put next to these fields."""

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.models import Agency, Case, ContactKind, Referral, ReferralStatus
from negotiators.forms import DateInput, Textarea


class CaseChoiceField(forms.ModelChoiceField):
    """A case by its code only: the person's name is never on the phone's pages."""

    def label_from_instance(self, obj: Case) -> str:
        return obj.beneficiary.code


class ContactForm(forms.Form):
    """A contact with the person or an action on their behalf, in one of the viewer's own cases."""

    case = CaseChoiceField(queryset=Case.objects.none(), label=_("Case"), empty_label=_("Choose the case"))
    kind = forms.ChoiceField(label=_("What was it?"), choices=ContactKind.choices)
    happened_on = forms.DateField(label=_("On"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=Textarea(),
        help_text=_("Internal, encrypted: what was agreed, what comes next."),
    )

    def __init__(self, *args, cases: QuerySet[Case], case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases  # type: ignore[attr-defined]
        self.fields["case"].initial = case.pk if case is not None else None
        self.fields["happened_on"].initial = timezone.localdate
        self.fields["happened_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name} · {obj.get_kind_display()}"


def agencies_for(case: Case) -> QuerySet[Agency]:
    """The directory's active agencies in the case's country: those of its community first, then
    those of its region, then the rest of the country (an office in the district's town serves
    its villages too)."""
    community = case.community
    nearness = models.Case(
        models.When(community=community, then=models.Value(0)),
        models.When(region=community.region_id, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )
    return (
        Agency.objects.filter(active=True, country=community.region.country)
        .annotate(nearness=nearness)
        .order_by("nearness", "kind", "name")
    )


class ReferralForm(forms.Form):
    """Refer the case to an office of the directory, in the case's country."""

    agency = AgencyChoiceField(queryset=Agency.objects.none(), label=_("Agency"), empty_label=_("Choose the agency"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=Textarea(),
        help_text=_("Internal, encrypted: what the person needs from this office."),
    )
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=DateInput(),
        help_text=_("When to ask the agency what became of it; it appears in your tasks."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(case)  # type: ignore[attr-defined]
        self.fields["sent_on"].initial = timezone.localdate
        self.fields["sent_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class ReferralMoveForm(forms.Form):
    """What the agency did: only the moves the referral's life cycle allows from its status."""

    to_status = forms.ChoiceField(label=_("New status"), choices=(), widget=forms.RadioSelect)
    on = forms.DateField(label=_("On"), widget=DateInput())
    feedback = forms.CharField(
        label=_("The agency's feedback"),
        required=False,
        widget=Textarea(),
        help_text=_("Internal, encrypted: what the agency answered or did."),
    )
    follow_up_on = forms.DateField(
        label=_("Next follow-up on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty when nothing more is to be followed up."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [  # type: ignore[attr-defined]
            (status, ReferralStatus(status).label) for status in referral.allowed_moves()
        ]
        self.fields["on"].initial = timezone.localdate
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()


class ActionDoneForm(forms.Form):
    """A plan action done: on the day it is marked, unless another (earlier) day is given."""

    on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())
