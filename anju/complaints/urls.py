from django.urls import path

from anju.complaints import views

app_name = "files"
urlpatterns = [
    path("<int:attachment_id>/", views.attachment, name="attachment"),
]
