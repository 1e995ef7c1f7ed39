from django.urls import path

from anju.visits import views

app_name = "visits"
urlpatterns = [
    path("survey/<str:token>/", views.survey, name="survey"),
]
