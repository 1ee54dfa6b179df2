"""Forms of the field app's outreach-event page, and the phone-friendly inputs the field forms share.

The forms only read and check what was typed; the rules of the data (breakdown within the total,
no future dates, scope) are the services' (``negotiators.services.event_log``), whose errors the
views put next to these fields.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Topic
from negotiators.field import FieldAccess
from negotiators.models import EventKind


class NumberInput(forms.TextInput):
    """Digits keyboard on phones, while what was typed (even a stray letter) reaches the server and
    comes back with its error instead of being blanked by the browser."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", **(attrs or {})})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class SplitDateTimeWidget(forms.MultiWidget):
    """A date picker and a time picker (phones have good ones for each)."""

    def __init__(self, attrs=None):
        super().__init__([DateInput({"aria-label": _("Date")}), TimeInput({"aria-label": _("Time")})], attrs)

    def decompress(self, value):
        if value:
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [None, None]


class SplitDateTimeField(forms.SplitDateTimeField):
    widget = SplitDateTimeWidget


class Textarea(forms.Textarea):
    def __init__(self, attrs=None):
        super().__init__({"rows": 3, **(attrs or {})})


def community_field(access: FieldAccess, field: forms.ModelChoiceField, initial=None) -> None:
    """Staff choose among all communities; a negotiator's own community is fixed (a hidden field)."""
    field.queryset = access.writable
    if access.chooses_community:
        field.initial = initial
    else:
        field.widget = forms.HiddenInput()
        field.initial = access.community.pk if access.community else None


class EventForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"), empty_label=_("Choose the community"))  # type: ignore[var-annotated]
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Optional; without names, it is shared with partners."),
    )
    participants_total = forms.IntegerField(label=_("Participants in total"), min_value=0, widget=NumberInput())
    participants_women = forms.IntegerField(label=_("Women"), min_value=0, required=False, widget=NumberInput())
    participants_men = forms.IntegerField(label=_("Men"), min_value=0, required=False, widget=NumberInput())
    participants_youth = forms.IntegerField(label=_("Youth"), min_value=0, required=False, widget=NumberInput())
    participants_idps = forms.IntegerField(label=_("IDPs"), min_value=0, required=False, widget=NumberInput())
    participants_veterans = forms.IntegerField(label=_("Veterans"), min_value=0, required=False, widget=NumberInput())
    participants_vulnerable = forms.IntegerField(
        label=_("Other vulnerable groups"), min_value=0, required=False, widget=NumberInput()
    )
    police_present = forms.BooleanField(label=_("Police"), required=False)
    local_government_present = forms.BooleanField(label=_("Local government"), required=False)
    ngos_present = forms.BooleanField(label=_("NGOs"), required=False)
    summary = forms.CharField(
        label=_("Notes"), required=False, widget=Textarea(), help_text=_("Shared with partners: no names.")
    )
    internal_notes = forms.CharField(
        label=_("Internal notes"), required=False, widget=Textarea(), help_text=_("Stays inside the NGO.")
    )

    BREAKDOWN = (
        "participants_women",
        "participants_men",
        "participants_youth",
        "participants_idps",
        "participants_veterans",
        "participants_vulnerable",
    )
    PARTNERS = ("police_present", "local_government_present", "ngos_present")

    def __init__(self, *args, access: FieldAccess, community=None, **kwargs):
        super().__init__(*args, **kwargs)
        community_field(access, self.fields["community"], initial=community)  # type: ignore[arg-type]
        self.fields["date"].initial = timezone.localdate
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        cleaned = super().clean()
        for name in self.BREAKDOWN:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0
        # Counted women and men but left the total empty: they are the total.
        if "participants_total" in self.errors and not self.data.get(self.add_prefix("participants_total"), "").strip():
            women, men = cleaned.get("participants_women") or 0, cleaned.get("participants_men") or 0
            if women + men:
                del self.errors["participants_total"]
                cleaned["participants_total"] = women + men
        return cleaned

    def service_kwargs(self) -> dict:
        """The arguments of ``event_log`` (without the actor); an empty title stays empty, and the
        service makes it automatic."""
        return dict(self.cleaned_data)
