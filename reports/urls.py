from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("table/", views.report_table, name="table"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/download/", views.report_download, name="download"),
    path("<int:pk>/download.docx", views.report_download_docx, name="download_docx"),
    path("<int:pk>/rebuild/", views.report_rebuild, name="rebuild"),
]
