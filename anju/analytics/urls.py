"""Dashboards and league tables (console/stats/)."""

from django.urls import path

from anju.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.headquarters, name="headquarters"),
    path("estate/<int:pk>/", views.estate, name="estate"),
    path("department/<int:pk>/", views.department, name="department"),
    path("league/", views.league, name="league"),
]
