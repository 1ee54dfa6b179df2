from typing import Any

from django.core.management.base import BaseCommand

from access.roles import Role, sync_role_groups


class Command(BaseCommand):
    help = "Create the role groups (staff, programme manager, negotiator, partner) with their permissions."

    def handle(self, *args: Any, **options: Any) -> None:
        sync_role_groups()
        self.stdout.write(", ".join(role.value for role in Role))
