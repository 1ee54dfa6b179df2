"""Where each role starts: the one answer to "where do I send this user?".

The login pages (``/accounts/login/``, ``/admin/login/``, ``/field/login/``) send a user here when
no page was asked for, and a page a role may not use links here (``templates/403.html``), so a
user never loops between a login page and a page refused to them.
"""

from django.urls import reverse

from access.capabilities import Capability
from access.viewer import Viewer


def home_url(viewer: Viewer) -> str:
    """The field app for negotiators, the portal's home for every other signed-in user (a role or
    none), the login page for nobody."""
    if not viewer.is_authenticated:
        return reverse("login")
    if viewer.can(Capability.WORKS_FROM_FIELD_APP):
        return reverse("field:home")
    return reverse("home")
