"""Who may call what: resolved once per request from the :class:`Principal`.

Reads are open to every role (the selectors decide *which* rows); writes only to the roles a view
lists in ``write_roles``. Which community a write may touch is the services' rule
(``ensure_can_log_in``), not this one's.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions

from communities.api.principal import principal_for
from communities.roles import Role


class ApiAccess(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        principal = principal_for(request)
        if not principal.is_authenticated:
            # DRF turns this into 401 with a WWW-Authenticate challenge.
            return False
        if principal.role is None:
            raise exceptions.PermissionDenied(_("Your account has no role in the programme."))
        if getattr(view, "action", "") is None:
            # A method this route does not have: let the view answer 405.
            return True
        if request.method in permissions.SAFE_METHODS:
            return True
        if principal.role in getattr(view, "write_roles", ()):
            return True
        if principal.role == Role.PARTNER:
            raise exceptions.PermissionDenied(_("Partner organisations have read-only access."))
        raise exceptions.PermissionDenied(_("Your role cannot change this data through the API."))
