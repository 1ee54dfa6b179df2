"""Photos in the admin: read-only, on their incident's and event's pages (with a delete), for
staff who hold the photo permissions (a role that reads personal data: programme managers do not).
The image itself comes from the field app's authorised view (``field:photo``)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident
from negotiators.models import OutreachEvent
from photos.models import Photo


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    max_num = 0  # added from the field app only, where the phone resizes them
    can_delete = True
    fields = ["thumbnail", "width", "height", "size", "uploaded_by", "created_at"]
    readonly_fields = ["thumbnail", "width", "height", "size", "uploaded_by", "created_at"]
    verbose_name = _("photo")
    verbose_name_plural = _("photos")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Not on the add page (a record not yet saved has no photo): no inline, no management form.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and super().has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and super().has_delete_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def thumbnail(self, photo: Photo) -> str:
        if not photo.pk:
            return ""
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" loading="lazy" style="max-width:160px;max-height:160px"></a>',
            reverse("field:photo", args=[photo.pk]),
            reverse("field:photo_thumbnail", args=[photo.pk]),
            _("Photo %(number)s") % {"number": photo.pk},
        )


def with_photos(model: type) -> None:
    """Register ``model``'s admin again with the photos inline added (the app whose admin it is
    sits below this one and knows nothing of photos)."""
    current: type[admin.ModelAdmin] = type(admin.site.get_model_admin(model))
    if PhotoInline in current.inlines:
        return
    extended = type(current.__name__, (current,), {"inlines": [*current.inlines, PhotoInline]})
    admin.site.unregister(model)
    admin.site.register(model, extended)


with_photos(Incident)
with_photos(OutreachEvent)
