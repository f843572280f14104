from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.page, name="page"),
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
    path("erase/<int:pk>/", views.erase_confirm, name="erase_confirm"),
]
