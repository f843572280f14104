from django.urls import path

from . import views

app_name = "platforms"
urlpatterns = [
    path("", views.platform_list, name="list"),
    path("<key:key>/", views.platform_detail, name="detail"),
]
