"""``manage.py reset_second_factor <username>``: remove a user's second factor (a lost phone)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.two_factor import second_factor_required, second_factor_reset


class Command(BaseCommand):
    help = "Remove every second-factor device (authenticator app, recovery codes) of a user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        # Messages come in the portal's language (LANGUAGE_CODE), like the rest of the portal.
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user is called “%(name)s”.") % {"name": username})
        removed = second_factor_reset(user=user)
        if not removed:
            self.stdout.write(_("%(username)s has no second factor: nothing removed.") % {"username": username})
            return
        self.stdout.write(
            _("Removed the second factor of %(username)s: %(devices)s.")
            % {"username": username, "devices": ", ".join(removed)}
        )
        if second_factor_required(user):
            self.stdout.write(_("Their next login asks them to set up a new one."))
        else:
            self.stdout.write(_("Their next login asks only for the password."))
