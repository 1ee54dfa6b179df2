"""The portal's pages that show the programme at a glance: the dashboard, community profiles and
the map."""

from django.urls import URLPattern, path

from dashboard import profile

app_name = "dashboard"

urlpatterns: list[URLPattern] = [
    path("communities/<int:pk>/", profile.community_profile, name="community"),
]
