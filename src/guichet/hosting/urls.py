from django.urls import path

from . import views

app_name = "hosting"
urlpatterns = [
    path("", views.buildings, name="buildings"),
    path("rooms/", views.rooms, name="rooms"),
    path("contracts/<int:pk>/end/", views.contract_end, name="contract_end"),
    path("contracts/<int:pk>/cancel/", views.contract_cancel, name="contract_cancel"),
    path("buildings/<slug:key>/", views.building, name="building"),
    path("buildings/<slug:key>/spaces/new/", views.space_new, name="space_new"),
    path("buildings/<slug:key>/contracts/new/", views.contract_new, name="contract_new"),
    path("ours/", views.ours, name="ours"),
]
