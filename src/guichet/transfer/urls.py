from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("offers/", views.offers, name="offers"),
    path("offers/<int:pk>/", views.offer, name="offer"),
    path("offers/<int:pk>/ask/", views.offer_ask, name="offer_ask"),
    path("disclosures/", views.disclosures, name="disclosures"),
    path("disclosures/new/", views.disclosure_new, name="disclosure_new"),
    path("disclosures/export.csv", views.disclosures_csv, name="disclosures_csv"),
    path("disclosures/<int:pk>/", views.disclosure, name="disclosure"),
    path("disclosures/<int:pk>/status/", views.disclosure_status, name="disclosure_status"),
    path("office/", views.office, name="office"),
    # --- the office's profile (issue 11) ---
    path("offices/", views.offices, name="offices"),
    path("offices/<int:pk>/", views.office_profile, name="office_profile"),
    path("offices/<int:pk>/edit/", views.office_edit, name="office_edit"),
]
