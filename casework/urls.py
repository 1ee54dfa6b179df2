"""Case work's portal pages, under ``/casework/`` (the field app mounts its own case pages)."""

from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("tasks/", views.portal_tasks, name="tasks"),
]
