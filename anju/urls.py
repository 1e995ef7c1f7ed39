from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from anju.api.urls import api

admin.site.site_header = "安居 Anju"
admin.site.site_title = "安居 Anju"
admin.site.index_title = settings.ANJU_BRAND

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("portal/", include("anju.portal.urls")),
    path("console/", include("anju.console.urls")),
    path("files/", include("anju.complaints.urls")),
]
