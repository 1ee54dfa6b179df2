"""Who is calling the API, resolved once per request."""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import prefetch_related_objects

from communities.models import ApiKey, PartnerOrganisation
from communities.roles import Role, role_of


class Audience(StrEnum):
    """Which fields a response may carry: partners never get personal or internal data."""

    PARTNER = "partner"
    INTERNAL = "internal"


class PartnerKeyUser:
    """``request.user`` for a request made with a partner organisation's key: authenticated, but
    no Django user, so nothing can be written in its name."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, partner: PartnerOrganisation):
        self.partner = partner
        self.username = f"partner:{partner.pk}"

    def __str__(self) -> str:
        return str(self.partner)


@dataclass(frozen=True)
class Principal:
    role: Role | None
    # What the selectors are given: a user, or a PartnerOrganisation for a partner key.
    viewer: object
    # The user who writes and owns idempotency keys; None for partner keys.
    user: object | None
    api_key: ApiKey | None = None

    @property
    def audience(self) -> Audience:
        return Audience.PARTNER if self.role == Role.PARTNER else Audience.INTERNAL

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.api_key is not None


def principal_for(request) -> Principal:
    """The caller of ``request`` (a DRF request), computed on first use and kept on the request."""
    principal = getattr(request, "_zlagoda_principal", None)
    if principal is None:
        principal = _resolve(request)
        request._zlagoda_principal = principal
    return principal


def _resolve(request) -> Principal:
    user = request.user
    api_key = request.auth if isinstance(request.auth, ApiKey) else None
    if isinstance(user, PartnerKeyUser):
        return Principal(role=Role.PARTNER, viewer=user.partner, user=None, api_key=api_key)
    if not getattr(user, "is_authenticated", False):
        return Principal(role=None, viewer=user, user=None)
    # Every selector asks role_of(viewer) again: load the groups once for the whole request.
    prefetch_related_objects([user], "groups")
    return Principal(role=role_of(user), viewer=user, user=user, api_key=api_key)
