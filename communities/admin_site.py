"""What every app's admin shares about how the admin reads (issue 18): table inlines whose inputs
are labelled for screen readers, and a change history in words whose past versions are read-only.

Here because ``communities`` is the lowest app with an admin and sets the admin site's look
(``communities.admin``); the apps above import it, as they import ``communities.admin_bulk``.
"""

from datetime import date, datetime
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import formats, timezone
from django.utils.translation import gettext
from simple_history.template_utils import HistoricalRecordContextHelper

from privacy.location import visible_coordinate

# How the admin shows an empty value (Django's own "empty_value_display" is a dash too).
EMPTY = "—"


class LabelledTabularInline(admin.TabularInline):
    """A table inline whose every input (the "Delete?" box too) carries its column's name as
    ``aria-label``: the table's header names the columns for the eye only, and axe counts each
    unnamed input as a critical violation."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):  # type: ignore[misc, valid-type]
            def add_fields(self, form: Any, index: Any) -> None:
                super().add_fields(form, index)
                for field in form.fields.values():
                    if field.label and "aria-label" not in field.widget.attrs:
                        field.widget.attrs["aria-label"] = str(field.label)

        Labelled.__name__ = formset.__name__
        return Labelled


class ReadableHistoryContextHelper(HistoricalRecordContextHelper):
    """The change history's "what changed" in words: a choice by its label ("In progress", not
    ``in_progress``), yes/no, dates in the reader's language, an empty value as a dash (never
    "None")."""

    def prepare_delta_change_value(self, change: Any, value: Any) -> Any:
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if change.field in ("latitude", "longitude") and hasattr(self.model, "location_accuracy_m"):
            # The phone's position: rounded for those who do not read personal data.
            value = visible_coordinate(value)
        return readable_value(field, value)


def readable_value(field: Any, value: Any) -> Any:
    if value is None or value == "" or value == []:
        return EMPTY
    choices = getattr(field, "flatchoices", None)
    if choices and not isinstance(value, list):
        return dict(choices).get(value, value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return formats.localize(value)
    return value


class PastVersionsReadOnly:
    """For a ``SimpleHistoryAdmin``: a past version's page is read, never posted. Reverting is off
    (``SIMPLE_HISTORY_REVERT_DISABLED``), but django-simple-history only hides the button: a form
    posted there would still be saved, past the services' rules."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]


class ReadableHistoryMixin(PastVersionsReadOnly):
    """For a ``SimpleHistoryAdmin``: its history page says what changed in words
    (:class:`ReadableHistoryContextHelper`), and its past versions are read-only."""

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record: Any) -> Any:
        return ReadableHistoryContextHelper(self.model, historical_record)  # type: ignore[attr-defined]

    def history_view_title(self, request: HttpRequest, obj: Any) -> str:
        # Django's own title, translated in every language; django-simple-history's "View
        # history: %s" is not.
        return gettext("Change history: %s") % obj
