"""The roles of the portal, kept as Django groups with their model permissions.

The groups are (re)created after every ``migrate`` and by ``manage.py sync_roles``; what a role may
*see* (which communities) is decided by ``communities.selectors``, not by these permissions.
"""

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The apps whose models the roles' permissions cover (the API's keys and logs among them).
DOMAIN_APPS = (
    "api",
    "communities",
    "programmes",
    "negotiators",
    "training",
    "incidents",
    "events",
    "planning",
    "support",
    "casework",
    "reports",
    "sync",
    "imports",
    "photos",
)
SECOND_FACTOR_APPS = ("otp_totp", "otp_static")
# The logs the data protection officer reads: who viewed personal data, and the login failures
# (django-axes, app label "axes", once installed).
PRIVACY_LOG_APPS = ("privacy", "axes")
# The models holding personal data (their historical copies too): only roles that read personal
# data get permissions on them.
# An import's rows and file may be a list of negotiators' contacts; a photo may show people.
PERSONAL_DATA_MODELS = ("incidentparty", "negotiatorcontact", "historicalnegotiatorcontact", "importjob", "photo")
# Apps whose records are about people and leave their team only as aggregates (reports): a role
# that does not read personal data gets no permission on them, except on the directories they
# hold, which name offices and no person.
AGGREGATES_ONLY_APPS = ("casework",)
SHARED_DIRECTORIES = ("agency", "historicalagency")


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    DATA_PROTECTION = "data_protection", _("Data protection officer")
    NEGOTIATOR = "negotiator", _("Negotiator")
    CASE_WORKER = "case_worker", _("Case worker or volunteer")
    PARTNER = "partner", _("Partner")


def _role_permissions() -> dict[Role, Q]:
    domain = Q(content_type__app_label__in=DOMAIN_APPS)
    personal = Q(content_type__model__in=PERSONAL_DATA_MODELS) | (
        Q(content_type__app_label__in=AGGREGATES_ONLY_APPS) & ~Q(content_type__model__in=SHARED_DIRECTORIES)
    )
    return {
        Role.STAFF: domain
        | Q(content_type__app_label="auth", codename="view_user")
        # The login failures and lockouts (django-axes), and users' second-factor devices, which
        # staff remove when a phone is lost (django-otp).
        | Q(content_type__app_label="axes", codename__startswith="view_")
        | Q(content_type__app_label__in=SECOND_FACTOR_APPS, codename__regex=r"^(view|delete)_"),
        Role.PROGRAMME_MANAGER: (domain & Q(codename__startswith="view_") | Q(content_type__app_label="reports"))
        & ~personal,
        Role.DATA_PROTECTION: Q(content_type__app_label__in=PRIVACY_LOG_APPS, codename__startswith="view_"),
        Role.NEGOTIATOR: Q(
            content_type__app_label="negotiators", codename__in=["view_outreachevent", "add_outreachevent"]
        )
        | Q(content_type__app_label="incidents", codename__in=["view_incident", "add_incident", "add_incidentaction"])
        | Q(content_type__app_label="training", codename__startswith="view_"),
        # Works only the cases assigned to them, from the field app (casework.selectors decides
        # which), never in the admin: no model permission.
        Role.CASE_WORKER: Q(pk__in=[]),
        Role.PARTNER: Q(pk__in=[]),
    }


def sync_role_groups() -> None:
    """Create the role groups and set exactly their permissions. Safe to run any number of times."""
    for role, permissions in _role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(Permission.objects.filter(permissions))


def sync_role_groups_after_migrate(
    sender: Any, app_config: AppConfig | None = None, using: str = "default", **kwargs: Any
) -> None:
    # post_migrate fires once per app, after that app's permissions exist; syncing after each domain
    # app is cheap and leaves every group complete once the last one has run.
    if app_config is not None and app_config.label in DOMAIN_APPS + PRIVACY_LOG_APPS:
        sync_role_groups()


def role_of(user: User | AnonymousUser) -> Role | None:
    """The user's strongest role: staff, then programme manager, data protection officer,
    negotiator, case worker, partner."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.STAFF
    names = {group.name for group in user.groups.all()}
    for role in Role:
        if role.value in names:
            return role
    return None
