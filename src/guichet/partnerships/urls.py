from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
]
