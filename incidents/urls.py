"""The field app's incident pages, included under ``/field/incidents/`` in the ``field`` namespace."""

from django.urls import path

from incidents import views

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("new/", views.incident_new, name="incident_new"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/status/", views.incident_status, name="incident_status"),
    path("<int:pk>/actions/", views.incident_action, name="incident_action"),
]
