"""The public registration form: the registrant's details, consent, and the spam checks (a honeypot
field people never see and the signed moment the form was rendered)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from events.models import AudienceRole
from events.tokens import form_age
from negotiators.models import OutreachEvent

# Faster than a person can fill the form in; older than a day is a page kept open or replayed.
MIN_FILL_SECONDS = 3.0
MAX_FORM_AGE_SECONDS = 24 * 60 * 60


def community_label(community: Community) -> str:
    return f"{community.name} ({community.region.name})"


def community_choices(event: OutreachEvent) -> list[Community]:
    """The communities the datalist offers: the event's audience communities when staff chose them,
    else every community."""
    chosen = event.audience_communities.select_related("region").order_by("name", "pk")
    if chosen.exists():
        return list(chosen)
    return list(Community.objects.select_related("region").order_by("name", "pk"))


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Your role"), choices=[("", "—"), *AudienceRole.choices])
    community = forms.CharField(
        label=_("Community"),
        max_length=250,
        required=False,
        help_text=_("Start typing and choose from the list."),
        widget=forms.TextInput(attrs={"list": "communities", "autocomplete": "off"}),
    )
    question = forms.CharField(
        label=_("Your question to the speakers"), max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=2000,
        required=False,
        help_text=_("For example sign-language interpretation or captions."),
        widget=forms.Textarea({"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my data as described above."),
        error_messages={"required": _("Registration needs your consent.")},
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, event: OutreachEvent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.communities = community_choices(event)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        for name in ("full_name", "email", "organisation"):
            self.fields[name].widget.attrs["autocomplete"] = {
                "full_name": "name",
                "email": "email",
                "organisation": "organization",
            }[name]

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError(_("Please enter your name."))
        return value

    def clean_community(self) -> Community | None:
        value = " ".join(self.cleaned_data["community"].split())
        if not value:
            return None
        folded = value.casefold()
        for community in self.communities:
            if folded in (community_label(community).casefold(), community.name.casefold()):
                return community
        raise forms.ValidationError(_("Choose a community from the list, or leave the field empty."))

    def is_spam(self) -> bool:
        """Filled the honeypot, or sent faster than a person could, or with a stamp that is
        missing, forged, for another event or older than a day."""
        if self.data.get("website"):
            return True
        age = form_age(str(self.data.get("stamp", "")), self.event.pk)
        return age is None or age < MIN_FILL_SECONDS or age > MAX_FORM_AGE_SECONDS


class CancelForm(forms.Form):
    action = forms.ChoiceField(choices=[("cancel", "cancel"), ("erase", "erase")])
