from django.urls import path

from . import views

app_name = "partnering"
urlpatterns = [
    path("<slug:key>/", views.day, name="day"),
    path("<slug:key>/join/", views.join, name="join"),
    path("<slug:key>/availability/", views.unavailable, name="unavailable"),
    path("<slug:key>/participants/<int:pk>/request/", views.ask, name="ask"),
    path("<slug:key>/requests/<int:pk>/answer/", views.answer, name="answer"),
    path("<slug:key>/meetings/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("<slug:key>/meetings.ics", views.agenda_ics, name="ics"),
    path("<slug:key>/schedule/", views.schedule, name="schedule"),
]
