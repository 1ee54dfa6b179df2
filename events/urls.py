"""The public pages of an event, under ``/e/``: registration, cancellation, and the feedback form and
the files sent as links, reached from the materials e-mail."""

from django.urls import path

from events import feedback_views, views

app_name = "events"

urlpatterns = [
    path("<slug:slug>/", views.register_page, name="register"),
    path("<slug:slug>/done/<str:outcome>/", views.done, name="done"),
    path("<slug:slug>/cancel/<str:token>/", views.cancel_page, name="cancel"),
    path("<slug:slug>/feedback/<str:token>/", feedback_views.feedback, name="feedback"),
    path("<slug:slug>/materials/<str:token>/<int:document_pk>/", feedback_views.material, name="material"),
]
