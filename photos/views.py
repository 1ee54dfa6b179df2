"""The field app's photo pages: a photo's file (``/field/photos/<id>/``), only to those who may
see its record's personal data, never kept by the phone; and adding photos to a record already
sent (``/field/incidents/<id>/photos/``, ``/field/events/<id>/photos/``)."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from api.outages import STORAGE_ERRORS
from incidents.selectors import visible_incidents
from incidents.views import render_incident_page
from negotiators.field import FormRejected, apply_errors, field_view, private_page, read_only_response, submit
from negotiators.selectors import visible_events
from negotiators.views import render_event_page
from photos.field import PhotosForm
from photos.selectors import sees_photos, visible_photos


def photo_response(photo) -> HttpResponse:
    """The photo's bytes, shown in the page, kept by no cache (nor by the field app's service
    worker, which refuses its path by name too)."""
    try:
        with default_storage.open(photo.file.name, "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, *STORAGE_ERRORS):  # type: ignore[misc]
        raise Http404(_("This photo's file is missing.")) from None
    response = HttpResponse(content, content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.jpg"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private, max-age=0"
    return response


@field_view
@require_GET
def photo_file(request, pk: int):
    photo = get_object_or_404(visible_photos(request.field.viewer), pk=pk)
    return photo_response(photo)


def _photo_add(request, record, *, render_page, page_url: str):
    viewer = request.field.viewer
    if not request.field.writable.filter(pk=record.community_id).exists() or not sees_photos(viewer):
        return read_only_response(request)
    form = PhotosForm(request.POST, request.FILES)

    def write():
        if not form.is_valid():
            raise FormRejected
        if not form.prepared:
            form.add_error("photos", _("Choose a photo to add."))
            raise FormRejected
        try:
            form.save(record, request.user)
        except ValidationError as error:
            apply_errors(form, error)
            raise FormRejected from error
        count = len(form.prepared)
        message = ngettext("%(count)d photo added.", "%(count)d photos added.", count) % {"count": count}
        return 201, {"id": record.pk, "url": page_url, "message": message}

    def rejected(status, message):
        errors = " ".join(error for errors in form.errors.values() for error in errors)
        return render_page(request, record, status=status, message=f"{message} {errors}".strip())

    return submit(request, write=write, rejected=rejected, forms=[form])


@private_page
@field_view
@require_POST
def incident_photo_add(request, pk: int):
    """Add photos to a case already sent (at most ``settings.PHOTOS_PER_RECORD`` in all)."""
    incident = get_object_or_404(visible_incidents(request.field.viewer), pk=pk)
    page_url = reverse("field:incident_detail", args=[incident.pk])
    return _photo_add(request, incident, render_page=render_incident_page, page_url=page_url)


@private_page
@field_view
@require_POST
def event_photo_add(request, pk: int):
    """Add photos to an event already sent (at most ``settings.PHOTOS_PER_RECORD`` in all)."""
    event = get_object_or_404(visible_events(request.field.viewer), pk=pk)
    page_url = reverse("field:event_detail", args=[event.pk])
    return _photo_add(request, event, render_page=render_event_page, page_url=page_url)
