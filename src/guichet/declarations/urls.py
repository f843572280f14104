from django.urls import path

from . import views

app_name = "declarations"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("<int:pk>/", views.declaration, name="declaration"),
    path("<int:pk>/validate/", views.declaration_validate, name="validate"),
    path("<int:pk>/return/", views.declaration_return, name="return"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    # --- draft campaign editing (issue 11) ---
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
]
