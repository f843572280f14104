from django.urls import path

from . import views

app_name = "antibodies"
urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>.json", views.export, {"fmt": "json"}, name="export_json"),
    path("<int:pk>.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("<int:pk>.pdf", views.export, {"fmt": "pdf"}, name="export_pdf"),
    path("<int:pk>.numbering.csv", views.numbering_csv, name="export_numbering"),
    path("<int:pk>/humanize/", views.humanize, name="humanize"),
    path("<int:pk>/humanize.fasta", views.humanize, {"fmt": "fasta"}, name="humanize_fasta"),
    # --- antibodies: large batches (issue 14) ---
    path("<int:pk>/<int:number>/", views.antibody, name="antibody"),
    path("<int:pk>/<int:number>.pdf", views.antibody, {"fmt": "pdf"}, name="antibody_pdf"),
]
