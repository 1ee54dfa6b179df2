from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("documents/<int:pk>/file/", views.document_file, name="document-file"),
]
