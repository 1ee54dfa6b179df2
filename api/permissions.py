"""Who may call what: resolved once per request from the caller's :class:`~access.viewer.Viewer`.

Reads are open to every role (the selectors decide *which* rows); writes only to the viewers with
the capability a view names in ``write_capability``. Which community a write may touch is the
services' rule (``communities.selectors.ensure_can_log_in``), not this one's.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from api.principal import viewer_for


class ApiAccess(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        viewer = viewer_for(request)
        if not viewer.is_authenticated:
            # DRF turns this into 401 with a WWW-Authenticate challenge.
            return False
        if viewer.role is None:
            raise exceptions.PermissionDenied(_("Your account has no role in the programme."))
        if getattr(view, "action", "") is None:
            # A method this route does not have: let the view answer 405.
            return True
        if request.method in permissions.SAFE_METHODS:
            return True
        capability = getattr(view, "write_capability", None)
        if capability is not None and viewer.can(capability):
            return True
        if viewer.is_partner:
            raise exceptions.PermissionDenied(_("Partner organisations have read-only access."))
        raise exceptions.PermissionDenied(_("Your role cannot change this data through the API."))
