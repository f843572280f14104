from django.urls import path

from . import views

app_name = "clinical"
urlpatterns = [
    path("sites/", views.sites, name="sites"),
    path("feasibility/new/", views.feasibility_new, name="feasibility_new"),
    path("feasibility/<int:pk>/", views.feasibility, name="feasibility"),
    path("feasibility/<int:pk>/route/", views.feasibility_route, name="feasibility_route"),
    path("feasibility/<int:pk>/answer/<int:routing_pk>/", views.feasibility_answer, name="feasibility_answer"),
    path("feasibility/<int:pk>/close/", views.feasibility_close, name="feasibility_close"),
    path("trials/", views.trials, name="trials"),
    path("trials/<int:pk>/", views.trial, name="trial"),
    path("trial-sites/<int:pk>/inclusions/", views.inclusions, name="inclusions"),
    # --- site profiles (issue 11) ---
    path("sites/<int:pk>/", views.site, name="site"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
]
