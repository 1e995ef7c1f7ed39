from django.urls import path

from anju.notify import views

app_name = "notify"

urlpatterns = [
    path("console/notifications/", views.console_notifications, name="console_list"),
    path("portal/notifications/", views.portal_notifications, name="portal_list"),
    path("portal/settings/", views.portal_settings, name="portal_settings"),
]
