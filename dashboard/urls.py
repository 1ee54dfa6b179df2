"""The portal's pages that show the programme at a glance: the dashboard, community profiles and
the map."""

from django.urls import URLPattern, path

from dashboard import profile, views

app_name = "dashboard"

urlpatterns: list[URLPattern] = [
    path("communities/<int:pk>/", profile.community_profile, name="community"),
    path("map/", views.community_map_page, name="map"),
]
