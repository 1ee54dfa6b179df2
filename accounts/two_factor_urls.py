"""The second factor's pages, mounted at ``/accounts/two-factor/`` (namespace ``two_factor``)."""

from django.urls import path

from accounts import two_factor_views as views

app_name = "two_factor"

urlpatterns = [
    path("", views.second_factor_settings, name="settings"),
    path("enrol/", views.second_factor_enrol, name="enrol"),
    path("verify/", views.second_factor_verify_view, name="verify"),
]
