"""The field app's pages of outreach events (mounted by ``field/urls.py``): log one, see one."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api.headers import permissions_policy
from negotiators.field import FormRejected, apply_errors, field_view, new_idempotency_key, read_only_response, submit
from negotiators.forms import EventForm
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

        def write():
            if not form.is_valid():
                raise FormRejected
            try:
                event = event_log(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                apply_errors(form, error)
                raise FormRejected from error
            request.session["field_community"] = event.community_id
            message = _("Event “%(title)s” logged.") % {"title": event.display_title}
            return 201, {"id": event.pk, "url": reverse("field:event_detail", args=[event.pk]), "message": message}

        def rejected(status, message):
            return render_event_form(request, form, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form])
    return render_event_form(request, EventForm(access=access, community=initial_community))


def render_event_form(request, form, *, status=200, message=""):
    context = {
        "form": form,
        "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
    }
    response = render(request, "field/event_form.html", context, status=status)
    # "Use my location" (field/_location.html): this page alone may ask for the position.
    response["Permissions-Policy"] = permissions_policy(own_origin=("geolocation",))
    return response


@field_view
def event_detail(request, pk):
    event = get_object_or_404(visible_events(request.field.viewer).select_related("community", "created_by"), pk=pk)
    return render(request, "field/event_detail.html", {"event": event})
