"""``manage.py unlock_login <username>``: lift a login lockout before its cooling-off ends."""

from axes.models import AccessAttempt
from axes.utils import reset
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Command(BaseCommand):
    help = "Unlock the logins of the given usernames (from every address) locked after wrong passwords."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="+")

    def handle(self, *args, **options):
        # Messages come in the portal's language (LANGUAGE_CODE), like the rest of the portal.
        for username in options["username"]:
            addresses = AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True)
            addresses = sorted({address or "?" for address in addresses})
            removed = reset(username=username)
            if removed:
                message = ngettext(
                    "Unlocked %(username)s: %(count)d record of failed logins removed (from %(addresses)s).",
                    "Unlocked %(username)s: %(count)d records of failed logins removed (from %(addresses)s).",
                    removed,
                )
                self.stdout.write(message % {"username": username, "count": removed, "addresses": ", ".join(addresses)})
            else:
                self.stdout.write(
                    _("%(username)s had no failed logins on record: nothing to unlock.") % {"username": username}
                )
