"""Session lifetimes by role: an idle timeout (no request for that long) and an absolute lifetime
(since the login), both in ``settings.SESSION_LIFETIMES``.

:class:`SessionLifetimeMiddleware` records the login time and the last activity in the session,
logs out a session past either limit, then lets the request go on as anonymous, so each part of the
portal answers as it does to anyone signed out: pages and the admin send to their login page, the
field app's script gets its 401 JSON, the API its 401 or 403. Each answer re-sets the cookie's
expiry to the earlier of the two limits, so a browser drops an idle session by itself too.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from access.roles import role_of

LOGIN_AT = "accounts.login_at"
SEEN_AT = "accounts.seen_at"
# Recording every request's time would write the session on every request; once a minute keeps
# the idle timeout exact to the minute at a fraction of the writes.
TOUCH_EVERY_SECONDS = 60


@dataclass(frozen=True)
class Lifetime:
    idle: int
    absolute: int


def lifetime_of(user: Any) -> Lifetime:
    """The user's role's lifetimes; a user without a role gets the default role's (the shortest)."""
    if getattr(user, "pk", None) is not None:
        # Loaded once: the request's Viewer asks for the role again and finds the groups here.
        prefetch_related_objects([user], "groups")
    role = role_of(user)
    figures = settings.SESSION_LIFETIMES[role.value if role else settings.SESSION_LIFETIME_DEFAULT_ROLE]
    return Lifetime(idle=figures["idle"], absolute=figures["absolute"])


def start_session(session: SessionBase, lifetime: Lifetime, now: float | None = None) -> None:
    """Mark the session as just signed in (on every login), its cookie expiring with the idle timeout."""
    now = time.time() if now is None else now
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    session.set_expiry(remaining_seconds(session, lifetime, now))


def has_expired(session: SessionBase, lifetime: Lifetime, now: float) -> bool:
    return now - session[SEEN_AT] > lifetime.idle or now - session[LOGIN_AT] > lifetime.absolute


def remaining_seconds(session: SessionBase, lifetime: Lifetime, now: float) -> int:
    """Seconds until the session expires if nothing more happens."""
    return max(1, int(min(lifetime.idle, session[LOGIN_AT] + lifetime.absolute - now)))


def wants_page(request: HttpRequest) -> bool:
    return "text/html" in request.headers.get("Accept", "")


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.check(request)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> None:
        session, now = request.session, time.time()
        lifetime = lifetime_of(request.user)
        if LOGIN_AT not in session or SEEN_AT not in session:
            # Signed in before this middleware existed (or by a path that skipped the login signal).
            start_session(session, lifetime, now)
        if has_expired(session, lifetime, now):
            logout(request)
            if wants_page(request):
                messages.info(request, _("Your session has expired. Please log in again."))
            return
        if now - session[SEEN_AT] >= TOUCH_EVERY_SECONDS or session.get_expiry_age() > lifetime.idle:
            session[SEEN_AT] = now
            session.set_expiry(remaining_seconds(session, lifetime, now))
