"""The forms of the staff pages of an event: attendance import and sending the materials."""

from typing import cast

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from events.models import MailingAudience
from negotiators.models import OutreachEvent
from programmes.models import Document

ATTENDANCE_SALT = "events.attendance-import"


class AttendanceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Participant list"),
        help_text=_("The participant export of Zoom, Teams or another tool: CSV or tab-separated text."),
    )


class AttendanceConfirmForm(forms.Form):
    """The matches the staff member saw, signed so that the confirmation marks exactly those."""

    payload = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, event: OutreachEvent, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)

    @staticmethod
    def sign(event: OutreachEvent, registration_pks: list[int], unmatched: list[list[object]]) -> str:
        return signing.dumps({"e": event.pk, "r": registration_pks, "u": unmatched}, salt=ATTENDANCE_SALT)

    def clean_payload(self) -> dict:
        try:
            data = signing.loads(self.cleaned_data["payload"], salt=ATTENDANCE_SALT, max_age=24 * 3600)
        except signing.BadSignature:
            raise ValidationError(_("The preview has expired: upload the file again.")) from None
        if not isinstance(data, dict) or data.get("e") != self.event.pk:
            raise ValidationError(_("The preview has expired: upload the file again."))
        return data


class LinksField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value)
        validate = URLValidator(schemes=["https", "http"])
        for line in value.splitlines():
            if line.strip():
                try:
                    validate(line.strip())
                except ValidationError:
                    raise ValidationError(
                        _("“%(line)s” is not a web address (https://…)."), params={"line": line.strip()[:100]}
                    ) from None
        return value


class MaterialsForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"), choices=MailingAudience.choices, initial=MailingAudience.ATTENDED, widget=forms.RadioSelect
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents from the programme's library"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = LinksField(label=_("Links"), required=False, help_text=_("One address per line."))
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, event: OutreachEvent, **kwargs):
        super().__init__(*args, **kwargs)
        documents = cast(forms.ModelMultipleChoiceField, self.fields["documents"])
        documents.queryset = Document.objects.filter(programme_id=event.programme_id).order_by("-created_at", "pk")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("documents") and not (cleaned.get("links") or "").strip():
            raise ValidationError(_("Choose at least one document or give a link."))
        return cleaned
