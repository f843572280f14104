from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("mine/", views.mine, name="mine"),
    path("trainings/", views.trainings, name="trainings"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("t/<str:token>/certificate.pdf", views.certificate, name="certificate"),
    path("sessions/<int:pk>/register/", views.register, name="register"),
    path("sessions/<int:pk>/door/", views.door, name="door"),
    path("t/<str:token>/", views.ticket, name="ticket"),
    path("t/<str:token>/confirm/", views.confirm, name="confirm"),
    path("t/<str:token>/calendar.ics", views.ticket_ics, name="ticket_ics"),
    path("t/<str:token>/cancel/", views.ticket_cancel, name="ticket_cancel"),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("<slug:key>/", views.detail, name="detail"),
    path("<slug:key>/calendar.ics", views.event_ics, name="ics"),
    path("<slug:key>/attendees/", views.attendees, name="attendees"),
    path("<slug:key>/attendees.csv", views.attendees_export, {"fmt": "csv"}, name="attendees_csv"),
    path("<slug:key>/attendees.xlsx", views.attendees_export, {"fmt": "xlsx"}, name="attendees_xlsx"),
]
