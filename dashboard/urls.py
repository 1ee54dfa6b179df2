"""The portal's pages that show the programme at a glance: the dashboard, community profiles and
the map."""

from django.urls import URLPattern

app_name = "dashboard"

urlpatterns: list[URLPattern] = []
