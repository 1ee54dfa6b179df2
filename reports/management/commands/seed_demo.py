from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from reports.demo import seed_demo
from reports.demo_events import PLANNED_SLUG


class Command(BaseCommand):
    help = (
        "Build the demo programme (25 communities in Khmelnytskyi oblast, 50 negotiators, training, "
        "events, incidents, assessments, media, a Czech municipality, seed 002's webinars) and the demo "
        "logins. "
        "Deterministic and idempotent: running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when ZLAGODA_ENV=production (creates logins with published passwords).",
        )

    def handle(self, *args, allow_production=False, **options):
        with translation.override(settings.LANGUAGE_CODE):  # messages in the portal's language
            if settings.PRODUCTION and not allow_production:
                raise CommandError(
                    _(
                        "Refusing to create demo logins with published passwords in production; "
                        "pass --allow-production if you really mean it."
                    )
                )
            logins = seed_demo()
            self.stdout.write(self.style.SUCCESS(_("Demo programme ready. Logins:")))
            for login in logins:
                self.stdout.write(f"  {login.username:<11} {login.password:<20} {login.description}")
            self.stdout.write(
                _(
                    "Staff, the manager and the data protection officer set up a second factor (an "
                    "authenticator app on a phone) at their first login."
                )
            )
            self.stdout.write(
                _("A webinar open for registration, without logging in: %(url)s")
                % {"url": f"{settings.PUBLIC_URL.rstrip('/')}/e/{PLANNED_SLUG}/"}
            )
