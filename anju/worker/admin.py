from django.contrib import admin

from anju.worker.models import PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ["name", "next_run_at", "last_run_at"]
