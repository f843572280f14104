from django.urls import path

from . import views

app_name = "bookings"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("approvals/", views.approvals, name="approvals"),
    path("instruments/<key:key>/", views.calendar, name="calendar"),
    path("instruments/<key:key>/book/", views.book, name="book"),
    path("instruments/<key:key>/manage/", views.manage, name="manage"),
    path("instruments/<key:key>/manage/rules/", views.manage_rules, name="manage_rules"),
    path("instruments/<key:key>/manage/trainings/", views.training_grant, name="training_grant"),
    path("instruments/<key:key>/manage/trainings/<int:pk>/revoke/", views.training_revoke, name="training_revoke"),
    path("instruments/<key:key>/manage/maintenance/", views.maintenance_declare, name="maintenance_declare"),
    path("instruments/<key:key>/manage/maintenance/<int:pk>/cancel/", views.maintenance_cancel,
         name="maintenance_cancel"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("feeds/new/", views.feed_create, name="feed_create"),
    path("feeds/<int:pk>/revoke/", views.feed_revoke, name="feed_revoke"),
    path("feeds/<str:token>.ics", views.feed, name="feed"),
    path("orders/", views.orders, name="orders"),
    path("orders/new/<key:key>/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/attachment/", views.order_attachment, name="order_attachment"),
    path("statements/", views.statement, name="statement"),
    path("statements.csv", views.statement, {"fmt": "csv"}, name="statement_csv"),
    path("statements.xlsx", views.statement, {"fmt": "xlsx"}, name="statement_xlsx"),
    path("usage/<key:key>/", views.usage, name="usage"),
]
