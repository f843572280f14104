from django.urls import path

from . import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("<key:key>/", views.group_detail, name="detail"),
    path("<key:key>/join/", views.join, name="join"),
    path("memberships/<int:pk>/decide/", views.decide, name="decide"),
    path("memberships/<int:pk>/", views.member_update, name="member_update"),
    path("projects/<key:key>/", views.project_detail, name="project"),
    path("projects/<key:key>.csv", views.project_detail, {"fmt": "csv"}, name="project_csv"),
    path("projects/<key:key>.xlsx", views.project_detail, {"fmt": "xlsx"}, name="project_xlsx"),
]
