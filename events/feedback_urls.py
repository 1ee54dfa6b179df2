"""The registrant's pages reached from the materials e-mail (mounted under ``/e/``): the feedback
form and the files sent as links. Names in the ``events`` namespace."""

from django.urls import path

from events import feedback_views

app_name = "events"

urlpatterns = [
    path("<slug:slug>/feedback/<str:token>/", feedback_views.feedback, name="feedback"),
    path("<slug:slug>/materials/<str:token>/<int:document_pk>/", feedback_views.material, name="material"),
]
