from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from api.keys import api_key_issue
from communities.models import PartnerOrganisation

# Ten years: a longer-lived key is better issued again; far larger numbers do not fit a date.
MAX_EXPIRES_DAYS = 3650


class Command(BaseCommand):
    help = (
        "Issue an API key for a partner organisation (or, with --user, for a staff user) and print it. "
        "The key is printed once, alone on its line of standard output; only its hash is stored."
    )

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--partner", help="The organisation's name or short name, exactly as in the portal.")
        owner.add_argument("--user", help="Username of a staff user (keys for the NGO's own scripts).")
        parser.add_argument(
            "--expires-days",
            type=int,
            help=f"Expire the key after this many days, 1 to {MAX_EXPIRES_DAYS} (default: never).",
        )
        parser.add_argument("--name", default="", help="What the key is for, e.g. “M&E sync”.")

    def handle(self, *args, partner=None, user=None, expires_days=None, name="", **options):
        # Messages come in the portal's language (LANGUAGE_CODE), like the rest of the portal.
        if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRES_DAYS:
            raise CommandError(_("--expires-days must be between 1 and %(max)d (days).") % {"max": MAX_EXPIRES_DAYS})
        owner = {}
        if partner is not None:
            # Compared in Python: SQLite's iexact folds only ASCII, and names are often Cyrillic.
            wanted = partner.strip().casefold()
            matches = [
                organisation
                for organisation in PartnerOrganisation.objects.all()
                if wanted in (organisation.name.casefold(), organisation.short_name.casefold())
            ]
            if len(matches) != 1:
                known = ", ".join(PartnerOrganisation.objects.order_by("name").values_list("name", flat=True))
                problem = (
                    _("No partner organisation is called “%(name)s”. Known: %(known)s.")
                    if not matches
                    else _("More than one partner organisation is called “%(name)s”. Known: %(known)s.")
                )
                raise CommandError(problem % {"name": partner, "known": known or _("none")})
            owner["partner"] = matches[0]
        else:
            try:
                owner["user"] = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user is called “%(name)s”.") % {"name": user}) from None
        expires_at = timezone.now() + timedelta(days=expires_days) if expires_days else None
        try:
            issued = api_key_issue(actor=None, name=name, expires_at=expires_at, **owner)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        # The key alone on stdout, so that `KEY=$(manage.py issue_api_key …)` just works; the rest
        # goes to stderr.
        self.stdout.write(issued.token)
        expires_at = issued.api_key.expires_at
        expiry = (
            _("expires %(moment)s") % {"moment": f"{timezone.localtime(expires_at):%Y-%m-%d %H:%M %Z}"}
            if expires_at
            else _("no expiry")
        )
        self.stderr.write(
            _("API key %(prefix)s… for %(owner)s (%(expiry)s). It is shown only now: store it safely.")
            % {
                "prefix": issued.api_key.prefix,
                "owner": issued.api_key.partner or issued.api_key.user,
                "expiry": expiry,
            }
        )
