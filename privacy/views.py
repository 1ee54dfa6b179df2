"""The data-protection pages staff reach from the admin: anonymise people, export one person's
data (subject access), redact a record's free text.

Only :func:`privacy.erasure.may_erase` viewers (staff) reach them; for anyone else, as for a
record that does not exist, they are "not found". They look like the admin (its base template).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from access.viewer import request_viewer
from privacy.anonymous import person_label
from privacy.erasure import NotFound, find_person, may_erase, person_anonymise, record_redact
from privacy.models import ErasureSource
from privacy.registry import PersonKind, RedactableKind, person_kind, redactable
from privacy.subject_access import person_export, render_export_json, render_export_pdf

MAX_PEOPLE_AT_ONCE = 100


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=gettext_lazy("Why (a request of the person, a retention decision). Do not repeat the personal data."),
    )


class RedactForm(ReasonForm):
    fields_to_redact = forms.MultipleChoiceField(
        label=gettext_lazy("Redact"), widget=forms.CheckboxSelectMultiple, choices=()
    )


def _staff_only(request: HttpRequest) -> User | None:
    """The acting user, or ``None`` when the page must answer "not found"."""
    if not request.user.is_authenticated:
        return None
    return request.user if may_erase(request_viewer(request)) else None


def _person(kind_name: str) -> PersonKind:
    try:
        return person_kind(kind_name)
    except LookupError:
        raise Http404 from None


def _ids(request: HttpRequest) -> list[int]:
    raw = request.GET.get("ids", "")
    try:
        ids = sorted({int(part) for part in raw.split(",") if part})
    except ValueError:
        raise Http404 from None
    if not ids or len(ids) > MAX_PEOPLE_AT_ONCE:
        raise Http404
    return ids


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> TemplateResponse:
    response = TemplateResponse(request, template, {**admin.site.each_context(request), **context})
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def anonymise(request: HttpRequest, kind: str) -> HttpResponse:
    """Confirm and anonymise the people ``?ids=1,2`` of ``kind``, with a reason."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    actor = _staff_only(request)
    if actor is None:
        raise Http404
    person = _person(kind)
    records = []
    for pk in _ids(request):
        try:
            records.append(find_person(person, pk))
        except NotFound:
            raise Http404 from None
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for record in records:
            person_anonymise(
                kind=kind,
                pk=cast(int, record.pk),
                actor=actor,
                reason=form.cleaned_data["reason"],
                source=ErasureSource.ADMIN,
            )
        count = len(records)
        message = ngettext(
            "%(count)d person anonymised, change history included.",
            "%(count)d people anonymised, change history included.",
            count,
        )
        messages.success(request, message % {"count": count})
        return redirect(person.admin_url(records[0]) or "admin:index")
    return _render(
        request,
        "privacy/anonymise.html",
        {
            "title": _("Anonymise people"),
            "kind": person,
            "people": [person_label(str(record)) for record in records],
            "form": form,
        },
    )


def export(request: HttpRequest, kind: str, pk: int, fmt: str) -> HttpResponse:
    """One person's data as a JSON or PDF download (subject access)."""
    actor = _staff_only(request)
    if actor is None or fmt not in ("json", "pdf"):
        raise Http404
    try:
        document = person_export(kind=kind, pk=pk, actor=actor)
    except LookupError:  # an unknown kind or a missing record
        raise Http404 from None
    if fmt == "pdf":
        response = HttpResponse(render_export_pdf(document), content_type="application/pdf")
    else:
        response = HttpResponse(render_export_json(document), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="personal-data-{kind}-{pk}.{fmt}"'
    add_never_cache_headers(response)
    return response


def _redactable(kind: str, pk: int) -> tuple[RedactableKind, models.Model]:
    try:
        target = redactable(kind)
    except LookupError:
        raise Http404 from None
    record = target.find(pk)
    if record is None:
        raise Http404
    return target, record


@require_http_methods(["GET", "POST"])
def redact(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Choose free-text fields of a record and redact them, in its change history too."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "admin:login")
    actor = _staff_only(request)
    if actor is None:
        raise Http404
    target, record = _redactable(kind, pk)
    form = RedactForm(request.POST or None)
    cast(forms.MultipleChoiceField, form.fields["fields_to_redact"]).choices = list(target.fields.items())
    if request.method == "POST" and form.is_valid():
        record_redact(
            kind=kind,
            pk=pk,
            fields=form.cleaned_data["fields_to_redact"],
            reason=form.cleaned_data["reason"],
            actor=actor,
        )
        messages.success(request, _("The text was redacted, change history included."))
        return redirect(target.admin_url(record) or "admin:index")
    return _render(
        request,
        "privacy/redact.html",
        {"title": _("Redact free text"), "kind": target, "record": record, "form": form},
    )
