"""The field app's photo pages: a photo's file (``/field/photos/<id>/``) and its thumbnail
(``/field/photos/<id>/small/``), only to those who may see its record's personal data, never kept
by the phone; and adding photos to a record already
sent (``/field/incidents/<id>/photos/``, ``/field/events/<id>/photos/``)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from api.outages import STORAGE_ERRORS
from incidents.selectors import visible_incidents
from negotiators.field import (
    FormRejected,
    apply_errors,
    field_view,
    new_idempotency_key,
    private_page,
    read_only_response,
    submit,
)
from negotiators.selectors import visible_events
from photos.field import PhotosForm
from photos.selectors import sees_photos, visible_photos
from photos.services import photos_of


def photo_response(photo, *, small: bool = False) -> HttpResponse:
    """The photo's bytes (``small``: its thumbnail's, or the photo's if it has none), shown in the
    page, kept by no cache (nor by the field app's service worker, which refuses its path by name
    too)."""
    name = photo.thumbnail.name if small and photo.thumbnail.name else photo.file.name
    try:
        with default_storage.open(name, "rb") as handle:
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


@field_view
@require_GET
def photo_thumbnail(request, pk: int):
    photo = get_object_or_404(visible_photos(request.field.viewer), pk=pk)
    return photo_response(photo, small=True)


def _photo_add(request, record, *, back_url: str):
    """Add photos to ``record`` (already checked visible): the form on a GET, the photos on a POST."""
    viewer = request.field.viewer
    if not request.field.writable.filter(pk=record.community_id).exists() or not sees_photos(viewer):
        return read_only_response(request)
    room = settings.PHOTOS_PER_RECORD - photos_of(record).count()

    def page(form, *, status=200, message=""):
        context = {
            "record": record,
            "back_url": back_url,
            "form_parts": {"photos": form},
            "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
            "message": message,
        }
        return render(request, "field/photo_form.html", context, status=status)

    if request.method != "POST":
        return page(PhotosForm(room=room))
    form = PhotosForm(request.POST, request.FILES, room=room)

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
        return 201, {"id": record.pk, "url": back_url, "message": message}

    return submit(
        request, write=write, rejected=lambda status, message: page(form, status=status, message=message), forms=[form]
    )


@private_page
@field_view
@require_http_methods(["GET", "POST"])
def incident_photo_add(request, pk: int):
    """Add photos to a case already sent (at most ``settings.PHOTOS_PER_RECORD`` in all)."""
    incident = get_object_or_404(visible_incidents(request.field.viewer), pk=pk)
    return _photo_add(request, incident, back_url=reverse("field:incident_detail", args=[incident.pk]))


@private_page
@field_view
@require_http_methods(["GET", "POST"])
def event_photo_add(request, pk: int):
    """Add photos to an event already sent (at most ``settings.PHOTOS_PER_RECORD`` in all)."""
    event = get_object_or_404(visible_events(request.field.viewer), pk=pk)
    return _photo_add(request, event, back_url=reverse("field:event_detail", args=[event.pk]))
