from django.urls import path

from . import views

app_name = "startups"
urlpatterns = [
    path("", views.startup_list, name="list"),
    # --- funding rounds to validate (before the key: a start-up's key never reaches these) ---
    path("rounds/", views.rounds_to_validate, name="rounds_to_validate"),
    path("rounds/<int:pk>/validate/", views.round_validate, name="round_validate"),
    path("rounds/<int:pk>/return/", views.round_return, name="round_return"),
    # --- headcounts to validate (issue 11), before the key as the rounds ---
    path("headcounts/", views.headcounts_queue, name="headcounts_to_validate"),
    path("headcounts/<int:pk>/validate/", views.headcount_validate, name="headcount_validate"),
    path("headcounts/<int:pk>/return/", views.headcount_return, name="headcount_return"),
    path("<key:key>/", views.startup_detail, name="detail"),
]
