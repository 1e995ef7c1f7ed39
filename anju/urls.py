from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from anju.api.urls import api
from anju.console.views.auth import admin_login

admin.site.site_header = "安居 Anju"
admin.site.site_title = "安居 Anju"
admin.site.index_title = settings.ANJU_BRAND

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin signs in through the console: lock-out and the second factor apply.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("portal/", include("anju.portal.urls")),
    # Statistics (anju/analytics): dashboards and league tables, monthly reports.
    path("console/stats/", include("anju.analytics.urls")),
    path("console/reports/", include("anju.analytics.report_urls")),
    path("console/", include("anju.console.urls")),
    path("files/", include("anju.complaints.urls")),
    path("", include("anju.notify.urls")),
    # The signed-link satisfaction survey: public, the token is the credential (anju/visits).
    path("", include("anju.visits.urls")),
]
