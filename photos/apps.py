from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = _("Photos")

    def ready(self) -> None:
        # Photos are added to the event and incident forms of the field app, shown on their pages,
        # and erased with their records' personal data: the lower apps offer the hooks, this one
        # registers with them (a lower app never imports a higher one).
        from photos import field, privacy
        from photos.services import delete_file_of_deleted_photo  # noqa: F401 (connects the receiver)

        field.register()
        privacy.register()
