from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("public/", views.public_summary, name="public"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("report.pdf", views.export, {"fmt": "pdf"}, name="export_pdf"),
    # --- annual report ---
    path("annual/", views.annual_reports, name="annual_reports"),
    path("annual/<int:pk>/", views.annual_report, name="annual_report"),
    path("annual/<int:pk>/report.pdf", views.annual_report_file, {"fmt": "pdf"}, name="annual_report_pdf"),
    path("annual/<int:pk>/report.docx", views.annual_report_file, {"fmt": "docx"}, name="annual_report_docx"),
]
