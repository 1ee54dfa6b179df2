from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from access.roles import sync_role_groups_after_migrate

        # Groups need the permissions that exist only after every app has migrated.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="access.sync_role_groups")
