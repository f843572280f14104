from django.urls import path

from . import views

app_name = "startups"
urlpatterns = [
    path("", views.startup_list, name="list"),
    path("<key:key>/", views.startup_detail, name="detail"),
]
