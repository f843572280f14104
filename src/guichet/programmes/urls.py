from django.urls import path

from . import views

app_name = "programmes"
urlpatterns = [
    path("", views.showcase, name="showcase"),
    path("all/", views.programme_list, name="list"),
    path("<slug:code>/", views.programme_detail, name="detail"),
]
