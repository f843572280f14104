from django.urls import path

from . import views

app_name = "desk"
urlpatterns = [
    path("", views.new_request, name="new"),
    path("suggest/", views.suggest, name="suggest"),
    path("requests/", views.request_list, name="list"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/triage/", views.triage, name="triage"),
    path("requests/<int:pk>/route/", views.route, name="route"),
    path("requests/<int:pk>/routings/<int:routing_pk>/respond/", views.respond, name="respond"),
    path("requests/<int:pk>/message/", views.message, name="message"),
    path("requests/<int:pk>/close/", views.close, name="close"),
    path("requests/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("requests/<int:pk>/reach/", views.reach, name="reach"),
    path("r/<str:token>/", views.follow, name="follow"),
    path("p/<int:routing_pk>/<str:token>/", views.provider, name="provider"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("export.csv", views.export_csv, name="export"),
]
