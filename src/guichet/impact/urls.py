from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("public/", views.public_summary, name="public"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("report.pdf", views.report_moved, name="export_pdf"),  # the old address: to reports/new/
    # --- the PDF report as a job (issue 9) ---
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("reports/<int:pk>/report.pdf", views.report_file, name="report_file"),
    # --- annual report ---
    path("annual/", views.annual_reports, name="annual_reports"),
    path("annual/<int:pk>/", views.annual_report, name="annual_report"),
    path("annual/<int:pk>/report.pdf", views.annual_report_file, {"fmt": "pdf"}, name="annual_report_pdf"),
    path("annual/<int:pk>/report.docx", views.annual_report_file, {"fmt": "docx"}, name="annual_report_docx"),
]
