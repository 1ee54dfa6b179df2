"""The field app's shell (``/field/``): home, login, offline page, web app manifest and service
worker. The domain pages it mounts (events, incidents, training, safety planning, case work) live
in their own apps."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from access.capabilities import Capability
from access.home import home_url
from access.viewer import Viewer
from casework.todo import tasks_for
from casework.views import my_cases, open_cases
from incidents.models import CLOSED_STATUSES
from incidents.selectors import visible_incidents
from negotiators.field import device_session, device_session_account_gone, field_view, new_idempotency_key
from negotiators.selectors import visible_events
from negotiators.views import quick_event_form

# What the service worker keeps so the field pages open with no connection.
# The photo script runs only once a photo is chosen, but is kept too: a photo is often taken offline.
SHELL_ASSETS = ("field/field.css", "field/field.js", "field/icon.svg")
# Pages a negotiator needs offline even if they never opened them online: the page script asks
# the service worker to keep them once signed in.
OFFLINE_PAGES = ("field:home", "field:incident_list", "field:training")
OFFLINE_FORMS = ("field:event_new", "field:incident_new")
# For those who work cases and have some: their cases and tasks by case code, and the contact form.
OFFLINE_CASE_PAGES = ("field:case_list", "field:tasks", "field:contact_new")
RECENT = 5
# Pages with personal data (an incident with its parties; a case's plan and referrals, the
# person's identifying data, a referral with its reason and feedback; a photo, and the answer to
# adding one), never kept: offline, the
# offline page says so for these paths (a regular expression the page's script tests the path
# against), and the service worker never keeps nor serves them, whatever their headers say.
PRIVATE_PATHS = r"^{scope}(?:incidents/\d+/|cases/\d+/(?:person/)?$|referrals/\d+/|photos/\d+/|events/\d+/photos/)"
# How many earlier device sessions one check may ask about.
CHECKS = 10


@field_view
def home(request):
    """My community, what I logged lately, open cases, what waits on this phone, quick buttons;
    my case work (open cases, tasks due and overdue) for those who work cases. A case worker or
    volunteer works no community: their home is their case work alone."""
    context = case_work_summary(request) if request.field.works_cases else {}
    if not request.field.works_in_communities:
        return render(request, "field/home.html", context)
    events = visible_events(request.field.viewer).select_related("community")
    incidents = visible_incidents(request.field.viewer).select_related("community")
    open_incidents = incidents.exclude(status__in=CLOSED_STATUSES)
    my_events = list(events.filter(created_by=request.user)[:RECENT])
    context |= {
        "my_events": my_events,
        # Nothing logged yet (or staff reading): what others logged, so the page is never empty.
        "other_events": [] if my_events else list(events[:RECENT]),
        "my_incidents": list(incidents.filter(created_by=request.user)[:RECENT]),
        "open_incidents": list(open_incidents[:RECENT]),
        "open_count": open_incidents.count(),
    }
    if request.field.can_write:
        context |= {"quick": quick_event_form(request), "quick_key": new_idempotency_key()}
    return render(request, "field/home.html", context)


def case_work_summary(request) -> dict:
    """My open cases and tasks, shown to those who have some (and always to a case worker)."""
    viewer = request.field.viewer
    tasks = tasks_for(request.user)
    shown = not request.field.works_in_communities or bool(tasks) or my_cases(viewer).exists()
    return {
        "case_work": shown,
        "cases_open": open_cases(viewer).count() if shown else 0,
        "tasks_overdue": sum(task.overdue for task in tasks),
        "tasks_due": sum(not task.overdue for task in tasks),
    }


def offline_pages(access) -> list[str]:
    """The pages the service worker keeps once signed in: home; the community's cases, training
    and (for those who log) the forms; for those who work cases and have some, their cases,
    tasks and the contact form."""
    if access is None or access.works_in_communities:
        names = list(OFFLINE_PAGES)
        names += OFFLINE_FORMS if access is not None and access.can_write else ()
    else:
        names = ["field:home"]
    if access is None:
        return [reverse(name) for name in names]
    if access.works_cases and my_cases(access.viewer).exists():
        names += OFFLINE_CASE_PAGES
    return [reverse(name) for name in names]


class LoginView(auth_views.LoginView):
    """The portal's login in the field app's light layout; negotiators land on ``/field/``, a
    role the field app is not for (a partner member, the data protection officer) on its own home
    rather than on a refusal."""

    template_name = "field/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        # The user just signed in: a viewer resolved earlier in this request would be anonymous.
        viewer = Viewer.for_user(self.request.user)
        return reverse("field:home") if viewer.can(Capability.USES_FIELD_APP) else home_url(viewer)


def offline(request):
    """What the service worker shows for a page it has not kept (or never keeps)."""
    # Kept by the service worker for anyone on this phone: it must not carry who was signed in.
    private = PRIVATE_PATHS.format(scope=reverse("field:home"))
    return render(request, "field/offline.html", {"user": AnonymousUser(), "private_paths": private})


@never_cache
def session(request):
    """Which login the phone talks to: ``{"session": id or null, "gone": [...]}``. ``gone`` lists
    the earlier device sessions asked about (``?was=``) whose account was switched off or
    deleted: the phone erases what it kept for them, outbox included."""
    earlier = request.GET.getlist("was")[:CHECKS]
    gone = [token for token in earlier if device_session_account_gone(token)]
    return JsonResponse({"session": device_session(request), "gone": gone})


def manifest(request):
    data = {
        "name": _("Zlagoda field app"),
        "short_name": _("Zlagoda"),
        "description": _("Log outreach events and incidents from the field, even offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("field:home"),
        "scope": reverse("field:home"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5fa8",
        "icons": [
            {"src": static("field/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@never_cache
def service_worker(request):
    """The service worker, served from ``/field/`` so that its scope is the field app."""
    assets = [static(name) for name in SHELL_ASSETS]
    script = render_to_string(
        "field/sw.js",
        {
            "version": shell_version(),
            "scope": reverse("field:home"),
            "static_url": settings.STATIC_URL,
            "login_url": reverse("field:login"),
            "private_paths": json.dumps(PRIVATE_PATHS.format(scope=reverse("field:home"))),
            "precache": json.dumps([reverse("field:offline"), *assets]),
            "offline_url": json.dumps(reverse("field:offline")),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:home")
    return response


def shell_version() -> str:
    """Changes whenever an asset of the shell changes, so browsers install the new worker and drop
    the pages kept with the old assets."""
    if settings.DEBUG:
        return _shell_version()
    return _cached_shell_version()


@lru_cache(maxsize=1)
def _cached_shell_version() -> str:
    return _shell_version()


def _shell_version() -> str:
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        digest.update(static(name).encode())
        path = finders.find(name)
        if path is None and staticfiles_storage.exists(name):
            path = staticfiles_storage.path(name)
        if path:
            with open(path, "rb") as asset:
                digest.update(asset.read())
    digest.update(render_to_string("field/sw.js", {}).encode())
    return digest.hexdigest()[:12]
