"""Monthly reports (console/reports/)."""

from django.urls import path

from anju.analytics import report_views

app_name = "reports"
urlpatterns = [
    path("", report_views.report_list, name="list"),
    path("build/", report_views.build_now, name="build"),
    path("<int:pk>/download/", report_views.download, name="download"),
]
