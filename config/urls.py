from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import views as api_views
from communities import views as portal_views
from dashboard import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz/", portal_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("accounts.two_factor_urls")),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own login: every role may sign in there and is sent to its home.
    path("admin/login/", portal_views.admin_login),
    path("admin/", admin.site.urls),
    path("field/", include("field.urls")),
    path("api/v1/", include("config.api_urls")),
    path("programmes/", include("programmes.urls")),
    path("programmes/", include("reports.programme_urls")),
    path("reports/", include("reports.urls")),
    path("privacy/", include("privacy.urls")),
    path("casework/", include("casework.urls")),
    # The dashboard's own pages: community profiles and the map.
    path("", include("dashboard.urls")),
    # Public event pages: registration, cancellation (no login).
    path("e/", include("events.urls")),
]

handler400 = api_views.bad_request
handler403 = portal_views.forbidden
