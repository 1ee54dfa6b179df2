"""The field app's pages of outreach events (mounted by ``field/urls.py``): log one, see one."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from access.viewer import Viewer
from api.headers import permissions_policy
from communities.models import Topic
from negotiators.corrections import correction, correction_page, refused
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
from negotiators.forms import EventCorrectionForm, EventForm, QuickEventForm, event_values
from negotiators.models import OutreachEvent
from negotiators.selectors import visible_events
from negotiators.services import event_correct, event_log, event_sent_by


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


def render_event_form(request, form, parts=None, *, status=200, message="", edit=None):
    context = {
        "form": form,
        "form_parts": parts or {},
        "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
        "edit": edit,
    }
    response = render(request, "field/event_form.html", context, status=status)
    # "Use my location" (field/_location.html): this page alone may ask for the position.
    response["Permissions-Policy"] = permissions_policy(own_origin=("geolocation",))
    return response


def last_event(request):
    """The place and topic of the last event this user logged (visible to them): the quick form
    starts from them."""
    events = visible_events(request.field.viewer).filter(created_by=request.user)
    return events.order_by("-created_at", "-pk").values("place", "topic").first() or {}


def quick_event_form(request, data=None):
    last = last_event(request)
    form = QuickEventForm(
        data,
        access=request.field,
        community=request.session.get("field_community"),
        topic=last.get("topic") or Topic.OTHER,
    )
    form.fields["place"].initial = last.get("place", "")
    return form


@field_view
@require_http_methods(["GET", "POST"])
def event_quick(request):
    """The quick event (kind, place, date, total) of the home page, through ``event_log`` like the
    full form; answers with the event and the way back home, where the next one is logged."""
    access = request.field
    if not access.can_write:
        return read_only_response(request)
    if request.method == "POST":
        form = quick_event_form(request, request.POST)

        def write():
            if not form.is_valid():
                raise FormRejected
            try:
                event = event_log(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                apply_errors(form, error)
                raise FormRejected from error
            request.session["field_community"] = event.community_id
            url = reverse("field:event_detail", args=[event.pk])
            message = ngettext(
                "Event “%(title)s” logged: %(count)s participant.",
                "Event “%(title)s” logged: %(count)s participants.",
                event.participants_total,
            ) % {"title": event.display_title, "count": event.participants_total}
            edit = reverse("field:event_edit", args=[event.pk])
            links = [{"text": _("See the event"), "url": url}, {"text": _("Add the breakdown"), "url": edit}]
            return 201, {"id": event.pk, "url": url, "message": message, "next": reverse("field:home"), "links": links}

        def rejected(status, message):
            return render_quick_form(request, form, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form])
    return render_quick_form(request, quick_event_form(request))


def render_quick_form(request, form, *, status=200, message=""):
    context = {
        "quick": form,
        "quick_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
    }
    return render(request, "field/event_quick.html", context, status=status)


@field_view
def event_detail(request, pk):
    event = get_object_or_404(visible_events(request.field.viewer).select_related("community", "created_by"), pk=pk)
    return render_event_page(request, event)


def event_correction(request, event: OutreachEvent):
    viewer: Viewer = request.field.viewer
    return correction(viewer, created_at=event.created_at, sent_by_viewer=event_sent_by(event, viewer))


@field_view
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    """Correct an event already sent: its author or organisers within ``FIELD_EDIT_DAYS``, staff
    always (``negotiators.corrections``); a stale version is a 409 with both versions."""
    event = get_object_or_404(visible_events(request.field.viewer).select_related("community"), pk=pk)
    allowed = event_correction(request, event)
    if not request.field.logs_records:
        return read_only_response(request)
    if not allowed.allowed:
        return refused(request, allowed.message)

    def current(form, lock):
        nonlocal event
        if lock:
            event = OutreachEvent.objects.select_for_update().get(pk=event.pk)
        return event_values(form, event)

    def correct(changes):
        corrected = event_correct(event=event, actor=request.user, changes=changes)
        return corrected.pk, _("Event “%(title)s” corrected.") % {"title": corrected.display_title}

    return correction_page(
        request,
        allowed,
        url=reverse("field:event_detail", args=[event.pk]),
        form=lambda **data: EventCorrectionForm(access=request.field, event=event, **data),
        current=current,
        correct=correct,
        render_form=lambda form, status, message, edit: render_event_form(
            request, form, status=status, message=message, edit=edit
        ),
    )


# What apps above this one add to an event's page (photos). Each is called with the request, the
# event and whether the user may write in its community, and returns the context its part of the
# page (in field/event_detail.html) needs; apps register in their ``ready()``.
PAGE_SECTIONS: list[Callable[[HttpRequest, OutreachEvent, bool], dict[str, Any]]] = []


def render_event_page(request, event):
    can_write = request.field.writable.filter(pk=event.community_id).exists()
    context: dict[str, Any] = {"event": event, "correction": event_correction(request, event)}
    for section in PAGE_SECTIONS:
        context.update(section(request, event, can_write))
    return render(request, "field/event_detail.html", context)
