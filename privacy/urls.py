from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("anonymise/<slug:kind>/", views.anonymise, name="anonymise"),
    path("export/<slug:kind>/<int:pk>.<slug:fmt>", views.export, name="export"),
    path("redact/<slug:kind>/<int:pk>/", views.redact, name="redact"),
]
