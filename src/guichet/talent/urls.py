from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("", views.postings, name="list"),
    path("new/", views.posting_new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.posting, name="detail"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/edit/", views.posting_edit, name="edit"),
    path("<int:pk>/close/", views.posting_close, name="close"),
    path("<int:pk>/applications/", views.applications, name="applications"),
    path("applications/<int:pk>/cv/", views.cv, name="cv"),
    path("applications/<int:pk>/decline/", views.decline, name="decline"),
    path("a/<str:token>/", views.application_page, name="application"),
    path("a/<str:token>/confirm/", views.application_confirm, name="confirm"),
    path("a/<str:token>/withdraw/", views.application_withdraw, name="withdraw"),
]
