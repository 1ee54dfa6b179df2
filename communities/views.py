from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from access.capabilities import Capability
from access.viewer import request_viewer


@login_required
def home(request):
    """The portal's landing page: what this user can open, by role. Negotiators work in the field
    app, so they land there."""
    viewer = request_viewer(request)
    if viewer.can(Capability.WORKS_FROM_FIELD_APP):
        return redirect("field:home")
    return render(request, "portal/home.html", {"role": viewer.role, "capabilities": viewer.capabilities})


@never_cache
def healthz(request):
    """For load balancers and docker-compose: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
