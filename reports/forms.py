from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from communities.models import PartnerOrganisation, Region
from reports import services
from reports.models import NOTE_MAX_LENGTH, PdfVariant, ReportKind, ReportScope
from reports.selectors import requestable_partners

# Where a service's error about a request field is shown on the form.
FIELD_FOR_ERROR = {
    "kind": "kind",
    "half": "kind",
    "year": "year",
    "scope": "scope",
    "region": "region",
    "note": "note",
    "pdf_variant": "pdf_variant",
}


class ReportRequestForm(forms.Form):
    """Request a monitoring report from the portal (programme staff and managers, any scope)."""

    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices, initial=ReportKind.ANNUAL)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(label=_("Scope"), choices=ReportScope.choices, initial=ReportScope.PROGRAMME)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    partner: "forms.ModelChoiceField[PartnerOrganisation]" = forms.ModelChoiceField(
        label=_("Partner organisation"), queryset=None, required=False
    )
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)
    pdf_variant = forms.ChoiceField(
        label=_("PDF variant"),
        choices=PdfVariant.choices,
        initial=PdfVariant.ACCESSIBLE,
        required=False,
        help_text=_("Both are tagged for screen readers; PDF/A is for long-term archiving."),
    )
    note = forms.CharField(
        label=_("Note for the cover"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional, printed as written (e.g. who the report is for)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["language"].initial = translation.get_language()
        self.fields["partner"].queryset = requestable_partners()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.report_check_request(actor=self.user, **self.request_arguments())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = FIELD_FOR_ERROR.get(field, field)
                self.add_error(target if target in self.fields else None, messages)
        except PermissionDenied as error:
            self.add_error(None, str(error))
        return data

    def request_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "year": data["year"],
            "scope": data["scope"],
            "region": data.get("region"),
            "partner": data.get("partner"),
            "language": data["language"],
            "pdf_variant": data.get("pdf_variant") or PdfVariant.ACCESSIBLE,
        }
