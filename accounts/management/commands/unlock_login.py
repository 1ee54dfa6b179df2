"""``manage.py unlock_login <username>``: lift a login lockout before its cooling-off ends."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Unlock the logins of the given usernames (from every address) locked after failed passwords."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="+")

    def handle(self, *args, **options):
        for username in options["username"]:
            addresses = sorted(
                {a or "?" for a in AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True)}
            )
            removed = reset(username=username)
            if removed:
                self.stdout.write(
                    f"Unlocked {username}: {removed} record(s) of failed logins removed (from {', '.join(addresses)})."
                )
            else:
                self.stdout.write(f"{username} had no failed logins on record: nothing to unlock.")
