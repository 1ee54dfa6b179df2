"""``manage.py reset_second_factor <username>``: remove a user's second factor (a lost phone)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.two_factor import second_factor_required, second_factor_reset


class Command(BaseCommand):
    help = "Remove every second-factor device (authenticator app, recovery codes) of a user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        username = options["username"]
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = second_factor_reset(user=user)
        if not removed:
            self.stdout.write(f"{username} has no second factor: nothing removed.")
            return
        self.stdout.write(f"Removed the second factor of {username}: {', '.join(removed)}.")
        if second_factor_required(user):
            self.stdout.write("Their next login asks them to set up a new one.")
        else:
            self.stdout.write("Their next login asks only for the password.")
