"""The field app's form of a community safety initiative."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from negotiators.field import FieldAccess
from negotiators.forms import DateInput, Textarea, community_field
from planning.models import Initiative, InitiativeStatus


class InitiativeForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("Community"), empty_label=_("Choose the community"))  # type: ignore[var-annotated]
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("Short and without names."))
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=InitiativeStatus.choices, initial=InitiativeStatus.RUNNING)
    run_by = forms.CharField(
        label=_("Run by"),
        max_length=200,
        required=False,
        help_text=Initiative._meta.get_field("run_by").help_text,
    )
    description = forms.CharField(label=_("Description"), required=False, widget=Textarea())

    def __init__(self, *args: Any, access: FieldAccess, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community_field(access, self.fields["community"])  # type: ignore[arg-type]
