from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = _("Partner sync")

    def ready(self) -> None:
        from api.changes import after_commit
        from sync.tasks import changes_committed

        after_commit(changes_committed)
