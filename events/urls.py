from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("<slug:slug>/", views.register_page, name="register"),
    path("<slug:slug>/done/<str:outcome>/", views.done, name="done"),
    path("<slug:slug>/cancel/<str:token>/", views.cancel_page, name="cancel"),
]
