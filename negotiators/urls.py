"""The field app, mounted at ``/field/`` with the ``field`` namespace: the negotiators' pages and
the app shell here, the incident and training pages from their own apps."""

from django.urls import include, path

from negotiators import views
from training.views import training_progress

app_name = "field"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("offline/", views.offline, name="offline"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("incidents/", include("incidents.urls")),
    path("training/", training_progress, name="training"),
]
