"""Forms of the field app's outreach-event page, and the phone-friendly inputs the field forms share.

The forms only read and check what was typed; the rules of the data (breakdown within the total,
no future dates, scope) are the services' (``negotiators.services.event_log``), whose errors the
views put next to these fields.
"""

from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from communities.models import Topic
from negotiators.corrections import VersionedForm, record_values
from negotiators.field import FieldAccess
from negotiators.models import EventKind

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class NumberInput(forms.TextInput):
    """Digits keyboard on phones, while what was typed (even a stray letter) reaches the server and
    comes back with its error instead of being blanked by the browser."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off", **(attrs or {})})


def _count_message(text: "str | StrPromise", label: "str | StrPromise") -> str:
    # Formatted when shown, in the reader's language; nothing left for Django's own "%" params.
    return str(text) % {"field": label}


count_message = lazy(_count_message, str)


def count_field(label: "str | StrPromise", *, required: bool = True) -> forms.IntegerField:
    """A count of people (0 or more) typed on a phone, whose errors are sentences naming the field."""
    return forms.IntegerField(
        label=label,
        min_value=0,
        required=required,
        widget=NumberInput(),
        error_messages={
            "min_value": count_message(_("The number in “%(field)s” cannot be negative: write 0 or more."), label),
            "invalid": count_message(_("Write a whole number in “%(field)s”, such as 12."), label),
        },
    )


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


class LocationFields(forms.Form):
    """The phone's position, filled only when the user taps "use my location"
    (``field/_location.html`` and its block in ``field.js``). The rules (both or neither, ranges)
    are the services' (``privacy.location``); the typed place stays the default."""

    latitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    longitude = forms.DecimalField(required=False, widget=forms.HiddenInput)
    location_accuracy_m = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EventForm(LocationFields):
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
    participants_total = count_field(_("Participants in total"))
    participants_women = count_field(_("Women"), required=False)
    participants_men = count_field(_("Men"), required=False)
    participants_youth = count_field(_("Youth"), required=False)
    participants_idps = count_field(_("IDPs"), required=False)
    participants_veterans = count_field(_("Veterans"), required=False)
    participants_vulnerable = count_field(_("Other vulnerable groups"), required=False)
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


class EventCorrectionForm(VersionedForm, EventForm):
    """:class:`EventForm` correcting an event already sent: its community stays as it is."""

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        community = self.fields["community"]
        community.disabled = True
        community.widget = forms.HiddenInput()
        community.initial = event.community_id
        community.queryset = community.queryset.model._default_manager.filter(pk=event.community_id)
        self.fields["date"].initial = None


def event_values(form: forms.Form, event) -> dict:
    """The stored values ``form`` corrects: an automatic title is an empty one."""
    return record_values(
        form, lambda name: "" if name == "title" and event.title_is_automatic else getattr(event, name)
    )


class QuickEventForm(EventForm):
    """The home page's *quick event*: the kind, the place, the date and the total only, through
    the same service and rules as the full form. The breakdown, the partners present and the notes
    are added later by editing the event. A negotiator's community is their own and the topic that
    of their last event (else *other*), so that the four fields are enough."""

    QUICK = ("community", "kind", "date", "place", "topic", "participants_total")

    def __init__(self, *args, topic: str = Topic.OTHER, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.QUICK:
                del self.fields[name]
        # The kinds as large tiles, one tap each (field.css).
        self.fields["kind"].widget = forms.RadioSelect(choices=EventKind.choices)
        self.fields["kind"].error_messages["required"] = _("Choose the kind of event.")
        self.fields["participants_total"].error_messages["required"] = _("Write how many people took part.")
        self.fields["topic"].required = False
        self.fields["topic"].widget = forms.HiddenInput()  # changed later, with the breakdown
        self.fields["topic"].initial = topic
        self.default_topic = topic
        if not self.fields["community"].widget.is_hidden:
            return
        # A negotiator logs in their own community: nothing to post for it.
        self.fields["community"].required = False
        self.fixed_community = self.fields["community"].initial

    def clean_community(self):
        community = self.cleaned_data.get("community")
        if community is None and getattr(self, "fixed_community", None) is not None:
            return self.fields["community"].queryset.filter(pk=self.fixed_community).first()
        return community

    def clean_topic(self):
        return self.cleaned_data.get("topic") or self.default_topic

    def service_kwargs(self) -> dict:
        return {"title": "", **super().service_kwargs()}
