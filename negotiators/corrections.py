"""Correcting a record after sending it from the field app: who may and until when, the version a
phone loaded (so that an edit made on a stale copy answers ``409 edit_conflict`` with both
versions), and the page plumbing the correction forms of events, incidents and actions share.

The rule: whoever sent the record (logged the event or organises it, reported the incident, logged
the action) corrects it within ``settings.FIELD_EDIT_DAYS`` days of its creation; staff
(``CORRECTS_ANY_RECORD``) always; programme managers never. The services check it again
(``negotiators.services.event_correct``, ``incidents.services.incident_correct`` and
``incident_action_correct``), and write the change history with the author and
:data:`FIELD_APP_REASON`.
"""

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access.capabilities import Capability
from access.viewer import Viewer
from negotiators.field import FormRejected, apply_errors, submit, wants_json

# The change history's reason for a correction sent from the phone (``history_change_reason``).
FIELD_APP_REASON = "field app"
EDIT_CONFLICT_CODE = "edit_conflict"
EDIT_CONFLICT_STATUS = 409
# What the correction forms carry besides the record's fields.
NOT_RECORD_FIELDS = ("community", "version")


@dataclass(frozen=True)
class Correction:
    """Whether a viewer may correct a record now: ``until`` is when that ends (``None``: no end,
    staff), ``message`` says why not."""

    allowed: bool
    until: datetime | None = None
    message: str = ""


def correction(
    viewer: Viewer, *, created_at: datetime, sent_by_viewer: bool, now: datetime | None = None
) -> Correction:
    if not viewer.can(Capability.LOGS_RECORDS):
        return Correction(False, message=_("Programme managers can read the field pages but not log records."))
    if viewer.can(Capability.CORRECTS_ANY_RECORD):
        return Correction(True)
    if not sent_by_viewer:
        return Correction(
            False, message=_("Only the person who sent this record, or the programme staff, can correct it.")
        )
    days = settings.FIELD_EDIT_DAYS
    until = created_at + timedelta(days=days)
    if (now or timezone.now()) >= until:
        message = ngettext(
            "What you send can be corrected from the phone for %(days)d day; this record no longer can. "
            "Ask the programme staff to correct it.",
            "What you send can be corrected from the phone for %(days)d days; this record no longer can. "
            "Ask the programme staff to correct it.",
            days,
        ) % {"days": days}
        return Correction(False, until=until, message=message)
    return Correction(True, until=until)


def ensure_can_correct(viewer: Viewer, *, created_at: datetime, sent_by_viewer: bool) -> None:
    """Raise ``PermissionDenied`` (with the sentence to show) unless ``viewer`` may correct it now."""
    allowed = correction(viewer, created_at=created_at, sent_by_viewer=sent_by_viewer)
    if not allowed.allowed:
        raise PermissionDenied(allowed.message)


# --- versions -----------------------------------------------------------------------------------


