"""The field app's pages of outreach events (mounted by ``field/urls.py``): log one, see one."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from negotiators.field import (
    FormRejected,
    apply_errors,
    field_view,
    form_parts,
    new_idempotency_key,
    read_only_response,
    save_form_parts,
    submit,
)
from negotiators.forms import EventForm
from negotiators.models import OutreachEvent
from negotiators.selectors import visible_events
from negotiators.services import event_log


@field_view
@require_http_methods(["GET", "POST"])
def event_new(request):
    access = request.field
    if not access.can_write:
        return read_only_response(request)
    initial_community = request.GET.get("community") or request.session.get("field_community")
    if request.method == "POST":
        form = EventForm(request.POST, access=access)
        parts = form_parts(request, "event")

        def write():
            form_valid = form.is_valid()
            if not (all(part.is_valid() for part in parts.values()) and form_valid):
                raise FormRejected
            try:
                event = event_log(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                apply_errors(form, error)
                raise FormRejected from error
            save_form_parts(parts, event, request.user)
            request.session["field_community"] = event.community_id
            message = _("Event “%(title)s” logged.") % {"title": event.display_title}
            return 201, {"id": event.pk, "url": reverse("field:event_detail", args=[event.pk]), "message": message}

        def rejected(status, message):
            return render_event_form(request, form, parts, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form, *parts.values()])
    form = EventForm(access=access, community=initial_community)
    return render_event_form(request, form, form_parts(request, "event"))


def render_event_form(request, form, parts, *, status=200, message=""):
    context = {
        "form": form,
        "form_parts": parts,
        "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
    }
    return render(request, "field/event_form.html", context, status=status)


@field_view
def event_detail(request, pk):
    event = get_object_or_404(visible_events(request.field.viewer).select_related("community", "created_by"), pk=pk)
    return render_event_page(request, event)


# What apps above this one add to an event's page (photos). Each is called with the request, the
# event and whether the user may write in its community, and returns the context its part of the
# page (in field/event_detail.html) needs; apps register in their ``ready()``.
PAGE_SECTIONS: list[Callable[[HttpRequest, OutreachEvent, bool], dict[str, Any]]] = []


def render_event_page(request, event):
    can_write = request.field.writable.filter(pk=event.community_id).exists()
    context: dict[str, Any] = {"event": event}
    for section in PAGE_SECTIONS:
        context.update(section(request, event, can_write))
    return render(request, "field/event_detail.html", context)
