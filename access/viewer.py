"""Who is asking: one :class:`Viewer` per request, for the pages, the field app and the API alike.

A viewer is a signed-in user (with their strongest role), a partner organisation acting through
its API key (no user: nothing can be written in its name), or nobody. Selectors take a viewer and
return what it may see; services check what it may do with :meth:`Viewer.can`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import prefetch_related_objects
from django.http import HttpRequest

from access.capabilities import CAPABILITIES, Capability, role_can
from access.roles import Role, role_of


@dataclass(frozen=True, eq=False)
class Viewer:
    role: Role | None
    # The Django user; None for a partner organisation's API key.
    user: Any = None
    # The PartnerOrganisation acting through its API key (its members are users with the partner
    # role), and the ApiKey the request was made with. Typed Any: this bottom package names no model
    # of the layers above.
    partner: Any = None
    api_key: Any = field(default=None, repr=False)

    @classmethod
    def for_user(cls, user: Any, *, api_key: Any = None) -> Viewer:
        if not getattr(user, "is_authenticated", False):
            return cls(role=None)
        # Selectors ask for the role again and again: load the groups once.
        if getattr(user, "pk", None) is not None:
            prefetch_related_objects([user], "groups")
        return cls(role=role_of(user), user=user, api_key=api_key)

    @classmethod
    def for_partner(cls, partner: Any, *, api_key: Any = None) -> Viewer:
        """A partner organisation reading through its key; an inactive one has no role."""
        role = Role.PARTNER if getattr(partner, "is_active", False) else None
        return cls(role=role, partner=partner, api_key=api_key)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.partner is not None

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    def can(self, capability: Capability) -> bool:
        return role_can(self.role, capability)

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the viewer may do (for templates: ``{% if "uses_field_app" in capabilities %}``)."""
        return CAPABILITIES[self.role] if self.role is not None else frozenset()

    @cached_property
    def negotiator(self) -> Any:
        """The user's active negotiator record (with its community), for the negotiator role."""
        if self.role != Role.NEGOTIATOR:
            return None
        # The model is found through the user's reverse relation, so this bottom package imports
        # no domain app.
        negotiators = self.user._meta.get_field("negotiator").related_model._default_manager
        return negotiators.filter(user=self.user, is_active=True).select_related("community").first()


# Where a request keeps its viewer once resolved (a page's, or the API's for its key).
_VIEWER_ATTRIBUTE = "_zlagoda_viewer"


def known_viewer(request: Any) -> Viewer | None:
    """The viewer already resolved for ``request``, if any (a Django or a DRF request)."""
    return getattr(request, _VIEWER_ATTRIBUTE, None)


def remember_viewer(request: Any, viewer: Viewer) -> Viewer:
    """Keep ``viewer`` on ``request`` for the rest of it."""
    setattr(request, _VIEWER_ATTRIBUTE, viewer)
    return viewer


def request_viewer(request: HttpRequest) -> Viewer:
    """The viewer of a page or field request (the session's user), resolved once per request."""
    return known_viewer(request) or remember_viewer(request, Viewer.for_user(getattr(request, "user", AnonymousUser())))
