import logging
import uuid

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from access.home import home_url
from access.viewer import Viewer, request_viewer

logger = logging.getLogger(__name__)


def forbidden(request, exception=None):
    """The 403 page: what this user may not open, and a link to where they start instead (never
    to the page or login that refused them)."""
    viewer = request_viewer(request)
    return render(request, "403.html", {"home_url": home_url(viewer)}, status=403)


def admin_login(request):
    """The admin's login, letting every role sign in: staff go on to the admin, a role without
    the admin (a partner member, a negotiator) lands on its own home instead of on the admin's
    refusal; already signed in without the admin, the 403 page says where to go."""
    user = request.user
    if user.is_authenticated and not user.is_staff:
        return forbidden(request)
    response = admin.site.login(request)
    if request.method == "POST" and request.user.is_authenticated and not request.user.is_staff:
        return redirect(home_url(Viewer.for_user(request.user)))
    return response


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = f"zlagoda-healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _check_broker() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL or "", socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _check_storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker, "storage": _check_storage}


@never_cache
def healthz(request):
    """For load balancers and docker-compose: each dependency, ``ok``, ``unavailable`` or
    ``not_configured`` (the broker and a shared cache without ``REDIS_URL``), and 503 when one the
    portal needs is down: the database, the storage, and Redis when ``REDIS_URL`` is set. Each
    check has a short timeout (Redis: 1 s)."""
    checks = {}
    for name, check in HEALTH_CHECKS.items():
        if name == "broker" and not settings.REDIS_URL:
            checks[name] = "not_configured"
            continue
        try:
            check()
        except Exception as error:  # any reason the dependency cannot be used
            logger.warning("Health check: %s is unavailable: %s", name, error)
            checks[name] = "unavailable"
        else:
            checks[name] = "ok"
    required = {"database", "storage"} | ({"cache", "broker"} if settings.REDIS_URL else set())
    healthy = all(checks[name] == "ok" for name in required)
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
