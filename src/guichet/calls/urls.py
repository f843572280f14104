from django.urls import path

from . import views

app_name = "calls"
urlpatterns = [
    path("", views.calls, name="list"),
    path("mine/", views.mine, name="mine"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/save/", views.proposal_save, name="save"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="submit"),
    path("proposals/<int:pk>/decide/", views.decide, name="decide"),
    path("proposals/<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("assignments/<int:pk>/declare/", views.declare, name="declare"),
    path("assignments/<int:pk>/review/", views.review, name="review"),
    path("<slug:key>/", views.detail, name="detail"),
    path("<slug:key>/start/", views.start, name="start"),
    path("<slug:key>/manage/", views.manage, name="manage"),
    path("<slug:key>/assign/", views.assign, name="assign"),
    path("<slug:key>/proposals.csv", views.export, name="export"),
    # --- calls: XLSX export ---
    path("<slug:key>/proposals.xlsx", views.export_xlsx, name="export_xlsx"),
    # --- calls: an award becomes a programme (issue 16) ---
    path("proposals/<int:pk>/programme/", views.make_programme, name="programme"),
]
