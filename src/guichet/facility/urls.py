from django.urls import path

from . import views

app_name = "facility"
urlpatterns = [
    path("instruments/<key:key>/series/", views.series_new, name="series_new"),
    path("instruments/<key:key>/series/book/", views.series_book, name="series_book"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/cancel/", views.series_cancel, name="series_cancel"),
    path("instruments/<key:key>/waitlist/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<int:pk>/", views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/<int:pk>/claim/", views.waitlist_claim, name="waitlist_claim"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("kiosk/<key:key>/", views.kiosk, name="kiosk"),
    path("kiosk/<key:key>/qr.svg", views.kiosk_qr, name="kiosk_qr"),
    path("instruments/<key:key>/usage/", views.usage_page, name="usage"),
    path("instruments/<key:key>/usage/rules/", views.billing_rule, name="billing_rule"),
    path("instruments/<key:key>/usage/correct/", views.usage_correct, name="usage_correct"),
]
