from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communities and partners")

    def ready(self) -> None:
        from communities.roles import sync_role_groups_after_migrate

        # Groups need the permissions that exist only after every app has migrated.
        post_migrate.connect(sync_role_groups_after_migrate, dispatch_uid="communities.sync_role_groups")
