"""Who is calling the API: the request's :class:`~access.viewer.Viewer`, resolved once per request,
and the audience that decides which fields a serializer may show."""

from enum import StrEnum
from typing import Any

from rest_framework.request import Request

from access.capabilities import Capability
from access.viewer import Viewer, known_viewer, remember_viewer
from api.models import ApiKey


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

    def __init__(self, partner: Any):
        self.partner = partner
        self.username = f"partner:{partner.pk}"

    def __str__(self) -> str:
        return str(self.partner)


def audience_of(viewer: Viewer) -> Audience:
    return Audience.INTERNAL if viewer.can(Capability.READS_INTERNAL_DATA) else Audience.PARTNER


def viewer_for(request: Request) -> Viewer:
    """The caller of ``request`` (a DRF request), computed on first use and kept on the request."""
    return known_viewer(request) or remember_viewer(request, _resolve(request))


def _resolve(request: Request) -> Viewer:
    user = request.user
    api_key = request.auth if isinstance(request.auth, ApiKey) else None
    if isinstance(user, PartnerKeyUser):
        return Viewer.for_partner(user.partner, api_key=api_key)
    return Viewer.for_user(user, api_key=api_key)
