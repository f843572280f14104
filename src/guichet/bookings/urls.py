from django.urls import path

from .views import calendar, feeds, manage, orders, statements

app_name = "bookings"
urlpatterns = [
    path("mine/", calendar.mine, name="mine"),
    path("approvals/", calendar.approvals, name="approvals"),
    path("instruments/<key:key>/", calendar.calendar, name="calendar"),
    path("instruments/<key:key>/book/", calendar.book, name="book"),
    path("instruments/<key:key>/manage/", manage.manage, name="manage"),
    path("instruments/<key:key>/manage/rules/", manage.manage_rules, name="manage_rules"),
    path("instruments/<key:key>/manage/trainings/", manage.training_grant, name="training_grant"),
    path("instruments/<key:key>/manage/trainings/<int:pk>/revoke/", manage.training_revoke, name="training_revoke"),
    path("instruments/<key:key>/manage/maintenance/", manage.maintenance_declare, name="maintenance_declare"),
    path("instruments/<key:key>/manage/maintenance/<int:pk>/cancel/", manage.maintenance_cancel,
         name="maintenance_cancel"),
    path("<int:pk>/cancel/", calendar.cancel, name="cancel"),
    path("<int:pk>/decide/", calendar.decide, name="decide"),
    path("feeds/new/", feeds.feed_create, name="feed_create"),
    path("feeds/<int:pk>/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("feeds/<str:token>.ics", feeds.feed, name="feed"),
    path("orders/", orders.orders, name="orders"),
    path("orders/new/<key:key>/", orders.order_new, name="order_new"),
    path("orders/<int:pk>/", orders.order_detail, name="order"),
    path("orders/<int:pk>/attachment/", orders.order_attachment, name="order_attachment"),
    path("statements/", statements.statement, name="statement"),
    path("statements.csv", statements.statement, {"fmt": "csv"}, name="statement_csv"),
    path("statements.xlsx", statements.statement, {"fmt": "xlsx"}, name="statement_xlsx"),
    path("usage/<key:key>/", statements.usage, name="usage"),
]
