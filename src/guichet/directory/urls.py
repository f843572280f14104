from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.directory_list, name="list"),
    path("o/<key:key>/", views.organization_detail, name="organization"),
    path("p/<key:key>/", views.person_detail, name="person"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("export.json", views.export_file, {"fmt": "json"}, name="export_json"),
    path("export.xlsx", views.export_file, {"fmt": "xlsx"}, name="export_xlsx"),
]
