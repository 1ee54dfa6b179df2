"""The programmes' results pages, under ``/programmes/`` beside the programmes app's own URLs
(they are computed here, by reports, which programmes may not import)."""

from django.urls import path

from reports import views

app_name = "results"

urlpatterns = [
    path("", views.programme_list, name="programmes"),
    path("<int:pk>/results/", views.programme_results_page, name="programme"),
    path("<int:pk>/logframe.xlsx", views.logframe_xlsx, name="logframe"),
]