def canonical(value: Any) -> str:
    """A value as a correction form compares it: times to the minute (the forms' precision)."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(second=0, microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def version_of(values: Mapping[str, Any]) -> str:
    """The version token of a record's values (those its correction form edits)."""
    text = json.dumps({name: canonical(value) for name, value in values.items()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def changed(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from the stored ones (a time left at its minute is unchanged)."""
    return {name: value for name, value in values.items() if canonical(value) != canonical(stored.get(name))}


def shown(form: forms.Form, name: str, value: Any) -> str:
    """A value as a person reads it: a choice's label, yes or no, a date in their format."""
    form_field = form.fields[name]
    if isinstance(form_field, forms.BooleanField):
        return _("Yes") if value else _("No")
    if value in (None, ""):
        return "—"
    if isinstance(form_field, forms.ChoiceField):
        labels = {str(key): label for key, label in form_field.choices}  # type: ignore[union-attr,misc]
        return str(labels.get(str(value), value))
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


class EditConflict(Exception):
    """The record changed on the server since the phone loaded it, and the edit differs from it."""

    def __init__(self, form: forms.Form, yours: Mapping[str, Any], server: Mapping[str, Any]):
        super().__init__("edit conflict")
        self.version = version_of(server)
        self.message = _(
            "This record was changed by someone else since you opened it. Compare the two versions and "
            "choose which one to keep."
        )
        self.rows = [
            {
                "field": name,
                "label": str(form.fields[name].label),
                "yours": shown(form, name, value),
                "server": shown(form, name, server.get(name)),
            }
            for name, value in yours.items()
            if canonical(value) != canonical(server.get(name))
        ]

    def payload(self) -> dict[str, Any]:
        return {
            "code": EDIT_CONFLICT_CODE,
            "message": self.message,
            "yours": {row["field"]: {"label": row["label"], "value": row["yours"]} for row in self.rows},
            "server": {row["field"]: {"label": row["label"], "value": row["server"]} for row in self.rows},
            "version": self.version,
        }


# --- pages --------------------------------------------------------------------------------------


class VersionedForm(forms.Form):
    """A correction form: the record's version as loaded travels with what was typed."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)


@dataclass
class EditPage:
    """What a correction form's page adds to the form: where it posts, the version it carries,
    until when the record can be corrected, and the two versions after a conflict."""

    url: str
    version: str
    until: datetime | None
    back_url: str
    conflict: list[dict[str, str]] = field(default_factory=list)


def record_values(form: forms.Form, read: Callable[[str], Any]) -> dict[str, Any]:
    """The stored values of the fields ``form`` edits, read with ``read(name)``."""
    return {name: read(name) for name in form.fields if name not in NOT_RECORD_FIELDS}


def submit_correction(
    request,
    *,
    form: VersionedForm,
    stored: Callable[[], Mapping[str, Any]],
    save: Callable[[dict[str, Any]], tuple[int, dict]],
    rejected: Callable[[int, str, EditConflict | None], HttpResponse],
) -> HttpResponse:
    """Write a correction through :func:`negotiators.field.submit` (once per Idempotency-Key).

    ``stored()`` reads the record's values now (locked for the transaction), ``save(changes)``
    calls the service with what differs and returns ``(status, {"id", "url", "message"})``. An
    edit made on a stale version answers 409 ``edit_conflict`` with both versions (scripts), or
    the form again with the choice (browsers, ``rejected(409, message, conflict)``); the same
    edit as the server's is no conflict."""

    def write():
        if not form.is_valid():
            raise FormRejected
        now = stored()
        yours = {name: form.cleaned_data[name] for name in now}
        changes = changed(yours, now)
        if changes and form.cleaned_data.get("version") != version_of(now):
            raise EditConflict(form, yours, now)
        try:
            return save(changes)
        except ValidationError as error:
            apply_errors(form, error)
            raise FormRejected from error

    try:
        return submit(
            request, write=write, rejected=lambda status, message: rejected(status, message, None), forms=[form]
        )
    except EditConflict as conflict:
        if wants_json(request):
            return JsonResponse(conflict.payload(), status=EDIT_CONFLICT_STATUS)
        return rejected(EDIT_CONFLICT_STATUS, conflict.message, conflict)
    except PermissionDenied as error:  # the time ran out while the form was open
        return refused(request, str(error))


def correction_page(
    request,
    allowed: Correction,
    *,
    url: str,
    form: Callable[..., VersionedForm],
    current: Callable[[VersionedForm, bool], Mapping[str, Any]],
    correct: Callable[[dict[str, Any]], tuple[int, str]],
    render_form: Callable[[VersionedForm, int, str, EditPage], HttpResponse],
) -> HttpResponse:
    """The correction page of one record, whose page is ``url``, once ``allowed``: the form
    filled with the record's values and their version (GET), or the correction written (POST,
    :func:`submit_correction`).

    ``form(data=…)`` or ``form(initial=…)`` makes the form; ``current(form, lock)`` reads the
    record's values in its terms (``lock``: read again, locked for the transaction);
    ``correct(changes)`` calls the service and returns the record's id and the sentence saying it
    was corrected; ``render_form(form, status, message, edit_page)`` shows the form."""

    def page(version: str, conflict: EditConflict | None = None) -> EditPage:
        return EditPage(request.path, version, allowed.until, url, conflict.rows if conflict else [])

    if request.method == "POST":
        bound = form(data=request.POST)

        def save(changes: dict[str, Any]) -> tuple[int, dict]:
            pk, message = correct(changes)
            return 200, {"id": pk, "url": url, "message": message}

        def rejected(status: int, message: str, conflict: EditConflict | None) -> HttpResponse:
            version = conflict.version if conflict else request.POST.get("version", "")
            return render_form(bound, status, message, page(version, conflict))

        return submit_correction(request, form=bound, stored=lambda: current(bound, True), save=save, rejected=rejected)
    values = current(form(), False)
    version = version_of(values)
    return render_form(form(initial={**values, "version": version}), 200, "", page(version))


def refused(request, message: str) -> HttpResponse:
    """A record the viewer sees but may not correct (now): 403 with the sentence saying why."""
    if wants_json(request):
        return JsonResponse({"message": message}, status=403)
    return render(request, "field/message.html", {"message": message}, status=403)
