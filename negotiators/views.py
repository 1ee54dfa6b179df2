"""The field app's pages for negotiators (``/field/``): home, logging an outreach event, and the
app shell (login, offline page, web app manifest and service worker)."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from incidents.models import CLOSED_STATUSES
from incidents.selectors import visible_incidents
from negotiators.field import FormRejected, apply_errors, field_view, new_idempotency_key, read_only_response, submit
from negotiators.forms import EventForm
from negotiators.selectors import visible_events
from negotiators.services import event_log

# What the service worker keeps so the field pages open with no connection.
SHELL_ASSETS = ("field/field.css", "field/field.js", "field/icon.svg")
# Pages a negotiator needs offline even if they never opened them online: the page script asks
# the service worker to keep them once signed in.
OFFLINE_PAGES = ("field:home", "field:incident_list", "field:training")
OFFLINE_FORMS = ("field:event_new", "field:incident_new")
RECENT = 5


@field_view
def home(request):
    """My community, what I logged lately, open cases, what waits on this phone, quick buttons."""
    events = visible_events(request.user).select_related("community")
    incidents = visible_incidents(request.user).select_related("community")
    open_incidents = incidents.exclude(status__in=CLOSED_STATUSES)
    my_events = list(events.filter(created_by=request.user)[:RECENT])
    context = {
        "my_events": my_events,
        # Nothing logged yet (or staff reading): what others logged, so the page is never empty.
        "other_events": [] if my_events else list(events[:RECENT]),
        "my_incidents": list(incidents.filter(created_by=request.user)[:RECENT]),
        "open_incidents": list(open_incidents[:RECENT]),
        "open_count": open_incidents.count(),
    }
    return render(request, "field/home.html", context)


@field_view
@require_http_methods(["GET", "POST"])
def event_new(request):
    access = request.field
    if not access.can_write:
        return read_only_response(request)
    initial_community = request.GET.get("community") or request.session.get("field_community")
    if request.method == "POST":
        form = EventForm(request.POST, access=access)

        def write():
            if not form.is_valid():
                raise FormRejected
            try:
                event = event_log(actor=request.user, **form.service_kwargs())
            except ValidationError as error:
                apply_errors(form, error)
                raise FormRejected from error
            request.session["field_community"] = event.community_id
            message = _("Event “%(title)s” logged.") % {"title": event.title}
            return 201, {"id": event.pk, "url": reverse("field:event_detail", args=[event.pk]), "message": message}

        def rejected(status, message):
            return render_event_form(request, form, status=status, message=message)

        return submit(request, write=write, rejected=rejected, forms=[form])
    return render_event_form(request, EventForm(access=access, community=initial_community))


def render_event_form(request, form, *, status=200, message=""):
    context = {
        "form": form,
        "idempotency_key": request.POST.get("idempotency_key") if status == 400 else new_idempotency_key(),
        "message": message,
    }
    return render(request, "field/event_form.html", context, status=status)


@field_view
def event_detail(request, pk):
    event = get_object_or_404(visible_events(request.user).select_related("community", "created_by"), pk=pk)
    return render(request, "field/event_detail.html", {"event": event})


class LoginView(auth_views.LoginView):
    """The portal's login in the field app's light layout; negotiators land on ``/field/``."""

    template_name = "field/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("field:home")


def offline(request):
    """What the service worker shows for a page it has not kept yet."""
    # Kept by the service worker for anyone on this phone: it must not carry who was signed in.
    return render(request, "field/offline.html", {"user": AnonymousUser()})


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
