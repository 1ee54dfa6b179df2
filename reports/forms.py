from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from communities.models import PartnerOrganisation, Region
from programmes.models import Document
from reports import services
from reports.models import (
    NARRATIVE_FIELDS,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    STORY_ATTRIBUTION_MAX_LENGTH,
    STORY_QUOTE_MAX_LENGTH,
    STORY_TEXT_MAX_LENGTH,
    STORY_TITLE_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    MonitoringReport,
    PdfVariant,
    ReportKind,
    ReportScope,
)
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


class ReportTextsForm(forms.Form):
    """The texts staff write on a report, in the report's language; the limits are the services'
    (:func:`reports.services.report_check_texts`), checked here to show them next to each field."""

    executive_summary = forms.CharField(
        label=_("Executive summary"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Printed right after the summary of the figures. Leave a blank line between paragraphs."),
    )
    what_changed = forms.CharField(
        label=_("What changed and why"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    lessons_learned = forms.CharField(
        label=_("Lessons learned"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendations = forms.CharField(
        label=_("Recommendations"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.report_check_texts(**{field: data.get(field, "") for field in NARRATIVE_FIELDS})
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class ReportStoryForm(forms.Form):
    """A case story: its photo is one of the library's images that the report's readers may see."""

    title = forms.CharField(label=_("Title"), max_length=STORY_TITLE_MAX_LENGTH)
    text = forms.CharField(label=_("Story"), max_length=STORY_TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6}))
    quote = forms.CharField(
        label=_("Quote"), required=False, max_length=STORY_QUOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    quote_attribution = forms.CharField(
        label=_("Quote from"),
        required=False,
        max_length=STORY_ATTRIBUTION_MAX_LENGTH,
        help_text=_(
            'A role or description, e.g. "a resident of the community, 60+". No names and no other personal data.'
        ),
    )
    photo: "forms.ModelChoiceField[Document]" = forms.ModelChoiceField(
        label=_("Photo"),
        queryset=None,
        required=False,
        help_text=_("Optional: an image (JPG or PNG) from the document library that the report's readers may see."),
    )

    def __init__(self, *args, report: MonitoringReport, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["photo"].queryset = services.story_photo_candidates(report)  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.report_check_story(
                report=self.report,
                photo=data.get("photo"),
                **{field: data.get(field, "") for field in ("title", "text", "quote", "quote_attribution")},
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data

    def story_arguments(self) -> dict:
        data = self.cleaned_data
        return {field: data.get(field) for field in ("title", "text", "quote", "quote_attribution", "photo")}
